using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Properties;

/// <summary>How a property is edited in HubSpot's UI (docs/hubspot-api.md §3.3 <c>fieldType</c>). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<PropertyFieldType>))]
public readonly struct PropertyFieldType : IEquatable<PropertyFieldType>, IWireString<PropertyFieldType>
{
    private readonly string? _value;

    public PropertyFieldType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>booleancheckbox</c>.</summary>
    public static PropertyFieldType BooleanCheckbox { get; } = new("booleancheckbox");

    /// <summary><c>calculation_equation</c>.</summary>
    public static PropertyFieldType CalculationEquation { get; } = new("calculation_equation");

    /// <summary><c>checkbox</c>.</summary>
    public static PropertyFieldType Checkbox { get; } = new("checkbox");

    /// <summary><c>date</c>.</summary>
    public static PropertyFieldType Date { get; } = new("date");

    /// <summary><c>file</c>.</summary>
    public static PropertyFieldType File { get; } = new("file");

    /// <summary><c>html</c>.</summary>
    public static PropertyFieldType Html { get; } = new("html");

    /// <summary><c>number</c>.</summary>
    public static PropertyFieldType Number { get; } = new("number");

    /// <summary><c>phonenumber</c>.</summary>
    public static PropertyFieldType PhoneNumber { get; } = new("phonenumber");

    /// <summary><c>radio</c>.</summary>
    public static PropertyFieldType Radio { get; } = new("radio");

    /// <summary><c>select</c>.</summary>
    public static PropertyFieldType Select { get; } = new("select");

    /// <summary><c>text</c>.</summary>
    public static PropertyFieldType Text { get; } = new("text");

    /// <summary><c>textarea</c>.</summary>
    public static PropertyFieldType TextArea { get; } = new("textarea");

    /// <summary><c>calculation_rollup</c>.</summary>
    public static PropertyFieldType CalculationRollup { get; } = new("calculation_rollup");

    /// <summary><c>calculation_score</c>.</summary>
    public static PropertyFieldType CalculationScore { get; } = new("calculation_score");

    /// <summary><c>calculation_read_time</c>.</summary>
    public static PropertyFieldType CalculationReadTime { get; } = new("calculation_read_time");

    string IWireString<PropertyFieldType>.WireValue => ToString();

    static PropertyFieldType IWireString<PropertyFieldType>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    public bool Equals(PropertyFieldType other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is PropertyFieldType other && Equals(other);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    public static bool operator ==(PropertyFieldType left, PropertyFieldType right) => left.Equals(right);

    public static bool operator !=(PropertyFieldType left, PropertyFieldType right) => !left.Equals(right);
}
