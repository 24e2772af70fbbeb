using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Lists;

/// <summary>How a list gets its members (docs/hubspot-api.md §3.7). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<ListProcessingType>))]
public readonly struct ListProcessingType : IEquatable<ListProcessingType>, IWireString<ListProcessingType>
{
    private readonly string? _value;

    public ListProcessingType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>MANUAL</c>.</summary>
    public static ListProcessingType Manual { get; } = new("MANUAL");

    /// <summary><c>DYNAMIC</c>.</summary>
    public static ListProcessingType Dynamic { get; } = new("DYNAMIC");

    /// <summary><c>SNAPSHOT</c>.</summary>
    public static ListProcessingType Snapshot { get; } = new("SNAPSHOT");

    string IWireString<ListProcessingType>.WireValue => ToString();

    static ListProcessingType IWireString<ListProcessingType>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    public bool Equals(ListProcessingType other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is ListProcessingType other && Equals(other);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    public static bool operator ==(ListProcessingType left, ListProcessingType right) => left.Equals(right);

    public static bool operator !=(ListProcessingType left, ListProcessingType right) => !left.Equals(right);
}
