using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Timeline;

/// <summary>A timeline event template token's type (docs/hubspot-api.md §3.8). Unknown values read and round-trip as they are.</summary>
[JsonConverter(typeof(WireStringConverter<TimelineTokenType>))]
public readonly struct TimelineTokenType : IEquatable<TimelineTokenType>, IWireString<TimelineTokenType>
{
    private readonly string? _value;

    /// <summary>A token type by its wire value, including ones newer than this library.</summary>
    public TimelineTokenType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>date</c>: a point in time: epoch milliseconds or ISO 8601.</summary>
    public static TimelineTokenType Date { get; } = new("date");

    /// <summary><c>enumeration</c>: one of the token's options, by option value.</summary>
    public static TimelineTokenType Enumeration { get; } = new("enumeration");

    /// <summary><c>number</c>: a number.</summary>
    public static TimelineTokenType Number { get; } = new("number");

    /// <summary><c>string</c>: free text.</summary>
    public static TimelineTokenType String { get; } = new("string");

    string IWireString<TimelineTokenType>.WireValue => ToString();

    static TimelineTokenType IWireString<TimelineTokenType>.FromWire(string value) => new(value);

    /// <summary>The value HubSpot sends and accepts.</summary>
    public override string ToString() => _value ?? "";

    /// <summary>Equal when the wire values are equal, ignoring case.</summary>
    public bool Equals(TimelineTokenType other) => string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Equal to another token type with the same wire value, ignoring case.</summary>
    public override bool Equals(object? obj) => obj is TimelineTokenType other && Equals(other);

    /// <summary>A hash consistent with <see cref="Equals(TimelineTokenType)"/>.</summary>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    /// <summary>Equal wire values, ignoring case.</summary>
    public static bool operator ==(TimelineTokenType left, TimelineTokenType right) => left.Equals(right);

    /// <summary>Different wire values.</summary>
    public static bool operator !=(TimelineTokenType left, TimelineTokenType right) => !left.Equals(right);
}
