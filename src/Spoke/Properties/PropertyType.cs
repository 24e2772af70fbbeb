using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Properties;

/// <summary>A property's data type (docs/hubspot-api.md §3.3 <c>type</c>). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<PropertyType>))]
public readonly struct PropertyType : IEquatable<PropertyType>, IWireString<PropertyType>
{
    private readonly string? _value;

    public PropertyType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>bool</c>.</summary>
    public static PropertyType Bool { get; } = new("bool");

    /// <summary><c>date</c>.</summary>
    public static PropertyType Date { get; } = new("date");

    /// <summary><c>datetime</c>.</summary>
    public static PropertyType DateTime { get; } = new("datetime");

    /// <summary><c>enumeration</c>.</summary>
    public static PropertyType Enumeration { get; } = new("enumeration");

    /// <summary><c>number</c>.</summary>
    public static PropertyType Number { get; } = new("number");

    /// <summary><c>phone_number</c>.</summary>
    public static PropertyType PhoneNumber { get; } = new("phone_number");

    /// <summary><c>string</c>.</summary>
    public static PropertyType String { get; } = new("string");

    /// <summary><c>object_coordinates</c>.</summary>
    public static PropertyType ObjectCoordinates { get; } = new("object_coordinates");

    string IWireString<PropertyType>.WireValue => ToString();

    static PropertyType IWireString<PropertyType>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    public bool Equals(PropertyType other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is PropertyType other && Equals(other);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    public static bool operator ==(PropertyType left, PropertyType right) => left.Equals(right);

    public static bool operator !=(PropertyType left, PropertyType right) => !left.Equals(right);
}
