using System.Text.Json;

namespace Spoke.Emulator.Webhooks;

/// <summary>
/// One event as HubSpot delivers it (docs/hubspot-api.md §8). Ids are JSON numbers, as in HubSpot's payloads; <c>sourceId</c> is a
/// string. <see cref="Write"/> adds the attempt number, which changes with every retry.
/// </summary>
internal sealed record WebhookEvent
{
    public required long EventId { get; init; }
    public required long SubscriptionId { get; init; }
    public required long PortalId { get; init; }
    public required long AppId { get; init; }
    /// <summary>Epoch milliseconds of the change (emulator clock).</summary>
    public required long OccurredAt { get; init; }
    public required string SubscriptionType { get; init; }
    public required long ObjectId { get; init; }
    public required string ChangeSource { get; init; }
    public string? SourceId { get; init; }
    /// <summary>Set on <c>object.*</c> events: the type the subscription named.</summary>
    public string? ObjectTypeId { get; init; }
    public string? PropertyName { get; init; }
    public string? PropertyValue { get; init; }
    public string? ChangeFlag { get; init; }
    public long? PrimaryObjectId { get; init; }
    public IReadOnlyList<long>? MergedObjectIds { get; init; }
    public long? NewObjectId { get; init; }
    public int? NumberOfPropertiesMoved { get; init; }
    public string? AssociationType { get; init; }
    public long? FromObjectId { get; init; }
    public long? ToObjectId { get; init; }
    public bool? AssociationRemoved { get; init; }
    public bool? IsPrimaryAssociation { get; init; }

    public void Write(Utf8JsonWriter w, int attemptNumber)
    {
        w.WriteStartObject();
        w.WriteNumber("eventId", EventId);
        w.WriteNumber("subscriptionId", SubscriptionId);
        w.WriteNumber("portalId", PortalId);
        w.WriteNumber("appId", AppId);
        w.WriteNumber("occurredAt", OccurredAt);
        w.WriteString("subscriptionType", SubscriptionType);
        w.WriteNumber("attemptNumber", attemptNumber);
        w.WriteNumber("objectId", ObjectId);
        if (ObjectTypeId is not null)
        {
            w.WriteString("objectTypeId", ObjectTypeId);
        }

        if (PropertyName is not null)
        {
            w.WriteString("propertyName", PropertyName);
            w.WriteString("propertyValue", PropertyValue ?? "");
        }

        w.WriteString("changeSource", ChangeSource);
        if (SourceId is not null)
        {
            w.WriteString("sourceId", SourceId);
        }

        if (ChangeFlag is not null)
        {
            w.WriteString("changeFlag", ChangeFlag);
        }

        if (PrimaryObjectId is { } primary)
        {
            w.WriteNumber("primaryObjectId", primary);
            w.WriteStartArray("mergedObjectIds");
            foreach (var id in MergedObjectIds ?? [])
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
            w.WriteNumber("newObjectId", NewObjectId ?? primary);
            w.WriteNumber("numberOfPropertiesMoved", NumberOfPropertiesMoved ?? 0);
        }

        if (AssociationType is not null)
        {
            w.WriteString("associationType", AssociationType);
            w.WriteNumber("fromObjectId", FromObjectId ?? 0);
            w.WriteNumber("toObjectId", ToObjectId ?? 0);
            w.WriteBoolean("associationRemoved", AssociationRemoved ?? false);
            w.WriteBoolean("isPrimaryAssociation", IsPrimaryAssociation ?? false);
        }

        w.WriteEndObject();
    }
}
