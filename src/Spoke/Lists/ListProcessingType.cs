using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Lists;

/// <summary>How a list gets its members (docs/hubspot-api.md §3.7). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<ListProcessingType>))]
public readonly struct ListProcessingType : IEquatable<ListProcessingType>, IWireString<ListProcessingType>
{
    private readonly string? _value;

    /// <summary>A processing type by its wire value, including ones newer than this library.</summary>
    public ListProcessingType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>MANUAL</c>: members are added and removed only explicitly (in HubSpot or through the memberships calls); the list has no filters.</summary>
    public static ListProcessingType Manual { get; } = new("MANUAL");

    /// <summary><c>DYNAMIC</c>: HubSpot keeps the members in step with the list's filters (an "active" list); memberships can't be changed by hand.</summary>
    public static ListProcessingType Dynamic { get; } = new("DYNAMIC");

    /// <summary><c>SNAPSHOT</c>: filled once from the filters when created, then changed only explicitly, like a manual list.</summary>
    public static ListProcessingType Snapshot { get; } = new("SNAPSHOT");

    string IWireString<ListProcessingType>.WireValue => ToString();

    static ListProcessingType IWireString<ListProcessingType>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    /// <summary>Equal when the wire values are equal, ignoring case.</summary>
    public bool Equals(ListProcessingType other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Equal to another processing type with the same wire value, ignoring case.</summary>
    public override bool Equals(object? obj) => obj is ListProcessingType other && Equals(other);

    /// <summary>A hash consistent with <see cref="Equals(ListProcessingType)"/>.</summary>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    /// <summary>Equal wire values, ignoring case.</summary>
    public static bool operator ==(ListProcessingType left, ListProcessingType right) => left.Equals(right);

    /// <summary>Different wire values.</summary>
    public static bool operator !=(ListProcessingType left, ListProcessingType right) => !left.Equals(right);
}
