using System.Globalization;
using Spoke.Properties;

namespace Spoke.DataTools.Mapping;

/// <summary>Message helpers shared by the planner's checks.</summary>
internal static class Problems
{
    /// <summary>A value quoted for a message, cut short so a 60 KB cell does not make a 60 KB reason.</summary>
    internal static string Quote(string value) => value.Length <= 60 ? $"'{value}'" : $"'{value[..57]}…' ({value.Length:N0} characters)";

    /// <summary>Up to <paramref name="max"/> items, then how many in all.</summary>
    internal static string Some(IReadOnlyCollection<string> items, int max = 8) =>
        items.Count <= max ? string.Join(", ", items) : string.Join(", ", items.Take(max)) + $", … ({items.Count} in all)";
}

/// <summary>
/// Whether a value (after the transforms) is something HubSpot stores in the property, by its type
/// (docs/hubspot-api.md §12), its options and, for email properties, a practical shape check.
/// </summary>
internal sealed class ValueChecker
{
    /// <summary>HubSpot's limit for a string property's value.</summary>
    internal const int MaxStringLength = 65_536;

    private readonly PropertyDefinition _property;
    private readonly HashSet<string>? _options;
    private readonly bool _multiple;
    private readonly bool _email;

    internal ValueChecker(PropertyDefinition property, bool isEmail)
    {
        _property = property;
        _email = isEmail;
        if (property.Type == PropertyType.Enumeration && !property.ExternalOptions && property.Options.Count > 0)
        {
            // Option values are compared exactly: HubSpot stores and searches them case-sensitively.
            _options = new HashSet<string>(property.Options.Select(o => o.Value), StringComparer.Ordinal);
        }

        _multiple = property.FieldType == PropertyFieldType.Checkbox;
    }

    /// <summary>Why <paramref name="value"/> (non-empty) does not fit, or null when it does.</summary>
    internal string? Check(string value)
    {
        var name = _property.Name;
        if (_property.Type == PropertyType.Number)
        {
            return ValuePipeline.InvariantNumber().IsMatch(value) ? null
                : $"{Problems.Quote(value)} is not a number for {name}: HubSpot takes digits with '.' as the decimal point; add a \"number\" transform with the file's culture (e.g. {{\"number\": \"de-DE\"}}) or correct the value";
        }

        if (_property.Type == PropertyType.Bool)
        {
            return value is "true" or "false" ? null
                : $"{Problems.Quote(value)} is not true or false for {name}; add the \"bool\" transform (it reads yes/no, 1/0, on/off) or correct the value";
        }

        if (_property.Type == PropertyType.Date)
        {
            return IsDate(value) ? null
                : $"{Problems.Quote(value)} is not a date for {name}: HubSpot takes YYYY-MM-DD; add a \"date\" transform with the file's format (e.g. {{\"date\": \"dd/MM/yyyy\"}}) or correct the value";
        }

        if (_property.Type == PropertyType.DateTime)
        {
            return IsDateTime(value) ? null
                : $"{Problems.Quote(value)} is not a datetime for {name}: HubSpot takes ISO 8601 with a time zone (e.g. 2024-05-01T12:00:00.000Z); add a \"date\" transform with the file's format and \"timeZone\", or correct the value";
        }

        if (_property.Type == PropertyType.Enumeration && _options is not null)
        {
            // A leading ';' appends to the record's values in HubSpot (§12); the values themselves are checked.
            var values = value.Split(';', StringSplitOptions.RemoveEmptyEntries);
            if (!_multiple && values.Length > 1)
            {
                return $"{Problems.Quote(value)} holds {values.Length} values but {name} takes one; keep one value";
            }

            foreach (var v in values)
            {
                if (!_options.Contains(v))
                {
                    var caseMatch = _options.FirstOrDefault(o => string.Equals(o, v, StringComparison.OrdinalIgnoreCase));
                    return $"{Problems.Quote(v)} is not an option of {name}" +
                        (caseMatch is not null ? $" (did you mean '{caseMatch}'? option values are case-sensitive)" : "") +
                        $"; allowed: {Problems.Some([.. _property.Options.Select(o => o.Value)])}; add a \"map\" transform or correct the value";
                }
            }

            return null;
        }

        if (value.Length > MaxStringLength)
        {
            return $"the value of {name} is {value.Length:N0} characters; HubSpot stores at most {MaxStringLength:N0}; shorten it";
        }

        if (_email && !IsEmail(value))
        {
            return $"{Problems.Quote(value)} is not an email address (it needs one @, a domain with a dot, and no spaces); correct it";
        }

        return null;
    }

    internal static bool IsDate(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ||
        (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms % 86_400_000 == 0); // epoch ms at midnight UTC

    internal static bool IsDateTime(string value) =>
        (value.Length > 10 && value[10] == 'T' && (value.EndsWith('Z') || value[^6] is '+' or '-' || value[^5] is '+' or '-') &&
            DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) ||
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _); // epoch ms

    /// <summary>A practical check, not RFC 5322: one @, something before it, a dotted domain after it, no white space.</summary>
    internal static bool IsEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || value.Any(char.IsWhiteSpace) || value.Contains(',', StringComparison.Ordinal) || value.Contains(';', StringComparison.Ordinal))
        {
            return false;
        }

        var domain = value[(at + 1)..];
        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && !domain.EndsWith('.') && !domain.Contains("..", StringComparison.Ordinal);
    }
}
