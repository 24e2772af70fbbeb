using System.Globalization;
using Spoke.Crm;
using Spoke.Properties;

namespace Spoke.DataTools.Export;

/// <summary>
/// The <c>--filter</c> syntax: <c>PROPERTY OPERATOR VALUE</c> with no spaces needed, e.g. <c>lifecyclestage=customer</c>,
/// <c>amount&gt;1000</c>, <c>hs_lastmodifieddate&gt;=2026-01-01</c>, <c>email~*@acme.com</c>. Operators: <c>=</c>, <c>!=</c>,
/// <c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>~</c> (contains the token), <c>!~</c> (does not contain it);
/// <c>PROPERTY=*</c> means "has a value" and <c>PROPERTY!=*</c> "has none". Several filters are ANDed.
/// </summary>
internal static class ExportFilter
{
    // Longest first, so ">=" is not read as ">" followed by "=value".
    private static readonly (string Token, SearchOperator Operator)[] Operators =
    [
        ("!=", SearchOperator.Neq), (">=", SearchOperator.Gte), ("<=", SearchOperator.Lte), ("!~", SearchOperator.NotContainsToken),
        ("=", SearchOperator.Eq), (">", SearchOperator.Gt), ("<", SearchOperator.Lt), ("~", SearchOperator.ContainsToken),
    ];

    private const string Syntax = "write PROPERTY=VALUE (or !=, >, >=, <, <=, ~ for contains, !~; PROPERTY=* for 'has a value'), e.g. lifecyclestage=customer or amount>1000";

    /// <summary>Parses one filter without checking it against the portal (values are sent as written).</summary>
    /// <exception cref="FormatException">The text is not a filter; the message shows the syntax.</exception>
    public static CrmFilter Parse(string text) => Parse(text, null);

    /// <summary>
    /// Parses one filter and checks it against the object's property definitions: the property must exist, numbers must be
    /// numbers, booleans <c>true</c>/<c>false</c>, enumeration values among the options, and dates and datetimes
    /// (ISO 8601, e.g. <c>2026-01-01</c> or <c>2026-01-01T12:00:00Z</c>, UTC unless an offset is given) become the epoch
    /// milliseconds HubSpot's search compares.
    /// </summary>
    /// <exception cref="FormatException">The filter is malformed or does not fit the property; the message says what to write.</exception>
    public static CrmFilter Parse(string text, IReadOnlyDictionary<string, PropertyDefinition>? definitions)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var (at, token, op) = FindOperator(trimmed);
        if (at <= 0)
        {
            throw new FormatException($"The filter \"{trimmed}\" has no property and operator: {Syntax}.");
        }

        var property = trimmed[..at].Trim();
        var value = trimmed[(at + token.Length)..].Trim();
        PropertyDefinition? definition = null;
        if (definitions is not null && !definitions.TryGetValue(property, out definition))
        {
            throw new FormatException($"The filter \"{trimmed}\" names the property \"{property}\", which this object does not have: use a property's internal name (not its label).");
        }

        if (value == "*" && op is SearchOperator.Eq or SearchOperator.Neq)
        {
            return op == SearchOperator.Eq ? CrmFilter.HasProperty(property) : CrmFilter.NotHasProperty(property);
        }

        if (value.Length == 0)
        {
            throw new FormatException($"The filter \"{trimmed}\" has no value: {Syntax} (PROPERTY!=* for records without a value).");
        }

        if (op is SearchOperator.ContainsToken or SearchOperator.NotContainsToken)
        {
            return new CrmFilter(property, op, value);
        }

        return new CrmFilter(property, op, definition is null ? value : Wire(trimmed, definition, value));
    }

    private static (int At, string Token, SearchOperator Operator) FindOperator(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var (token, op) in Operators)
            {
                if (string.CompareOrdinal(text, i, token, 0, token.Length) == 0)
                {
                    return (i, token, op);
                }
            }
        }

        return (-1, "", SearchOperator.Eq);
    }

    private static string Wire(string filter, PropertyDefinition definition, string value)
    {
        if (definition.Type == PropertyType.Number)
        {
            return decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? ((SearchValue)number).Wire
                : throw new FormatException($"The filter \"{filter}\": {definition.Name} is a number, and \"{value}\" is not one (write e.g. 1000 or 12.5, with a '.' for decimals).");
        }

        if (definition.Type == PropertyType.Bool)
        {
            return value.ToLowerInvariant() is "true" or "false" ? value.ToLowerInvariant()
                : throw new FormatException($"The filter \"{filter}\": {definition.Name} is a yes/no property: write true or false.");
        }

        if (definition.Type == PropertyType.DateTime || definition.Type == PropertyType.Date)
        {
            if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return value; // already epoch milliseconds
            }

            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return ((SearchValue)date).Wire;
            }

            return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
                ? ((SearchValue)at).Wire
                : throw new FormatException($"The filter \"{filter}\": {definition.Name} is a {definition.Type}; write an ISO 8601 date such as 2026-01-01 or 2026-01-01T12:00:00Z.");
        }

        if (definition.Type == PropertyType.Enumeration && definition.Options.Count > 0 && !definition.Options.Any(o => o.Value == value))
        {
            var options = string.Join(", ", definition.Options.Take(20).Select(o => o.Value));
            throw new FormatException($"The filter \"{filter}\": \"{value}\" is not an option of {definition.Name}; use an option's internal value: {options}{(definition.Options.Count > 20 ? ", …" : "")}.");
        }

        return value;
    }
}
