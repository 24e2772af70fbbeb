using System.Text.Json;

namespace Spoke.Timeline;

public sealed class TimelineTokenOption
{
    public required string Label { get; init; }
    public required string Value { get; init; }
}

/// <summary>A token of an event template: a named value each event carries, optionally stamped onto a record property.</summary>
public sealed class TimelineToken
{
    public required string Name { get; init; }
    public required string Label { get; init; }
    public required TimelineTokenType Type { get; init; }

    /// <summary>Enumeration tokens only.</summary>
    public IList<TimelineTokenOption>? Options { get; init; }

    /// <summary>When set, each event writes the token's value to this property of its record.</summary>
    public string? ObjectPropertyName { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>An event template of an app (docs/hubspot-api.md §3.8).</summary>
public sealed class TimelineEventTemplate
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";

    /// <summary><c>contacts</c>, <c>companies</c>, <c>deals</c>, <c>tickets</c> or a custom object's fully qualified name.</summary>
    public string ObjectType { get; init; } = "";

    public string? HeaderTemplate { get; init; }
    public string? DetailTemplate { get; init; }
    public IReadOnlyList<TimelineToken> Tokens { get; init; } = [];
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A new event template.</summary>
public sealed class TimelineEventTemplateCreate
{
    public required string Name { get; init; }
    public required string ObjectType { get; init; }
    public string? HeaderTemplate { get; init; }
    public string? DetailTemplate { get; init; }
    public IList<TimelineToken> Tokens { get; init; } = [];
}

/// <summary>Changes to an event template: name and templates are replaced; tokens, when given, replace all tokens.</summary>
public sealed class TimelineEventTemplateUpdate
{
    public required string Name { get; init; }
    public string? HeaderTemplate { get; init; }
    public string? DetailTemplate { get; init; }
    public IList<TimelineToken>? Tokens { get; init; }
}

/// <summary>Changes to one token (its name and type are fixed).</summary>
public sealed class TimelineTokenUpdate
{
    public required string Label { get; init; }
    public IList<TimelineTokenOption>? Options { get; init; }
    public string? ObjectPropertyName { get; init; }
}

/// <summary>An iframe an event opens from the timeline.</summary>
public sealed class TimelineIFrame
{
    public required string Url { get; init; }
    public required string HeaderLabel { get; init; }
    public required string LinkLabel { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
}

/// <summary>
/// A timeline event (docs/hubspot-api.md §3.8). <see cref="Id"/> is yours and makes a retry safe: the same id is the same event.
/// Name the record with <see cref="ObjectId"/>, or for contacts <see cref="Email"/>/<see cref="Utk"/>, for
/// companies <see cref="Domain"/>.
/// </summary>
public sealed class TimelineEvent
{
    public required string Id { get; init; }
    public required string EventTemplateId { get; init; }
    public IDictionary<string, string> Tokens { get; init; } = new Dictionary<string, string>();
    public string? ObjectId { get; init; }
    public string? Email { get; init; }
    public string? Utk { get; init; }
    public string? Domain { get; init; }
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Any JSON, shown through the detail template.</summary>
    public JsonElement? ExtraData { get; init; }

    public TimelineIFrame? TimelineIFrame { get; init; }
}

/// <summary>An event as HubSpot stored it.</summary>
public sealed class TimelineEventResult
{
    public string Id { get; init; } = "";
    public string EventTemplateId { get; init; } = "";
    public IReadOnlyDictionary<string, string> Tokens { get; init; } = new Dictionary<string, string>();
    public string? ObjectId { get; init; }
    public string? ObjectType { get; init; }
    public string? Email { get; init; }
    public string? Utk { get; init; }
    public string? Domain { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public JsonElement? ExtraData { get; init; }
    public TimelineIFrame? TimelineIFrame { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}
