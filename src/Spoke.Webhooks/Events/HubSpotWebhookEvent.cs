using System.Text.Json.Serialization;

namespace Spoke.Webhooks.Events;

/// <summary>
/// One event of a HubSpot webhook delivery, as HubSpot sends it. Real deliveries name the type
/// <c>subscriptionType</c>; HubSpot's docs table says <c>eventType</c>: both are read (<see cref="SubscriptionType"/>).
/// </summary>
public sealed class HubSpotWebhookEvent
{
    [JsonPropertyName("subscriptionType")]
    public string? SubscriptionTypeField { get; set; }

    [JsonPropertyName("eventType")]
    public string? EventTypeField { get; set; }

    /// <summary>e.g. <c>contact.propertyChange</c>, <c>object.creation</c>.</summary>
    [JsonIgnore]
    public string SubscriptionType => SubscriptionTypeField ?? EventTypeField ?? "";

    [JsonPropertyName("eventId")]
    public long EventId { get; set; }

    [JsonPropertyName("subscriptionId")]
    public long SubscriptionId { get; set; }

    [JsonPropertyName("portalId")]
    public long PortalId { get; set; }

    [JsonPropertyName("appId")]
    public long AppId { get; set; }

    /// <summary>Epoch milliseconds of the change.</summary>
    [JsonPropertyName("occurredAt")]
    public long OccurredAtMs { get; set; }

    [JsonIgnore]
    public DateTimeOffset OccurredAt => DateTimeOffset.FromUnixTimeMilliseconds(OccurredAtMs);

    /// <summary>HubSpot's delivery attempt (0 first); not part of the event's identity.</summary>
    [JsonPropertyName("attemptNumber")]
    public int AttemptNumber { get; set; }

    [JsonPropertyName("objectId")]
    public long ObjectId { get; set; }

    /// <summary>Set on <c>object.*</c> events (e.g. <c>0-1</c>, <c>2-1234567</c>).</summary>
    [JsonPropertyName("objectTypeId")]
    public string? ObjectTypeId { get; set; }

    [JsonPropertyName("changeSource")]
    public string? ChangeSource { get; set; }

    [JsonPropertyName("sourceId")]
    [JsonConverter(typeof(NumberOrStringConverter))]
    public string? SourceId { get; set; }

    [JsonPropertyName("propertyName")]
    public string? PropertyName { get; set; }

    [JsonPropertyName("propertyValue")]
    [JsonConverter(typeof(NumberOrStringConverter))]
    public string? PropertyValue { get; set; }

    [JsonPropertyName("changeFlag")]
    public string? ChangeFlag { get; set; }

    [JsonPropertyName("primaryObjectId")]
    public long? PrimaryObjectId { get; set; }

    [JsonPropertyName("mergedObjectIds")]
    public long[]? MergedObjectIds { get; set; }

    [JsonPropertyName("newObjectId")]
    public long? NewObjectId { get; set; }

    [JsonPropertyName("numberOfPropertiesMoved")]
    public int? NumberOfPropertiesMoved { get; set; }

    [JsonPropertyName("associationType")]
    public string? AssociationType { get; set; }

    [JsonPropertyName("fromObjectId")]
    public long? FromObjectId { get; set; }

    [JsonPropertyName("toObjectId")]
    public long? ToObjectId { get; set; }

    [JsonPropertyName("associationRemoved")]
    public bool? AssociationRemoved { get; set; }

    [JsonPropertyName("isPrimaryAssociation")]
    public bool? IsPrimaryAssociation { get; set; }

    [JsonPropertyName("messageId")]
    public string? MessageId { get; set; }

    [JsonPropertyName("messageType")]
    public string? MessageType { get; set; }

    /// <summary>The object kind before the dot: <c>contact</c>, <c>deal</c>, <c>object</c>, ...</summary>
    [JsonIgnore]
    public string ObjectKind => SubscriptionType.Split('.', 2)[0];

    /// <summary>The change after the dot: <c>creation</c>, <c>propertyChange</c>, ...</summary>
    [JsonIgnore]
    public string Change => SubscriptionType.Split('.', 2) is [_, var change] ? change : "";
}
