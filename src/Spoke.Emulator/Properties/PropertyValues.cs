using System.Globalization;
using System.Net.Mail;

namespace Spoke.Emulator.Properties;

/// <summary>Why one property value was refused; becomes an entry of HubSpot's "Property values were not valid" list.</summary>
internal sealed record PropertyValueProblem(string Name, string Error, string Message);

/// <summary>Converts incoming property values to their stored wire form, validating by type (docs/hubspot-api.md §12).</summary>
internal static class PropertyValues
{
    /// <summary>
    /// Validates <paramref name="value"/> for <paramref name="def"/> and returns the stored form; <c>""</c> clears.
    /// <paramref name="current"/> is the value before this write (a leading <c>;</c> appends to it).
    /// </summary>
    public static (string? Stored, PropertyValueProblem? Problem) Normalize(
        PropertyDefinition def, string value, string? current, bool datesAsDateOnly)
    {
        if (value.Length == 0)
        {
            return ("", null);
        }

        switch (def.Type)
        {
            case "number":
                if (!decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    return Fail(def, "INVALID_INTEGER", $"{value} was not a valid number.");
                }

                return (value, null);

            case "bool":
                if (value.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    return ("true", null);
                }

                if (value.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    return ("false", null);
                }

                return Fail(def, "INVALID_BOOLEAN", $"{value} was not a valid boolean value. Use \"true\" or \"false\".");

            case "datetime":
                if (TryParseInstant(value, out var instant))
                {
                    return (FormatInstant(instant), null);
                }

                return Fail(def, "INVALID_DATETIME", $"{value} was not a valid datetime. Use ISO 8601 (2024-01-17T19:55:04.281Z) or epoch milliseconds.");

            case "date":
                if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return (FormatDate(date, datesAsDateOnly), null);
                }

                if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
                {
                    var at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                    if (at.TimeOfDay != TimeSpan.Zero)
                    {
                        return Fail(def, "INVALID_DATE", $"{value} is at {at:H:m:s.fff} UTC, not midnight!");
                    }

                    return (FormatDate(DateOnly.FromDateTime(at.UtcDateTime), datesAsDateOnly), null);
                }

                if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
                {
                    if (dto.TimeOfDay != TimeSpan.Zero)
                    {
                        return Fail(def, "INVALID_DATE", $"{value} is at {dto:H:m:s.fff} UTC, not midnight!");
                    }

                    return (FormatDate(DateOnly.FromDateTime(dto.UtcDateTime), datesAsDateOnly), null);
                }

                return Fail(def, "INVALID_DATE", $"{value} was not a valid date. Use YYYY-MM-DD or epoch milliseconds at midnight UTC.");

            case "enumeration":
                return NormalizeEnumeration(def, value, current);

            default:
                if (def.IsEmail && !IsValidEmail(value))
                {
                    return Fail(def, "INVALID_EMAIL", $"Email address {value} is invalid");
                }

                if (value.Length > 65_536)
                {
                    return Fail(def, "INVALID_STRING_LENGTH", $"Value for {def.Name} is {value.Length} characters long; the maximum is 65536.");
                }

                return (value, null);
        }
    }

    private static (string?, PropertyValueProblem?) NormalizeEnumeration(PropertyDefinition def, string value, string? current)
    {
        var append = value.StartsWith(';');
        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries);
        var multi = def.FieldType is "checkbox";
        if (!def.ExternalOptions)
        {
            foreach (var part in parts)
            {
                if (!def.Options.Exists(o => o.Value == part))
                {
                    var allowed = string.Join(", ", def.Options.Select(o => o.Value));
                    return Fail(def, "INVALID_OPTION", $"{part} was not one of the allowed options: [{allowed}]");
                }
            }
        }

        if (!multi && parts.Length > 1 && def.Options.Count > 0)
        {
            return Fail(def, "INVALID_OPTION", $"{def.Name} takes a single value; got {parts.Length}.");
        }

        if (append && !string.IsNullOrEmpty(current))
        {
            var merged = current.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
            foreach (var part in parts)
            {
                if (!merged.Contains(part))
                {
                    merged.Add(part);
                }
            }

            return (string.Join(';', merged), null);
        }

        return (string.Join(';', parts), null);
    }

    public static bool IsValidEmail(string value)
    {
        if (value.Contains(' ') || value.Count(c => c == '@') != 1)
        {
            return false;
        }

        var at = value.IndexOf('@');
        var domain = value[(at + 1)..];
        return at > 0 && domain.Contains('.') && !domain.StartsWith('.') && !domain.EndsWith('.') &&
               MailAddress.TryCreate(value, out _);
    }

    /// <summary>Parses ISO-8601 or epoch milliseconds into an instant.</summary>
    public static bool TryParseInstant(string value, out DateTimeOffset instant)
    {
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            try
            {
                instant = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                instant = default;
                return false;
            }
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }

    /// <summary>HubSpot's datetime wire form: ISO-8601 UTC with milliseconds.</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // DateOnly refuses time specifiers (':' included), so the midnight time is one quoted literal.
    private static string FormatDate(DateOnly date, bool dateOnly) =>
        dateOnly
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : date.ToString("yyyy-MM-dd'T00:00:00.000Z'", CultureInfo.InvariantCulture);

    private static (string?, PropertyValueProblem?) Fail(PropertyDefinition def, string error, string message) =>
        (null, new PropertyValueProblem(def.Name, error, message));
}
