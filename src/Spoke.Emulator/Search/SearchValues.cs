using System.Globalization;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Search;

/// <summary>How search compares the values of a property, from its catalog type (docs/hubspot-api.md §6 case rules, §12 formats).</summary>
internal enum ValueKind
{
    /// <summary>string, phone_number and anything else textual: case-insensitive.</summary>
    Text,
    /// <summary>Compared numerically.</summary>
    Number,
    /// <summary>datetime and date: epoch ms or ISO, compared as instants.</summary>
    Instant,
    /// <summary>"true" / "false", case-insensitive.</summary>
    Bool,
    /// <summary>Option values: case-sensitive for every operator; multi-value (<c>a;b</c>) matches on any member.</summary>
    Enumeration,
}

/// <summary>Normalizes stored and filter values so equal values share one key and ordered values compare.</summary>
internal static class SearchValues
{
    public static ValueKind KindOf(PropertyDefinition def) => def.Type switch
    {
        "number" => ValueKind.Number,
        "datetime" or "date" => ValueKind.Instant,
        "bool" => ValueKind.Bool,
        "enumeration" => ValueKind.Enumeration,
        _ => ValueKind.Text,
    };

    /// <summary>
    /// The equality keys of a stored value: one key, or one per member of a multi-value enumeration.
    /// A value that cannot be read as its type (legacy data) keys by its text so it still matches itself.
    /// </summary>
    public static void Keys(ValueKind kind, string value, List<string> into)
    {
        into.Clear();
        if (kind == ValueKind.Enumeration)
        {
            foreach (var member in value.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!into.Contains(member))
                {
                    into.Add(member);
                }
            }

            return;
        }

        into.Add(Key(kind, value) ?? value);
    }

    /// <summary>The equality key of one value, or null when it is not a valid value of the kind.</summary>
    public static string? Key(ValueKind kind, string value) => kind switch
    {
        ValueKind.Text => value.ToLowerInvariant(),
        ValueKind.Number => TryNumber(value, out var d) ? Canonical(d) : null,
        ValueKind.Instant => TryInstant(value, out var ms) ? ms.ToString(CultureInfo.InvariantCulture) : null,
        ValueKind.Bool => value.Equals("true", StringComparison.OrdinalIgnoreCase) ? "true"
            : value.Equals("false", StringComparison.OrdinalIgnoreCase) ? "false" : null,
        _ => value,
    };

    public static bool TryNumber(string value, out decimal number) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    /// <summary>One spelling per number: <c>10</c>, <c>10.0</c> and <c>1E1</c> share a key.</summary>
    public static string Canonical(decimal d) =>
        (d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>Epoch milliseconds of an ISO datetime, a <c>YYYY-MM-DD</c> date or an epoch-ms string.</summary>
    public static bool TryInstant(string value, out long epochMs)
    {
        // Stored datetimes are always yyyy-MM-ddTHH:mm:ss.fffZ and dates yyyy-MM-dd: parse those without allocating.
        if (TryFixed(value, out epochMs))
        {
            return true;
        }

        if (PropertyValues.TryParseInstant(value, out var instant))
        {
            epochMs = instant.ToUnixTimeMilliseconds();
            return true;
        }

        epochMs = 0;
        return false;
    }

    private static bool TryFixed(string s, out long epochMs)
    {
        epochMs = 0;
        if (s.Length != 10 && s.Length != 24)
        {
            return false;
        }

        if (s[4] != '-' || s[7] != '-')
        {
            return false;
        }

        int h = 0, mi = 0, sec = 0, ms = 0;
        if (!Digits(s, 0, 4, out var y) || !Digits(s, 5, 2, out var mo) || !Digits(s, 8, 2, out var d))
        {
            return false;
        }

        if (s.Length == 24)
        {
            if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z' ||
                !Digits(s, 11, 2, out h) || !Digits(s, 14, 2, out mi) || !Digits(s, 17, 2, out sec) || !Digits(s, 20, 3, out ms))
            {
                return false;
            }
        }

        if (mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(Math.Max(y, 1), mo) || h > 23 || mi > 59 || sec > 59 || y < 1)
        {
            return false;
        }

        var ticks = new DateTime(y, mo, d, h, mi, sec, ms, DateTimeKind.Utc).Ticks;
        epochMs = (ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        return true;
    }

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
