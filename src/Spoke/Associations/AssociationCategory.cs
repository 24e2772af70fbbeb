using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Associations;

/// <summary>Who defined an association type (docs/hubspot-api.md §4.1 <c>associationCategory</c>). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<AssociationCategory>))]
public readonly struct AssociationCategory : IEquatable<AssociationCategory>, IWireString<AssociationCategory>
{
    private readonly string? _value;

    /// <summary>A category by its wire value, including ones newer than this library.</summary>
    public AssociationCategory(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>HUBSPOT_DEFINED</c>.</summary>
    public static AssociationCategory HubSpotDefined { get; } = new("HUBSPOT_DEFINED");

    /// <summary><c>USER_DEFINED</c>.</summary>
    public static AssociationCategory UserDefined { get; } = new("USER_DEFINED");

    /// <summary><c>INTEGRATOR_DEFINED</c>.</summary>
    public static AssociationCategory IntegratorDefined { get; } = new("INTEGRATOR_DEFINED");

    /// <summary><c>WORK</c>.</summary>
    public static AssociationCategory Work { get; } = new("WORK");

    string IWireString<AssociationCategory>.WireValue => ToString();

    static AssociationCategory IWireString<AssociationCategory>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    /// <summary>Equal when the wire values are equal, ignoring case.</summary>
    public bool Equals(AssociationCategory other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Equal to another category with the same wire value, ignoring case.</summary>
    public override bool Equals(object? obj) => obj is AssociationCategory other && Equals(other);

    /// <summary>A hash consistent with <see cref="Equals(AssociationCategory)"/>.</summary>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    /// <summary>Equal wire values, ignoring case.</summary>
    public static bool operator ==(AssociationCategory left, AssociationCategory right) => left.Equals(right);

    /// <summary>Different wire values.</summary>
    public static bool operator !=(AssociationCategory left, AssociationCategory right) => !left.Equals(right);
}
