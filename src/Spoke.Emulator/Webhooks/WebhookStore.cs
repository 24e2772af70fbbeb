using System.Globalization;
using System.Text.Json;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Webhooks;

/// <summary>
/// The portal's webhook definitions (settings, subscriptions) and the events of the current write scope. Changes are
/// captured where they happen (records, archive and restore via the stores' hooks; merges, GDPR deletes and association
/// edges by their features) and queued; <see cref="PortalState"/> hands them to <see cref="Committed"/> only after the
/// journal has committed the scope, and drops them when it did not. Callers hold the portal lock.
/// </summary>
internal sealed class WebhookStore : PortalFeature
{
    private static readonly HashSet<(string From, string To, int TypeId)> PrimaryTypes =
        [.. HubSpotDefinedAssociations.All.Where(d => d.IsPrimary).Select(d => (d.FromTypeId, d.ToTypeId, d.TypeId))];

    private readonly PortalState _portal;
    private readonly List<WebhookEvent> _pending = [];
    private readonly HashSet<CrmRecord> _createdInScope = [];
    // (from type, from id, to type, to id, removed) → any primary type among the changed ones; one event per direction.
    private readonly Dictionary<(string, long, string, long, bool), bool> _associations = [];
    private Dictionary<string, List<WebhookSubscription>>? _byAction;
    private long _nextEventId = 1_000_001;
    private WebhookSettings? _settings;

    public WebhookStore(PortalState portal)
    {
        _portal = portal;
        portal.StoreAdded += Attach;
    }

    public override string Name => "webhooks";

    /// <summary>The app's webhook settings; null when it has none (nothing is sent).</summary>
    public WebhookSettings? Settings
    {
        get => _settings;
        set
        {
            _settings = value;
            MarkDirty();
            DefinitionsChanged?.Invoke();
        }
    }
    public List<WebhookSubscription> Subscriptions { get; } = [];
    public long NextSubscriptionId { get; set; } = 1;

    /// <summary>Off while the portal loads and seeds: only changes made while it serves produce events.</summary>
    public bool Armed { get; set; }

    /// <summary>Tokens that stand for the app itself (changeSource <c>INTEGRATION</c>).</summary>
    public HashSet<string> AppTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The settings or subscriptions changed (raised under the portal's write lock). The developer app's definitions are
    /// the primary portal's; the emulator copies them to its other portals on this (<see cref="CopyDefinitionsFrom"/>).
    /// </summary>
    public event Action? DefinitionsChanged;

    /// <summary>Receives each committed scope's events, in the order they happened (called under the portal lock).</summary>
    public event Action<IReadOnlyList<WebhookEvent>>? Committed;

    public bool HasPending => _pending.Count > 0 || _associations.Count > 0;

    /// <summary>Call after changing <see cref="Subscriptions"/>, the settings in place, or a subscription: saves them.</summary>
    public void SubscriptionsChanged()
    {
        _byAction = null;
        MarkDirty();
        DefinitionsChanged?.Invoke();
    }

    /// <summary>Call after changing <see cref="Settings"/> in place: saves them.</summary>
    public void SettingsChanged()
    {
        MarkDirty();
        DefinitionsChanged?.Invoke();
    }

    /// <summary>
    /// Takes the app's settings and subscriptions from <paramref name="source"/> (the primary portal's), as copies: in
    /// HubSpot they belong to the app, which sends the events of every portal it is installed in. Call under this
    /// portal's write lock with <paramref name="source"/>'s portal locked too.
    /// </summary>
    public void CopyDefinitionsFrom(WebhookStore source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _settings = source.Settings is { } s
            ? new WebhookSettings { TargetUrl = s.TargetUrl, MaxConcurrentRequests = s.MaxConcurrentRequests, Period = s.Period, CreatedAt = s.CreatedAt, UpdatedAt = s.UpdatedAt }
            : null;
        Subscriptions.Clear();
        Subscriptions.AddRange(source.Subscriptions.Select(x => new WebhookSubscription
        {
            Id = x.Id, EventType = x.EventType, PropertyName = x.PropertyName, ObjectTypeId = x.ObjectTypeId, EventTypeName = x.EventTypeName,
            Active = x.Active, CreatedAt = x.CreatedAt, UpdatedAt = x.UpdatedAt,
        }));
        NextSubscriptionId = source.NextSubscriptionId;
        _byAction = null;
        MarkDirty();
    }

    public override void Reset(DateTimeOffset now) => Clear();

    public override void Save(Utf8JsonWriter writer) => Write(writer, "webhooks", new WebhooksDocument
    {
        Settings = Settings,
        Subscriptions = [.. Subscriptions],
        NextSubscriptionId = NextSubscriptionId,
    }, PersistenceJsonContext.Default.WebhooksDocument);

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "webhooks", PersistenceJsonContext.Default.WebhooksDocument, out var saved))
        {
            _settings = saved.Settings;
            Subscriptions.Clear();
            Subscriptions.AddRange(saved.Subscriptions);
            NextSubscriptionId = Math.Max(NextSubscriptionId, saved.NextSubscriptionId);
            SubscriptionsChanged();
        }
    }

    /// <summary>Forgets settings and subscriptions (portal reset).</summary>
    public void Clear()
    {
        Settings = null;
        Subscriptions.Clear();
        NextSubscriptionId = 1;
        DiscardPending();
        SubscriptionsChanged();
    }

    /// <summary>Publishes the scope's events (after the journal commit).</summary>
    public void Commit()
    {
        FlushAssociations();
        if (_pending.Count > 0)
        {
            var events = _pending.ToList();
            _pending.Clear();
            Committed?.Invoke(events);
        }

        _createdInScope.Clear();
    }

    public void DiscardPending()
    {
        _pending.Clear();
        _associations.Clear();
        _createdInScope.Clear();
    }

    public void OnMerged(ObjectType type, CrmRecord survivor, CrmRecord merged, int propertiesMoved)
    {
        foreach (var sub in Matching(WebhookEventTypes.Merge, type, null))
        {
            Add(sub, type, survivor.Id, e => e with
            {
                PrimaryObjectId = survivor.Id, MergedObjectIds = [merged.Id], NewObjectId = survivor.Id, NumberOfPropertiesMoved = propertiesMoved,
            });
        }
    }

    /// <summary>A GDPR delete: <c>contact.privacyDeletion</c> and, separately, <c>contact.deletion</c> (docs/hubspot-api.md §8).</summary>
    public void OnPrivacyDeleted(ObjectType type, CrmRecord contact)
    {
        foreach (var sub in Matching(WebhookEventTypes.PrivacyDeletion, type, null))
        {
            Add(sub, type, contact.Id, e => e);
        }

        foreach (var sub in Matching(WebhookEventTypes.Deletion, type, null))
        {
            Add(sub, type, contact.Id, e => e);
        }
    }

    /// <summary>One direction of an association gained or lost a type (AssociationStore).</summary>
    public void OnAssociationChanged(string fromType, long fromId, string toType, long toId, int typeId, bool added)
    {
        if (!Listening(WebhookEventTypes.AssociationChange))
        {
            return;
        }

        var key = (fromType, fromId, toType, toId, !added);
        _associations[key] = _associations.GetValueOrDefault(key) || PrimaryTypes.Contains((fromType, toType, typeId));
    }

    private void FlushAssociations()
    {
        foreach (var ((fromTypeId, fromId, toTypeId, toId, removed), primary) in _associations)
        {
            if (_portal.FindType(fromTypeId) is not { } from || _portal.FindType(toTypeId) is not { } to)
            {
                continue;
            }

            var name = $"{Upper(from)}_TO_{Upper(to)}";
            // An association is reported to the subscriptions of either side: each direction once per subscription.
            foreach (var sub in Matching(WebhookEventTypes.AssociationChange, from, null).Union(Matching(WebhookEventTypes.AssociationChange, to, null)))
            {
                Add(sub, from, fromId, e => e with
                {
                    AssociationType = name, FromObjectId = fromId, ToObjectId = toId, AssociationRemoved = removed, IsPrimaryAssociation = primary,
                });
            }
        }

        _associations.Clear();
    }

    private static string Upper(ObjectType type) => type.Singular.ToUpperInvariant();

    private void Attach(ObjectStore store)
    {
        store.RecordAdded += record =>
        {
            if (!Listening(WebhookEventTypes.Creation) && !Listening(WebhookEventTypes.PropertyChange))
            {
                return;
            }

            _createdInScope.Add(record);
            foreach (var sub in Matching(WebhookEventTypes.Creation, store.Type, null))
            {
                Add(sub, store.Type, record.Id, e => e with { ChangeFlag = "NEW" });
            }
        };
        store.PropertyChanged += (record, name, _, value) =>
        {
            if (!Listening(WebhookEventTypes.PropertyChange) || record.Deleted ||
                (!_portal.Fidelity.WebhookPropertyChangeOnCreation && _createdInScope.Contains(record)))
            {
                return;
            }

            foreach (var sub in Matching(WebhookEventTypes.PropertyChange, store.Type, name))
            {
                Add(sub, store.Type, record.Id, e => e with { PropertyName = name, PropertyValue = value ?? "" });
            }
        };
        store.LivenessChanged += record =>
        {
            // Deletes (GDPR, merges, the 90-day purge) report through their features, or not at all.
            if (record.Deleted)
            {
                return;
            }

            var action = record.Archived ? WebhookEventTypes.Deletion : WebhookEventTypes.Restore;
            foreach (var sub in Matching(action, store.Type, null))
            {
                Add(sub, store.Type, record.Id, e => e);
            }
        };
    }

    private bool Listening(string action) => Armed && Settings is not null && Index().ContainsKey(action);

    private IEnumerable<WebhookSubscription> Matching(string action, ObjectType type, string? property)
    {
        if (!Armed || Settings is null || !Index().TryGetValue(action, out var subs))
        {
            return [];
        }

        return subs.Where(s =>
            (s.EventType.StartsWith("object.", StringComparison.Ordinal)
                ? s.ObjectTypeId == type.TypeId
                : WebhookEventTypes.ObjectPrefixes.GetValueOrDefault(WebhookEventTypes.Prefix(s.EventType)) == type.TypeId) &&
            (property is null || s.PropertyName == property));
    }

    private Dictionary<string, List<WebhookSubscription>> Index() =>
        _byAction ??= Subscriptions.Where(s => s.Active)
            .GroupBy(s => WebhookEventTypes.Action(s.EventType), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    private void Add(WebhookSubscription sub, ObjectType type, long objectId, Func<WebhookEvent, WebhookEvent> shape)
    {
        var (source, sourceId) = WebhookChangeSource.Get();
        var e = new WebhookEvent
        {
            EventId = _nextEventId++,
            SubscriptionId = sub.Id,
            PortalId = _portal.PortalId,
            AppId = _portal.AppId,
            OccurredAt = _portal.WriteNow.ToUnixTimeMilliseconds(),
            SubscriptionType = sub.EventType,
            ObjectId = objectId,
            ObjectTypeId = sub.EventType.StartsWith("object.", StringComparison.Ordinal) ? type.TypeId : null,
            ChangeSource = source,
            SourceId = source == WebhookChangeSource.Integration ? sourceId ?? _portal.AppId.ToString(CultureInfo.InvariantCulture) : sourceId,
        };
        _pending.Add(shape(e));
    }
}
