using System.Text.Json;

namespace Spoke.Timeline;

/// <summary>One allowed value of an enumeration token.</summary>
public sealed class TimelineTokenOption
{
    /// <summary>The text HubSpot shows for the value.</summary>
    public required string Label { get; init; }
    /// <summary>The value events send in the token.</summary>
    public required string Value { get; init; }
}

/// <summary>A token of an event template: a named value each event carries, optionally stamped onto a record property.</summary>
public sealed class TimelineToken
{
    /// <summary>The token's name: the key in <see cref="TimelineEvent.Tokens"/> and the placeholder in the header and detail templates; unique within the template.</summary>
    public required string Name { get; init; }
    /// <summary>The name HubSpot shows for the token (e.g. in list filters).</summary>
    public required string Label { get; init; }
    /// <summary>The kind of value: <see cref="TimelineTokenType.String"/>, <see cref="TimelineTokenType.Number"/>, <see cref="TimelineTokenType.Date"/> or <see cref="TimelineTokenType.Enumeration"/>.</summary>
    public required TimelineTokenType Type { get; init; }

    /// <summary>Enumeration tokens only.</summary>
    public IList<TimelineTokenOption>? Options { get; init; }

    /// <summary>When set, each event writes the token's value to this property of its record.</summary>
    public string? ObjectPropertyName { get; init; }

    /// <summary>When the token was created; null when not sent (and ignored when creating one).</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the token last changed; null when not sent (and ignored when creating one).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>An event template of an app (docs/hubspot-api.md §3.8).</summary>
public sealed class TimelineEventTemplate
{
    /// <summary>The template's ID: the <see cref="TimelineEvent.EventTemplateId"/> of its events.</summary>
    public string Id { get; init; } = "";
    /// <summary>The template's name, shown in HubSpot (e.g. when filtering a timeline by event type).</summary>
    public string Name { get; init; } = "";

    /// <summary><c>contacts</c>, <c>companies</c>, <c>deals</c>, <c>tickets</c> or a custom object's fully qualified name.</summary>
    public string ObjectType { get; init; } = "";

    /// <summary>The one-line header each event shows on the timeline, in Markdown with Handlebars placeholders for tokens (<c>{{name}}</c>); null for none.</summary>
    public string? HeaderTemplate { get; init; }
    /// <summary>The detail shown when an event is expanded, in Markdown with Handlebars placeholders for tokens and <c>extraData</c>; null for none.</summary>
    public string? DetailTemplate { get; init; }
    /// <summary>The tokens events of the template carry.</summary>
    public IReadOnlyList<TimelineToken> Tokens { get; init; } = [];
    /// <summary>When the template was created; null when not sent.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the template last changed; null when not sent.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A new event template.</summary>
public sealed class TimelineEventTemplateCreate
{
    /// <summary>The template's name, shown in HubSpot.</summary>
    public required string Name { get; init; }
    /// <summary>The type whose records show the events: <c>contacts</c>, <c>companies</c>, <c>deals</c>, <c>tickets</c> or a custom object's fully qualified name. Fixed once created.</summary>
    public required string ObjectType { get; init; }
    /// <summary>The one-line header each event shows, in Markdown with Handlebars placeholders for tokens (<c>{{name}}</c>); null for none.</summary>
    public string? HeaderTemplate { get; init; }
    /// <summary>The detail shown when an event is expanded, in Markdown with Handlebars placeholders; null for none.</summary>
    public string? DetailTemplate { get; init; }
    /// <summary>The tokens events of the template carry; empty for none.</summary>
    public IList<TimelineToken> Tokens { get; init; } = [];
}

/// <summary>Changes to an event template: name and templates are replaced; tokens, when given, replace all tokens.</summary>
public sealed class TimelineEventTemplateUpdate
{
    /// <summary>The template's name (always sent: an update replaces it).</summary>
    public required string Name { get; init; }
    /// <summary>The new header template; null removes it.</summary>
    public string? HeaderTemplate { get; init; }
    /// <summary>The new detail template; null removes it.</summary>
    public string? DetailTemplate { get; init; }
    /// <summary>The new tokens, replacing all existing ones; null keeps them.</summary>
    public IList<TimelineToken>? Tokens { get; init; }
}

/// <summary>Changes to one token (its name and type are fixed).</summary>
public sealed class TimelineTokenUpdate
{
    /// <summary>The new name HubSpot shows for the token.</summary>
    public required string Label { get; init; }
    /// <summary>The new options of an enumeration token, replacing the old ones; null for other types.</summary>
    public IList<TimelineTokenOption>? Options { get; init; }
    /// <summary>The record property the token's value is written to; null for none.</summary>
    public string? ObjectPropertyName { get; init; }
}

/// <summary>An iframe an event opens from the timeline.</summary>
public sealed class TimelineIFrame
{
    /// <summary>The page the iframe shows.</summary>
    public required string Url { get; init; }
    /// <summary>The title of the iframe's window.</summary>
    public required string HeaderLabel { get; init; }
    /// <summary>The text of the link on the event that opens the iframe.</summary>
    public required string LinkLabel { get; init; }
    /// <summary>The iframe's width in pixels; null for HubSpot's default.</summary>
    public int? Width { get; init; }
    /// <summary>The iframe's height in pixels; null for HubSpot's default.</summary>
    public int? Height { get; init; }
}

/// <summary>
/// A timeline event (docs/hubspot-api.md §3.8). <see cref="Id"/> is yours and makes a retry safe: the same id is the same event.
/// Name the record with <see cref="ObjectId"/>, or for contacts <see cref="Email"/>/<see cref="Utk"/>, for
/// companies <see cref="Domain"/>.
/// </summary>
public sealed class TimelineEvent
{
    /// <summary>Your ID for the event, unique per template: sending the same ID again is the same event, not a second one.</summary>
    public required string Id { get; init; }
    /// <summary>The template the event follows (<see cref="TimelineEventTemplate.Id"/>).</summary>
    public required string EventTemplateId { get; init; }
    /// <summary>The token values by token name, as strings (dates as epoch milliseconds or ISO 8601, enumerations by option value).</summary>
    public IDictionary<string, string> Tokens { get; init; } = new Dictionary<string, string>();
    /// <summary>The ID of the record the event belongs to; null when <see cref="Email"/>, <see cref="Utk"/> or <see cref="Domain"/> names it.</summary>
    public string? ObjectId { get; init; }
    /// <summary>For contact templates: the contact's email; HubSpot creates the contact when none has it.</summary>
    public string? Email { get; init; }
    /// <summary>For contact templates: the contact's HubSpot tracking cookie (<c>hubspotutk</c>).</summary>
    public string? Utk { get; init; }
    /// <summary>For company templates: the company's domain.</summary>
    public string? Domain { get; init; }
    /// <summary>When the event happened, which places it on the timeline; null for the time HubSpot receives it.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Any JSON, shown through the detail template.</summary>
    public JsonElement? ExtraData { get; init; }

    /// <summary>An iframe the event can open (<c>timelineIFrame</c>); null for none.</summary>
    public TimelineIFrame? TimelineIFrame { get; init; }
}

/// <summary>An event as HubSpot stored it.</summary>
public sealed class TimelineEventResult
{
    /// <summary>The event's ID, as you gave it.</summary>
    public string Id { get; init; } = "";
    /// <summary>The template the event follows.</summary>
    public string EventTemplateId { get; init; } = "";
    /// <summary>The token values by token name.</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; init; } = new Dictionary<string, string>();
    /// <summary>The ID of the record the event belongs to.</summary>
    public string? ObjectId { get; init; }
    /// <summary>The type of that record, e.g. <c>contacts</c>.</summary>
    public string? ObjectType { get; init; }
    /// <summary>The contact email the event was sent with; null when it named the record otherwise.</summary>
    public string? Email { get; init; }
    /// <summary>The tracking cookie the event was sent with; null when none.</summary>
    public string? Utk { get; init; }
    /// <summary>The company domain the event was sent with; null when none.</summary>
    public string? Domain { get; init; }
    /// <summary>When the event happened.</summary>
    public DateTimeOffset? Timestamp { get; init; }
    /// <summary>The extra JSON the event was sent with; null for none.</summary>
    public JsonElement? ExtraData { get; init; }
    /// <summary>The iframe the event opens; null for none.</summary>
    public TimelineIFrame? TimelineIFrame { get; init; }
    /// <summary>When HubSpot stored the event.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}
