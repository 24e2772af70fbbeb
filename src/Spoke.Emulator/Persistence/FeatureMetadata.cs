using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Lists;
using Spoke.Emulator.Pipelines;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Timeline;

namespace Spoke.Emulator.Persistence;

/// <summary>
/// The small definitions of the associations, lists and timeline features, the app's identity and the pipeline
/// audit trail, carried in the metadata document. What grows with the portal (association edges, list memberships,
/// timeline events) is not here: the journal keeps it in tables, row by row. Absent fields (a file written before
/// these features persisted) leave the fresh portal's values.
/// </summary>
internal sealed partial class PortalMetadataDocument
{
    public long? AppId { get; set; }
    public string? DeveloperApiKey { get; set; }
    public string? ClientSecret { get; set; }
    public WebhooksDocument? Webhooks { get; set; }
    public AssociationsDocument? Associations { get; set; }
    public ListsDocument? Lists { get; set; }
    public TimelineDocument? Timeline { get; set; }

    /// <summary>Object type id → pipeline id → the pipeline's audit entries, oldest first.</summary>
    public Dictionary<string, Dictionary<string, List<PipelineAuditEntry>>>? PipelineAudits { get; set; }

    /// <summary>The demo seed's parameters and progress (absent when the portal was never seeded).</summary>
    public Seeding.DemoSeedProgress? DemoSeed { get; set; }

    /// <summary>Adds the features' definitions to a captured document.</summary>
    public PortalMetadataDocument WithFeatures(PortalState portal)
    {
        AppId = portal.AppId;
        DeveloperApiKey = portal.DeveloperApiKey;
        ClientSecret = portal.ClientSecret;
        Webhooks = new WebhooksDocument
        {
            Settings = portal.Webhooks.Settings,
            Subscriptions = [.. portal.Webhooks.Subscriptions],
            NextSubscriptionId = portal.Webhooks.NextSubscriptionId,
        };
        var associations = portal.Associations;
        Associations = new AssociationsDocument
        {
            Labels = [.. associations.Labels],
            Limits = [.. associations.Limits],
            CustomInverseIds = new Dictionary<int, int>(associations.CustomInverseIds),
            NextTypeId = associations.NextTypeId,
        };
        Lists = new ListsDocument { Lists = [.. portal.Lists.All], NextListId = portal.Lists.NextListId };
        Timeline = new TimelineDocument { Templates = [.. portal.Timeline.Templates], NextTemplateId = portal.Timeline.NextTemplateId };
        DemoSeed = portal.DemoSeed;
        PipelineAudits = [];
        foreach (var (typeId, pipelines) in portal.Pipelines)
        {
            var audits = pipelines.Where(p => p.Audit.Count > 0).ToDictionary(p => p.Id, p => p.Audit.ToList(), StringComparer.Ordinal);
            if (audits.Count > 0)
            {
                PipelineAudits[typeId] = audits;
            }
        }

        return this;
    }

    /// <summary>Restores the features' definitions (after <see cref="ApplyTo"/>, before any record is loaded).</summary>
    public void ApplyFeaturesTo(PortalState portal)
    {
        if (AppId is { } appId)
        {
            portal.AppId = appId;
        }

        if (DeveloperApiKey is { } key)
        {
            portal.DeveloperApiKey = key;
        }

        if (ClientSecret is { } secret)
        {
            portal.ClientSecret = secret;
        }

        if (Webhooks is { } webhooks)
        {
            portal.Webhooks.Settings = webhooks.Settings;
            portal.Webhooks.Subscriptions.Clear();
            portal.Webhooks.Subscriptions.AddRange(webhooks.Subscriptions);
            portal.Webhooks.NextSubscriptionId = Math.Max(portal.Webhooks.NextSubscriptionId, webhooks.NextSubscriptionId);
            portal.Webhooks.SubscriptionsChanged();
        }

        if (Associations is { } associations)
        {
            var store = portal.Associations;
            store.Labels.Clear();
            store.Labels.AddRange(associations.Labels);
            store.Limits.Clear();
            store.Limits.AddRange(associations.Limits);
            store.CustomInverseIds.Clear();
            foreach (var (schemaId, inverse) in associations.CustomInverseIds)
            {
                store.CustomInverseIds[schemaId] = inverse;
            }

            store.NextTypeId = Math.Max(store.NextTypeId, associations.NextTypeId);
        }

        if (Lists is { } lists)
        {
            portal.Lists.Clear();
            foreach (var list in lists.Lists)
            {
                portal.Lists.Add(list);
            }

            portal.Lists.NextListId = Math.Max(portal.Lists.NextListId, lists.NextListId);
        }

        if (Timeline is { } timeline)
        {
            portal.Timeline.Clear();
            foreach (var template in timeline.Templates)
            {
                portal.Timeline.AddTemplate(template);
            }

            portal.Timeline.NextTemplateId = Math.Max(portal.Timeline.NextTemplateId, timeline.NextTemplateId);
        }

        portal.DemoSeed = DemoSeed;
        foreach (var (typeId, audits) in PipelineAudits ?? [])
        {
            foreach (var pipeline in portal.Pipelines.GetValueOrDefault(typeId) ?? [])
            {
                if (audits.TryGetValue(pipeline.Id, out var entries))
                {
                    pipeline.Audit.Clear();
                    pipeline.Audit.AddRange(entries);
                }
            }
        }
    }
}

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
