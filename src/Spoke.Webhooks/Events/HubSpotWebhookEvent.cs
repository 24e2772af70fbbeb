using System.Text.Json.Serialization;

namespace Spoke.Webhooks.Events;

/// <summary>
/// One event of a HubSpot webhook delivery, as HubSpot sends it. Real deliveries name the type
/// <c>subscriptionType</c>; HubSpot's docs table says <c>eventType</c>: both are read (<see cref="SubscriptionType"/>).
/// </summary>
public sealed class HubSpotWebhookEvent
{
    /// <summary>The <c>subscriptionType</c> field as sent (real deliveries); read <see cref="SubscriptionType"/> instead.</summary>
    [JsonPropertyName("subscriptionType")]
    public string? SubscriptionTypeField { get; set; }

    /// <summary>The <c>eventType</c> field as HubSpot's docs table names it; read <see cref="SubscriptionType"/> instead.</summary>
    [JsonPropertyName("eventType")]
    public string? EventTypeField { get; set; }

    /// <summary>e.g. <c>contact.propertyChange</c>, <c>object.creation</c>.</summary>
    [JsonIgnore]
    public string SubscriptionType => SubscriptionTypeField ?? EventTypeField ?? "";

    /// <summary>HubSpot's id of the event (the same on every delivery attempt).</summary>
    [JsonPropertyName("eventId")]
    public long EventId { get; set; }

    /// <summary>The app's webhook subscription that matched.</summary>
    [JsonPropertyName("subscriptionId")]
    public long SubscriptionId { get; set; }

    /// <summary>The HubSpot account (hub id) the change happened in.</summary>
    [JsonPropertyName("portalId")]
    public long PortalId { get; set; }

    /// <summary>The app whose subscription delivered the event.</summary>
    [JsonPropertyName("appId")]
    public long AppId { get; set; }

    /// <summary>Epoch milliseconds of the change.</summary>
    [JsonPropertyName("occurredAt")]
    public long OccurredAtMs { get; set; }

    /// <summary>When the change happened in HubSpot (<see cref="OccurredAtMs"/> as a time).</summary>
    [JsonIgnore]
    public DateTimeOffset OccurredAt => DateTimeOffset.FromUnixTimeMilliseconds(OccurredAtMs);

    /// <summary>HubSpot's delivery attempt (0 first); not part of the event's identity.</summary>
    [JsonPropertyName("attemptNumber")]
    public int AttemptNumber { get; set; }

    /// <summary>The id of the record the event is about.</summary>
    [JsonPropertyName("objectId")]
    public long ObjectId { get; set; }

    /// <summary>Set on <c>object.*</c> events (e.g. <c>0-1</c>, <c>2-1234567</c>).</summary>
    [JsonPropertyName("objectTypeId")]
    public string? ObjectTypeId { get; set; }

    /// <summary>What made the change (<c>CRM_UI</c>, <c>API</c>, <c>INTEGRATION</c>, ...).</summary>
    [JsonPropertyName("changeSource")]
    public string? ChangeSource { get; set; }

    /// <summary>Who or what made the change within its source (a user or app id), as text.</summary>
    [JsonPropertyName("sourceId")]
    [JsonConverter(typeof(NumberOrStringConverter))]
    public string? SourceId { get; set; }

    /// <summary>On property changes: the property's internal name.</summary>
    [JsonPropertyName("propertyName")]
    public string? PropertyName { get; set; }

    /// <summary>On property changes: the new value as raw text.</summary>
    [JsonPropertyName("propertyValue")]
    [JsonConverter(typeof(NumberOrStringConverter))]
    public string? PropertyValue { get; set; }

    /// <summary>HubSpot's change flag (<c>NEW</c>, <c>DELETED</c>, ...), on the events that carry one.</summary>
    [JsonPropertyName("changeFlag")]
    public string? ChangeFlag { get; set; }

    /// <summary>On merges: the record that survived.</summary>
    [JsonPropertyName("primaryObjectId")]
    public long? PrimaryObjectId { get; set; }

    /// <summary>On merges: the ids merged into the survivor.</summary>
    [JsonPropertyName("mergedObjectIds")]
    public long[]? MergedObjectIds { get; set; }

    /// <summary>On merges: the new id of the merged record, when HubSpot gave one.</summary>
    [JsonPropertyName("newObjectId")]
    public long? NewObjectId { get; set; }

    /// <summary>On merges: how many property values moved onto the survivor.</summary>
    [JsonPropertyName("numberOfPropertiesMoved")]
    public int? NumberOfPropertiesMoved { get; set; }

    /// <summary>On association changes: the association kind, e.g. <c>CONTACT_TO_COMPANY</c>.</summary>
    [JsonPropertyName("associationType")]
    public string? AssociationType { get; set; }

    /// <summary>On association changes: the record the association starts from.</summary>
    [JsonPropertyName("fromObjectId")]
    public long? FromObjectId { get; set; }

    /// <summary>On association changes: the record the association points to.</summary>
    [JsonPropertyName("toObjectId")]
    public long? ToObjectId { get; set; }

    /// <summary>On association changes: true when it was removed.</summary>
    [JsonPropertyName("associationRemoved")]
    public bool? AssociationRemoved { get; set; }

    /// <summary>On association changes: true for the primary association.</summary>
    [JsonPropertyName("isPrimaryAssociation")]
    public bool? IsPrimaryAssociation { get; set; }

    /// <summary>On conversation events: the message's id.</summary>
    [JsonPropertyName("messageId")]
    public string? MessageId { get; set; }

    /// <summary>On conversation events: the message's type.</summary>
    [JsonPropertyName("messageType")]
    public string? MessageType { get; set; }

    /// <summary>The object kind before the dot: <c>contact</c>, <c>deal</c>, <c>object</c>, ...</summary>
    [JsonIgnore]
    public string ObjectKind => SubscriptionType.Split('.', 2)[0];

    /// <summary>The change after the dot: <c>creation</c>, <c>propertyChange</c>, ...</summary>
    [JsonIgnore]
    public string Change => SubscriptionType.Split('.', 2) is [_, var change] ? change : "";
}
