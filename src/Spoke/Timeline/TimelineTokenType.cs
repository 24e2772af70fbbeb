using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Timeline;

/// <summary>A timeline event template token's type (docs/hubspot-api.md §3.8). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<TimelineTokenType>))]
public readonly struct TimelineTokenType : IEquatable<TimelineTokenType>, IWireString<TimelineTokenType>
{
    private readonly string? _value;

    public TimelineTokenType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>date</c>.</summary>
    public static TimelineTokenType Date { get; } = new("date");

    /// <summary><c>enumeration</c>.</summary>
    public static TimelineTokenType Enumeration { get; } = new("enumeration");

    /// <summary><c>number</c>.</summary>
    public static TimelineTokenType Number { get; } = new("number");

    /// <summary><c>string</c>.</summary>
    public static TimelineTokenType String { get; } = new("string");

    string IWireString<TimelineTokenType>.WireValue => ToString();

    static TimelineTokenType IWireString<TimelineTokenType>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    public bool Equals(TimelineTokenType other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is TimelineTokenType other && Equals(other);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    public static bool operator ==(TimelineTokenType left, TimelineTokenType right) => left.Equals(right);

    public static bool operator !=(TimelineTokenType left, TimelineTokenType right) => !left.Equals(right);
}
