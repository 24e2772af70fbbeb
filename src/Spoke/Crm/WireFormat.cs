using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using Spoke.Mapping;

namespace Spoke.Crm;

/// <summary>
/// HubSpot's property wire formats (docs/hubspot-api.md §12), in one place so <see cref="PropertyBag"/> and the object mapper agree.
/// Errors name the property but never echo its value: values may be personal data, and exceptions end up in logs.
/// </summary>
internal static class WireFormat
{
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>Plain digits with at most one point: no exponent, no trailing zeros after the point, no <c>-0</c>.</summary>
    public static string FormatDecimal(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return text == "-0" ? "0" : text;
    }

    /// <summary>
    /// The shortest text that reads back as the same double, without an exponent whenever the number fits a
    /// decimal (HubSpot documents plain digits); NaN and infinities have no HubSpot form.
    /// </summary>
    public static string FormatDouble(double value, string property)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"Property '{property}': HubSpot numbers can't be NaN or infinite.", nameof(value));
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('E', StringComparison.Ordinal))
        {
            return text == "-0" ? "0" : text;
        }

        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact) ? FormatDecimal(exact) : text;
    }

    /// <summary>ISO-8601 in UTC with milliseconds (<c>2024-01-17T19:55:04.281Z</c>); finer ticks are dropped, as HubSpot does.</summary>
    public static string FormatDateTime(DateTimeOffset value) => value.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public static string FormatDate(DateOnly value) => value.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static string FormatBoolean(bool value) => value ? "true" : "false";

    /// <summary>A multi-value enumeration: values joined by <c>;</c>. A value can't itself hold <c>;</c>.</summary>
    public static string JoinValues(IEnumerable<string> values, string property)
    {
        var list = new List<string>();
        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            if (value.Contains(';', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Property '{property}': a multi-value option can't contain ';' (HubSpot's separator).", nameof(values));
            }

            if (value.Length > 0)
            {
                list.Add(value);
            }
        }

        return string.Join(';', list);
    }

    public static decimal ParseDecimal(string value, string property) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw Invalid(property, "a number that fits a decimal");

    public static long ParseInt64(string value, string property)
    {
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        // "3.0" or "1e3" are whole numbers too; "1.5" is not, and is never silently truncated.
        var d = ParseDecimal(value, property);
        return d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue
            ? (long)d
            : throw Invalid(property, "a whole number that fits a 64-bit integer");
    }

    public static int ParseInt32(string value, string property)
    {
        var l = ParseInt64(value, property);
        return l is >= int.MinValue and <= int.MaxValue ? (int)l : throw Invalid(property, "a whole number that fits a 32-bit integer");
    }

    public static double ParseDouble(string value, string property) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw Invalid(property, "a number");

    public static bool ParseBoolean(string value, string property) =>
        value.Trim() switch
        {
            var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => throw Invalid(property, "\"true\" or \"false\""),
        };

    /// <summary>ISO-8601 (no offset means UTC) or epoch milliseconds; always returned with offset zero.</summary>
    public static DateTimeOffset ParseDateTime(string value, string property)
    {
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            return ms >= -62_135_596_800_000 && ms <= 253_402_300_799_999
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : throw Invalid(property, "epoch milliseconds within the supported range");
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at.ToUniversalTime()
            : throw Invalid(property, "an ISO-8601 datetime or epoch milliseconds");
    }

    /// <summary><c>YYYY-MM-DD</c>, or a datetime (ISO or epoch ms) whose UTC date is the date (HubSpot stores dates at midnight UTC).</summary>
    public static DateOnly ParseDate(string value, string property) =>
        DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : DateOnly.FromDateTime(ParseDateTime(value, property).UtcDateTime);

    public static IReadOnlyList<string> SplitValues(string? value) =>
        string.IsNullOrEmpty(value) ? [] : value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static FormatException Invalid(string property, string expected) =>
        new($"Property '{property}' holds a value that is not {expected}.");
}

/// <summary>
/// An enum's HubSpot option values: <see cref="HubSpotEnumValueAttribute"/>, else <see cref="EnumMemberAttribute.Value"/>,
/// else the member name. Built once per enum type.
/// </summary>
internal sealed class EnumWireValues
{
    private static readonly ConcurrentDictionary<Type, EnumWireValues> Cache = new();
    private readonly Dictionary<string, object> _byWire = new(StringComparer.Ordinal);
    private readonly Dictionary<object, string> _byValue = [];

    private EnumWireValues([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] Type enumType)
    {
        EnumType = enumType;
        foreach (var field in enumType.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var wire = field.GetCustomAttribute<HubSpotEnumValueAttribute>()?.Value
                ?? field.GetCustomAttribute<EnumMemberAttribute>()?.Value
                ?? field.Name;
            var value = field.GetValue(null)!;
            if (!_byWire.TryAdd(wire, value))
            {
                throw new HubSpotMappingException($"Enum {enumType.Name} maps two members to the HubSpot value '{wire}'.");
            }

            _byValue.TryAdd(value, wire);
        }
    }

    public Type EnumType { get; }

    public static EnumWireValues For([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] Type enumType) =>
        Cache.TryGetValue(enumType, out var known) ? known : Cache.GetOrAdd(enumType, new EnumWireValues(enumType));

    public string ToWire(object value, string property) =>
        _byValue.TryGetValue(value, out var wire)
            ? wire
            : throw new ArgumentException($"Property '{property}': {value} is not a named member of {EnumType.Name}, so it has no HubSpot option value.");

    /// <summary>HubSpot option values are case-sensitive, so the match is exact.</summary>
    public object FromWire(string wire, string property) =>
        _byWire.TryGetValue(wire, out var value)
            ? value
            : throw new FormatException($"Property '{property}' holds an option that {EnumType.Name} has no member for " +
                                        "(add one with [HubSpotEnumValue(\"…\")] or map the member as a string).");
}
