using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Properties;

/// <summary>How a property is edited in HubSpot's UI (docs/hubspot-api.md §3.3 <c>fieldType</c>). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<PropertyFieldType>))]
public readonly struct PropertyFieldType : IEquatable<PropertyFieldType>, IWireString<PropertyFieldType>
{
    private readonly string? _value;

    /// <summary>A field type by its wire value, including ones newer than this library.</summary>
    public PropertyFieldType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>booleancheckbox</c>: a single on/off checkbox, for a <see cref="PropertyType.Bool"/> property.</summary>
    public static PropertyFieldType BooleanCheckbox { get; } = new("booleancheckbox");

    /// <summary><c>calculation_equation</c>: a value HubSpot calculates from the property's <see cref="PropertyDefinition.CalculationFormula"/>; read-only to users.</summary>
    public static PropertyFieldType CalculationEquation { get; } = new("calculation_equation");

    /// <summary><c>checkbox</c>: a set of checkboxes: an <see cref="PropertyType.Enumeration"/> property that holds several options at once.</summary>
    public static PropertyFieldType Checkbox { get; } = new("checkbox");

    /// <summary><c>date</c>: a date picker, for <see cref="PropertyType.Date"/> and <see cref="PropertyType.DateTime"/> properties.</summary>
    public static PropertyFieldType Date { get; } = new("date");

    /// <summary><c>file</c>: a file upload; the value is a <see cref="PropertyType.String"/>.</summary>
    public static PropertyFieldType File { get; } = new("file");

    /// <summary><c>html</c>: rich text (HTML), for a <see cref="PropertyType.String"/> property.</summary>
    public static PropertyFieldType Html { get; } = new("html");

    /// <summary><c>number</c>: a number input, for a <see cref="PropertyType.Number"/> property.</summary>
    public static PropertyFieldType Number { get; } = new("number");

    /// <summary><c>phonenumber</c>: a phone number input with formatting.</summary>
    public static PropertyFieldType PhoneNumber { get; } = new("phonenumber");

    /// <summary><c>radio</c>: radio buttons: exactly one option of an <see cref="PropertyType.Enumeration"/> property.</summary>
    public static PropertyFieldType Radio { get; } = new("radio");

    /// <summary><c>select</c>: a drop-down: one option of an <see cref="PropertyType.Enumeration"/> property.</summary>
    public static PropertyFieldType Select { get; } = new("select");

    /// <summary><c>text</c>: a single-line text input.</summary>
    public static PropertyFieldType Text { get; } = new("text");

    /// <summary><c>textarea</c>: a multi-line text input.</summary>
    public static PropertyFieldType TextArea { get; } = new("textarea");

    /// <summary><c>calculation_rollup</c>: a rollup HubSpot calculates across associated records. Only on HubSpot-defined properties: the API doesn't create it.</summary>
    public static PropertyFieldType CalculationRollup { get; } = new("calculation_rollup");

    /// <summary><c>calculation_score</c>: a score HubSpot calculates. Only on HubSpot-defined properties: the API doesn't create it.</summary>
    public static PropertyFieldType CalculationScore { get; } = new("calculation_score");

    /// <summary><c>calculation_read_time</c>: a reading time HubSpot calculates. Only on HubSpot-defined properties: the API doesn't create it.</summary>
    public static PropertyFieldType CalculationReadTime { get; } = new("calculation_read_time");

    string IWireString<PropertyFieldType>.WireValue => ToString();

    static PropertyFieldType IWireString<PropertyFieldType>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    /// <summary>Equal when the wire values are equal, ignoring case.</summary>
    public bool Equals(PropertyFieldType other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Equal to another field type with the same wire value, ignoring case.</summary>
    public override bool Equals(object? obj) => obj is PropertyFieldType other && Equals(other);

    /// <summary>A hash consistent with <see cref="Equals(PropertyFieldType)"/>.</summary>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    /// <summary>Equal wire values, ignoring case.</summary>
    public static bool operator ==(PropertyFieldType left, PropertyFieldType right) => left.Equals(right);

    /// <summary>Different wire values.</summary>
    public static bool operator !=(PropertyFieldType left, PropertyFieldType right) => !left.Equals(right);
}
