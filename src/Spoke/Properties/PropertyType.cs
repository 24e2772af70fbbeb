using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Properties;

/// <summary>A property's data type (docs/hubspot-api.md §3.3 <c>type</c>). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<PropertyType>))]
public readonly struct PropertyType : IEquatable<PropertyType>, IWireString<PropertyType>
{
    private readonly string? _value;

    /// <summary>A type by its wire value, including ones newer than this library.</summary>
    public PropertyType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>bool</c>: true or false, sent as <c>"true"</c> / <c>"false"</c>; shown as a <see cref="PropertyFieldType.BooleanCheckbox"/>.</summary>
    public static PropertyType Bool { get; } = new("bool");

    /// <summary><c>date</c>: a calendar date without a time: <c>YYYY-MM-DD</c>, or epoch milliseconds at midnight UTC. Shows the same date in every time zone.</summary>
    public static PropertyType Date { get; } = new("date");

    /// <summary><c>datetime</c>: an instant: ISO 8601 in UTC (<c>2024-05-01T12:00:00.000Z</c>) or epoch milliseconds.</summary>
    public static PropertyType DateTime { get; } = new("datetime");

    /// <summary><c>enumeration</c>: one or more of the property's <see cref="PropertyDefinition.Options"/>, by option value; several values are joined with <c>;</c>.</summary>
    public static PropertyType Enumeration { get; } = new("enumeration");

    /// <summary><c>number</c>: a decimal number, sent and returned as a string (<c>"1000000000"</c>).</summary>
    public static PropertyType Number { get; } = new("number");

    /// <summary><c>phone_number</c>: a phone number, as text.</summary>
    public static PropertyType PhoneNumber { get; } = new("phone_number");

    /// <summary><c>string</c>: text, up to 65,536 characters.</summary>
    public static PropertyType String { get; } = new("string");

    /// <summary><c>object_coordinates</c>: internal to HubSpot: seen on some HubSpot-defined properties; it can't be created or edited.</summary>
    public static PropertyType ObjectCoordinates { get; } = new("object_coordinates");

    string IWireString<PropertyType>.WireValue => ToString();

    static PropertyType IWireString<PropertyType>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    /// <summary>Equal when the wire values are equal, ignoring case.</summary>
    public bool Equals(PropertyType other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Equal to another type with the same wire value, ignoring case.</summary>
    public override bool Equals(object? obj) => obj is PropertyType other && Equals(other);

    /// <summary>A hash consistent with <see cref="Equals(PropertyType)"/>.</summary>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    /// <summary>Equal wire values, ignoring case.</summary>
    public static bool operator ==(PropertyType left, PropertyType right) => left.Equals(right);

    /// <summary>Different wire values.</summary>
    public static bool operator !=(PropertyType left, PropertyType right) => !left.Equals(right);
}
