using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Lists;
using Spoke.Emulator.Timeline;

namespace Spoke.Emulator.Persistence;

/// <summary>The sections the associations, webhooks, lists and timeline features save in the metadata document; what
/// grows with the portal (association edges, list memberships, timeline events) is not here but in journal tables.</summary>
internal sealed class AssociationsDocument
{
    public List<AssociationLabel> Labels { get; set; } = [];
    public List<AssociationLimit> Limits { get; set; } = [];
    public Dictionary<int, int> CustomInverseIds { get; set; } = [];
    public int NextTypeId { get; set; } = AssociationStore.FirstUserTypeId;
}

/// <summary>Webhook settings and subscriptions; undelivered events are not persisted.</summary>
internal sealed class WebhooksDocument
{
    public Webhooks.WebhookSettings? Settings { get; set; }
    public List<Webhooks.WebhookSubscription> Subscriptions { get; set; } = [];
    public long NextSubscriptionId { get; set; } = 1;
}

internal sealed class ListsDocument
{
    /// <summary>List definitions; their memberships are rows of the journal's <c>list_memberships</c> table.</summary>
    public List<ObjectList> Lists { get; set; } = [];
    public long NextListId { get; set; } = 1;
}

internal sealed class TimelineDocument
{
    /// <summary>Event templates; the events are rows of the journal's <c>timeline_events</c> table.</summary>
    public List<EventTemplate> Templates { get; set; } = [];
    public long NextTemplateId { get; set; }
}

/// <summary>A timeline event as the JSON document of its journal row.</summary>
internal static class TimelineEventCodec
{
    public static byte[] Encode(TimelineEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, FeaturePersistenceJsonContext.Default.TimelineEvent);

    public static TimelineEvent Decode(byte[] json) =>
        JsonSerializer.Deserialize(json, FeaturePersistenceJsonContext.Default.TimelineEvent)
        ?? throw new InvalidDataException("A stored timeline event is empty.");
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(TimelineEvent))]
internal sealed partial class FeaturePersistenceJsonContext : JsonSerializerContext;
