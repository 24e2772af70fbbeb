using System.Globalization;
using System.Text.RegularExpressions;
using Spoke.Properties;

namespace Spoke.DataTools.Mapping;

/// <summary>
/// A column's transforms compiled for its target property: the value runs through them as a list (one item until a
/// <c>split</c>, each item after it), empty items drop out, and the rest is joined (with <c>;</c>, HubSpot's
/// multi-value separator, unless a <c>join</c> says otherwise).
/// </summary>
internal sealed partial class ValuePipeline
{
    private readonly List<Func<string, Step>> _steps = [];
    private readonly List<int> _splitAt = [];
    private readonly List<string> _splitSeparators = [];
    private string _joiner = ";";

    private ValuePipeline()
    {
    }

    /// <summary>One item's outcome: its new value, or why the transform failed.</summary>
    private readonly record struct Step(string? Value, string? Error);

    /// <summary>The joined value, or the first transform failure.</summary>
    internal readonly record struct Outcome(string Value, IReadOnlyList<string> Items, string? Error);

    /// <summary>
    /// Compiles <paramref name="transforms"/> for a value of <paramref name="target"/> (null: no property); what is
    /// wrong with the transforms themselves goes to <paramref name="errors"/>, each naming <paramref name="at"/>;
    /// <paramref name="map"/> gives the defaults.
    /// </summary>
    internal static ValuePipeline Compile(IList<ValueTransform> transforms, PropertyDefinition? target, ImportMap map, string at, List<string> errors)
    {
        var pipeline = new ValuePipeline();
        for (var i = 0; i < transforms.Count; i++)
        {
            var t = transforms[i];
            var where = $"{at}.transforms[{i}] ({t.Kind})";
            switch (t.Kind)
            {
                case "trim":
                    pipeline._steps.Add(v => new Step(v.Trim(), null));
                    break;
                case "lower":
                    pipeline._steps.Add(v => new Step(v.ToLowerInvariant(), null));
                    break;
                case "upper":
                    pipeline._steps.Add(v => new Step(v.ToUpperInvariant(), null));
                    break;
                case "constant":
                    var constant = t.Value ?? "";
                    pipeline._steps.Add(_ => new Step(constant, null));
                    break;
                case "nullIf":
                    var nulls = new HashSet<string>((t.NullValues ?? []).Select(n => n.Trim()), StringComparer.OrdinalIgnoreCase);
                    pipeline._steps.Add(v => new Step(nulls.Contains(v.Trim()) ? "" : v, null));
                    break;
                case "map":
                    pipeline._steps.Add(CompileMap(t));
                    break;
                case "bool":
                    pipeline._steps.Add(CompileBool(t));
                    break;
                case "number":
                    if (CompileNumber(t, map, where, errors) is { } number)
                    {
                        pipeline._steps.Add(number);
                    }

                    break;
                case "date":
                    if (CompileDate(t, target, map, where, errors) is { } date)
                    {
                        pipeline._steps.Add(date);
                    }

                    break;
                case "split":
                    pipeline._splitAt.Add(pipeline._steps.Count);
                    pipeline._splitSeparators.Add(t.Separator ?? ";");
                    break;
                case "join":
                    pipeline._joiner = t.Separator ?? ";";
                    break;
                default:
                    errors.Add($"{where}: unknown transform; use one of {string.Join(", ", ValueTransform.Kinds)}.");
                    break;
            }
        }

        return pipeline;
    }

    /// <summary>Runs the value through the transforms.</summary>
    internal Outcome Apply(string raw)
    {
        var items = new List<string> { raw };
        var split = 0;
        for (var s = 0; s <= _steps.Count; s++)
        {
            while (split < _splitAt.Count && _splitAt[split] == s)
            {
                var separator = _splitSeparators[split++];
                items = [.. items.SelectMany(v => v.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
            }

            if (s == _steps.Count)
            {
                break;
            }

            for (var i = 0; i < items.Count; i++)
            {
                var step = _steps[s](items[i]);
                if (step.Error is not null)
                {
                    return new Outcome("", [], step.Error);
                }

                items[i] = step.Value ?? "";
            }
        }

        items.RemoveAll(v => v.Length == 0);
        return new Outcome(string.Join(_joiner, items), items, null);
    }

    private static Func<string, Step> CompileMap(ValueTransform t)
    {
        var comparer = t.CaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var values = new Dictionary<string, string>(comparer);
        foreach (var pair in t.Values ?? new Dictionary<string, string>())
        {
            values[t.CaseInsensitive ? pair.Key.Trim() : pair.Key] = pair.Value;
        }

        var fallback = t.Default;
        var caseInsensitive = t.CaseInsensitive;
        return v =>
        {
            var key = caseInsensitive ? v.Trim() : v;
            if (values.TryGetValue(key, out var mapped))
            {
                return new Step(mapped, null);
            }

            // An empty value is "no value", not an unmapped one: the default is for values the map does not list.
            return new Step(v.Length == 0 || fallback is null ? v : fallback, null);
        };
    }

    private static readonly string[] TrueWords = ["true", "yes", "y", "1", "on"];
    private static readonly string[] FalseWords = ["false", "no", "n", "0", "off"];

    private static Func<string, Step> CompileBool(ValueTransform t)
    {
        var trueWords = new HashSet<string>(TrueWords.Concat((t.TrueValues ?? []).Select(w => w.Trim())), StringComparer.OrdinalIgnoreCase);
        var falseWords = new HashSet<string>(FalseWords.Concat((t.FalseValues ?? []).Select(w => w.Trim())), StringComparer.OrdinalIgnoreCase);
        var known = string.Join("/", trueWords.Take(6)) + " or " + string.Join("/", falseWords.Take(6));
        return v =>
        {
            var word = v.Trim();
            return word.Length == 0 ? new Step("", null)
                : trueWords.Contains(word) ? new Step("true", null)
                : falseWords.Contains(word) ? new Step("false", null)
                : new Step(null, $"{Problems.Quote(v)} is not a yes/no value (the bool transform reads {known}); correct the value, or list the file's word in the transform's \"true\"/\"false\"");
        };
    }

    private static Func<string, Step>? CompileNumber(ValueTransform t, ImportMap map, string where, List<string> errors)
    {
        var culture = t.Culture ?? map.Culture ?? "invariant";
        (string Decimal, string Group) separators;
        if (!NumberFormats.TryGet(culture, out separators))
        {
            if (t.DecimalSeparator is null)
            {
                errors.Add($"{where}: culture '{culture}' is not in the built-in table ({NumberFormats.Known}); give \"decimalSeparator\" and \"groupSeparator\" instead.");
                return null;
            }

            separators = (".", ",");
        }

        var dec = t.DecimalSeparator ?? separators.Decimal;
        var group = t.GroupSeparator ?? separators.Group;
        if (dec.Length != 1 || group.Length > 1 || dec == group)
        {
            errors.Add($"{where}: the decimal separator '{dec}' and group separator '{group}' must be single, different characters (the group one may be empty).");
            return null;
        }

        var groupIsSpace = group.Length == 1 && NumberFormats.Spaces.Contains(group[0], StringComparison.Ordinal);
        var described = $"'{dec}' as the decimal point" + (group.Length > 0 ? $" and '{(groupIsSpace ? "space" : group)}' between thousands" : "");
        return v =>
        {
            var s = v.Trim();
            if (s.Length == 0)
            {
                return new Step("", null);
            }

            var parts = s.Split(dec[0]);
            var integer = parts[0];
            if (group.Length > 0)
            {
                var groups = groupIsSpace ? integer.Split(NumberFormats.Spaces.ToCharArray()) : integer.Split(group[0]);
                // "1.234.567" is grouped by thousands; "1.2.3" is not a de-DE number, it is a typo or another format.
                if (groups.Length > 1 && groups.Skip(1).Any(g => g.Length != 3))
                {
                    return new Step(null, $"{Problems.Quote(v)} is not a number written with {described}; correct the value or the transform's culture");
                }

                integer = string.Concat(groups);
            }

            var normalized = parts.Length switch
            {
                1 => integer,
                2 => integer + "." + parts[1],
                _ => null,
            };
            if (normalized is null || !InvariantNumber().IsMatch(normalized))
            {
                return new Step(null, $"{Problems.Quote(v)} is not a number written with {described}; correct the value or the transform's culture");
            }

            return new Step(normalized.StartsWith('+') ? normalized[1..] : normalized, null);
        };
    }

    /// <summary>The wire format of a number: optional sign, digits, at most one '.', optional exponent.</summary>
    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    internal static partial Regex InvariantNumber();

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ssK",
    ];

    private static Func<string, Step>? CompileDate(ValueTransform t, PropertyDefinition? target, ImportMap map, string where, List<string> errors)
    {
        var format = t.Format ?? map.DateFormat;
        if (string.IsNullOrWhiteSpace(format))
        {
            errors.Add($"{where}: no input format; give one, e.g. {{\"date\": \"dd/MM/yyyy\"}}, or set the map's \"dateFormat\" (\"iso\" reads ISO 8601).");
            return null;
        }

        var formats = format == "iso" ? IsoFormats : format.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var zoneId = t.TimeZone ?? map.TimeZone;
        var zone = TimeZoneInfo.Utc;
        if (zoneId is not null && !TryFindZone(zoneId, out zone))
        {
            errors.Add($"{where}: unknown time zone '{zoneId}'; give an IANA id such as Europe/Berlin, America/New_York or UTC.");
            return null;
        }

        var hasTime = formats.Any(f => f.Contains('H', StringComparison.Ordinal) || f.Contains('h', StringComparison.Ordinal));
        var formatsTakeOffset = formats.Any(f => f.Contains('K', StringComparison.Ordinal) || f.Contains('z', StringComparison.Ordinal));
        var toDateTime = target?.Type == PropertyType.DateTime || (target?.Type != PropertyType.Date && hasTime);
        return v =>
        {
            var s = v.Trim();
            if (s.Length == 0)
            {
                return new Step("", null);
            }

            if (!DateTimeOffset.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return new Step(null, $"{Problems.Quote(v)} is not a date in the format {format}; correct the value, or the format in the map");
            }

            // AssumeUniversal gave inputs without an offset the offset zero; they are wall-clock times of the map's zone.
            var hadOffset = formatsTakeOffset && HasOffsetText(s);
            if (!toDateTime)
            {
                return new Step(parsed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null);
            }

            DateTimeOffset utc;
            if (hadOffset)
            {
                utc = parsed.ToUniversalTime();
            }
            else
            {
                var wall = DateTime.SpecifyKind(parsed.DateTime, DateTimeKind.Unspecified);
                if (zone.IsInvalidTime(wall))
                {
                    return new Step(null, $"{Problems.Quote(v)} does not exist in {zone.Id} (the clocks skipped that hour); correct the value");
                }

                utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(wall, zone), TimeSpan.Zero);
            }

            return new Step(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), null);
        };
    }

    /// <summary>Whether the text ends in an explicit offset (Z, +02:00, -0500).</summary>
    private static bool HasOffsetText(string s) => OffsetSuffix().IsMatch(s);

    [GeneratedRegex(@"(Z|[+-]\d{2}(:?\d{2})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex OffsetSuffix();

    internal static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}
