using System.Diagnostics.CodeAnalysis;

namespace Spoke.Crm;

/// <summary>
/// Property values as HubSpot sends them (strings or null), with readers and writers that convert to and from
/// HubSpot's wire formats exactly: numbers as <see cref="decimal"/> (plain digits, never an exponent), datetimes as
/// <see cref="DateTimeOffset"/> (ISO-8601 UTC with milliseconds; epoch milliseconds are read too), dates as
/// <see cref="DateOnly"/> (<c>YYYY-MM-DD</c>; midnight-UTC datetimes and epoch milliseconds are read too), booleans
/// (<c>true</c>/<c>false</c>), enums (their option value) and multi-value enumerations (<c>a;b</c>).
/// </summary>
/// <remarks>
/// A missing key, <c>null</c> and <c>""</c> all mean "no value": readers return <c>null</c> (or an empty list).
/// Writers turn <c>null</c> into <c>""</c>, which clears the value on HubSpot. A value that can't be read as the
/// asked-for type throws <see cref="FormatException"/> naming the property (never the value: it may be personal data).
/// </remarks>
public sealed class PropertyBag : Dictionary<string, string?>
{
    private const DynamicallyAccessedMemberTypes EnumFields = DynamicallyAccessedMemberTypes.PublicFields;

    /// <summary>An empty bag.</summary>
    public PropertyBag() : base(StringComparer.Ordinal)
    {
    }

    /// <summary>A bag holding a copy of these wire values.</summary>
    public PropertyBag(IDictionary<string, string?> values) : base(values, StringComparer.Ordinal)
    {
    }

    /// <summary>The raw value, or null when the property is missing, null or <c>""</c>.</summary>
    public string? GetString(string name) => TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;

    /// <summary>A number as <see cref="decimal"/>, parsed invariantly; null when absent or empty.</summary>
    public decimal? GetDecimal(string name) => GetString(name) is { } v ? WireFormat.ParseDecimal(v, name) : null;

    /// <summary>A whole number; <c>"3.0"</c> reads as 3, <c>"3.5"</c> throws rather than being truncated.</summary>
    public long? GetInt64(string name) => GetString(name) is { } v ? WireFormat.ParseInt64(v, name) : null;

    /// <inheritdoc cref="GetInt64"/>
    public int? GetInt32(string name) => GetString(name) is { } v ? WireFormat.ParseInt32(v, name) : null;

    /// <summary>A number as <see cref="double"/>, parsed invariantly; null when absent or empty.</summary>
    public double? GetDouble(string name) => GetString(name) is { } v ? WireFormat.ParseDouble(v, name) : null;

    /// <summary>A boolean (<c>true</c>/<c>false</c>); null when absent or empty.</summary>
    public bool? GetBoolean(string name) => GetString(name) is { } v ? WireFormat.ParseBoolean(v, name) : null;

    /// <summary>Reads a datetime: ISO-8601, or epoch milliseconds (both appear in HubSpot data); always offset zero.</summary>
    public DateTimeOffset? GetDateTime(string name) => GetString(name) is { } v ? WireFormat.ParseDateTime(v, name) : null;

    /// <summary>Reads a date property (<c>YYYY-MM-DD</c>, a midnight-UTC datetime, or epoch ms at midnight).</summary>
    public DateOnly? GetDate(string name) => GetString(name) is { } v ? WireFormat.ParseDate(v, name) : null;

    /// <summary>The values of a multi-value enumeration (<c>a;b;c</c>); empty when there is no value.</summary>
    public IReadOnlyList<string> GetValues(string name) => WireFormat.SplitValues(GetString(name));

    /// <summary>
    /// An enumeration option as <typeparamref name="TEnum"/>: the member whose <see cref="Mapping.HubSpotEnumValueAttribute"/>,
    /// <see cref="System.Runtime.Serialization.EnumMemberAttribute"/> value or name equals the option value (case-sensitive).
    /// </summary>
    public TEnum? GetEnum<[DynamicallyAccessedMembers(EnumFields)] TEnum>(string name) where TEnum : struct, Enum =>
        GetString(name) is { } v ? (TEnum)EnumWireValues.For(typeof(TEnum)).FromWire(v, name) : null;

    /// <summary>The options of a multi-value enumeration as <typeparamref name="TEnum"/> members.</summary>
    public IReadOnlyList<TEnum> GetEnums<[DynamicallyAccessedMembers(EnumFields)] TEnum>(string name) where TEnum : struct, Enum
    {
        var map = EnumWireValues.For(typeof(TEnum));
        return [.. GetValues(name).Select(v => (TEnum)map.FromWire(v, name))];
    }

    /// <summary>Sets a value as given; null removes it from the bag (use <see cref="Clear"/> to empty it on HubSpot).</summary>
    public PropertyBag Set(string name, string? value)
    {
        this[name] = value;
        return this;
    }

    /// <summary>Sets a <see cref="decimal"/> in HubSpot's wire form; null removes it from the bag.</summary>
    public PropertyBag Set(string name, decimal? value) => Set(name, value is { } v ? WireFormat.FormatDecimal(v) : "");

    /// <summary>Sets a <see cref="long"/> in HubSpot's wire form; null removes it from the bag.</summary>
    public PropertyBag Set(string name, long? value) => Set(name, value is { } v ? WireFormat.FormatDecimal(v) : "");

    /// <summary>Sets a <see cref="int"/> in HubSpot's wire form; null removes it from the bag.</summary>
    public PropertyBag Set(string name, int? value) => Set(name, value is { } v ? WireFormat.FormatDecimal(v) : "");

    /// <summary>Writes the shortest text that reads back as the same double, in plain digits where possible.</summary>
    public PropertyBag Set(string name, double? value) => Set(name, value is { } v ? WireFormat.FormatDouble(v, name) : "");

    /// <summary>Sets a <see cref="bool"/> in HubSpot's wire form; null removes it from the bag.</summary>
    public PropertyBag Set(string name, bool? value) => Set(name, value is { } v ? WireFormat.FormatBoolean(v) : "");

    /// <summary>Writes ISO-8601 in UTC with milliseconds, whatever the offset of <paramref name="value"/>.</summary>
    public PropertyBag Set(string name, DateTimeOffset? value) => Set(name, value is { } v ? WireFormat.FormatDateTime(v) : "");

    /// <summary>Sets a <see cref="DateOnly"/> in HubSpot's wire form; null removes it from the bag.</summary>
    public PropertyBag Set(string name, DateOnly? value) => Set(name, value is { } v ? WireFormat.FormatDate(v) : "");

    /// <summary>Writes a multi-value enumeration; an empty list clears it.</summary>
    public PropertyBag Set(string name, IEnumerable<string>? values) => Set(name, values is null ? "" : WireFormat.JoinValues(values, name));

    /// <summary>Writes an enum member as its HubSpot option value.</summary>
    public PropertyBag Set<[DynamicallyAccessedMembers(EnumFields)] TEnum>(string name, TEnum value) where TEnum : struct, Enum =>
        Set(name, EnumWireValues.For(typeof(TEnum)).ToWire(value, name));

    /// <summary>Writes an enum member as its HubSpot option value; null clears.</summary>
    public PropertyBag Set<[DynamicallyAccessedMembers(EnumFields)] TEnum>(string name, TEnum? value) where TEnum : struct, Enum =>
        value is { } v ? Set(name, v) : Set(name, "");

    /// <summary>Writes enum members as a multi-value enumeration; an empty list clears it.</summary>
    public PropertyBag Set<[DynamicallyAccessedMembers(EnumFields)] TEnum>(string name, IEnumerable<TEnum>? values) where TEnum : struct, Enum
    {
        if (values is null)
        {
            return Set(name, "");
        }

        var map = EnumWireValues.For(typeof(TEnum));
        return Set(name, WireFormat.JoinValues(values.Select(v => map.ToWire(v, name)), name));
    }

    /// <summary>Clears a value on HubSpot (sent as <c>""</c>).</summary>
    public PropertyBag Clear(string name) => Set(name, "");
}
