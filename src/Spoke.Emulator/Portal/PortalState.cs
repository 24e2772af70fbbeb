using System.Diagnostics.CodeAnalysis;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Lists;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Owners;
using Spoke.Emulator.Pipelines;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Schemas;
using Spoke.Emulator.Timeline;
using Spoke.Emulator.Webhooks;

namespace Spoke.Emulator.Portal;

/// <summary>
/// Receives every acknowledged change before the emulator answers. <see cref="Commit"/> must be durable on return:
/// that is what makes a write survive <c>kill -9</c>. Besides the records and the metadata flag, it saves the
/// features' pending changes (<see cref="AssociationStore.PendingChanges"/>, <see cref="ListStore.PendingMemberships"/>,
/// <see cref="TimelineStore.PendingEvents"/>), which the portal forgets after the commit.
/// </summary>
internal interface IPortalJournal : IDisposable
{
    void Commit(PortalState portal, IReadOnlyCollection<(ObjectStore Store, CrmRecord Record)> records, bool metadataChanged);

    /// <summary>Drops everything stored (admin reset).</summary>
    void Clear();
}

/// <summary>
/// Everything one HubSpot portal holds. One lock guards it all: HubSpot's own consistency is per portal,
/// and a single writer keeps batch semantics and unique checks simple and correct.
/// Enter it with <see cref="Read"/> or <see cref="Write"/>; a write scope commits to the journal on dispose.
/// </summary>
internal sealed class PortalState
{
    private readonly object _sync = new();
    private readonly Dictionary<string, ObjectType> _typesByKey = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<(ObjectStore, CrmRecord)> _dirty = [];
    private bool _metadataDirty;
    private IPortalJournal? _journal;

    public PortalState(long portalId, EmulatorClock clock, FidelityOptions fidelity)
    {
        PortalId = portalId;
        Clock = clock;
        Fidelity = fidelity;
        Webhooks = new WebhookStore(this);
        Initialize();
    }

    public long PortalId { get; }

    /// <summary>Set when a write scope could not commit to the journal: memory then holds a change the file does not,
    /// so every later request is refused (fail-stop) until a restart reloads the file, which holds every acknowledged write.</summary>
    public string? JournalFailure { get; private set; }

    public EmulatorClock Clock { get; }
    public FidelityOptions Fidelity { get; }
    public TokenStore Tokens { get; } = new();
    /// <summary>Where write scopes commit (<c>--data</c>). While one is attached, the features that journal row by row
    /// (associations, list memberships, timeline events) collect their changes for it.</summary>
    public IPortalJournal? Journal
    {
        get => _journal;
        set
        {
            _journal = value;
            Associations.TracksChanges = Lists.TracksChanges = Timeline.TracksChanges = value is not null;
        }
    }

    public List<ObjectType> Types { get; } = [];
    public Dictionary<string, ObjectStore> Stores { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PropertyCatalog> Catalogs { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<Pipeline>> Pipelines { get; } = new(StringComparer.Ordinal);
    public List<Owner> Owners { get; } = [];
    public List<CustomObjectSchema> Schemas { get; } = [];

    /// <summary>Associations between records, labels and limits (replaced on reset).</summary>
    public AssociationStore Associations { get; private set; }

    /// <summary>CRM lists and their memberships (Lists feature).</summary>
    public ListStore Lists { get; } = new();

    /// <summary>Timeline event templates and events (Timeline feature).</summary>
    public TimelineStore Timeline { get; } = new();

    /// <summary>The app this emulator stands in for: its id, and the developer API key (<c>hapikey</c>) of its
    /// developer account, which app-level APIs (timeline templates, webhooks settings) authenticate with.
    /// Both survive a reset, like tokens.</summary>
    public long AppId { get; set; } = 1234567;

    public string DeveloperApiKey { get; set; } = Guid.NewGuid().ToString();

    /// <summary>The app's client secret: signs webhook deliveries. Survives a reset, like the app id.</summary>
    public string ClientSecret { get; set; } = Guid.NewGuid().ToString();

    /// <summary>Webhook settings and subscriptions of the app, and the events of the current write scope (cleared on reset).</summary>
    public WebhookStore Webhooks { get; }

    /// <summary>Emails (normalized, <see cref="ObjectStore.UniqueKey"/>) that a GDPR delete blocklisted: no contact
    /// may be created or updated with them again (Gdpr feature; docs/hubspot-api.md §13). Cleared on reset.</summary>
    public HashSet<string> BlockedEmails { get; } = new(StringComparer.Ordinal);

    /// <summary>Next number for custom object type ids (<c>2-N</c>).</summary>
    public long NextCustomTypeNumber { get; set; } = 1_000_001;

    /// <summary>The demo seed this portal got (or is part way through); null when it was never seeded.</summary>
    internal Seeding.DemoSeedProgress? DemoSeed { get; set; }

    /// <summary>Raised after a reset, so components holding derived state (search indexes) rebuild.</summary>
    public event Action? WasReset;

    /// <summary>Raised when a store is created (startup, reset, new custom object), so indexes can attach.</summary>
    public event Action<ObjectStore>? StoreAdded;

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>When set and returning a value, record writes are stamped with it instead of <see cref="Now"/>
    /// (fault injection's sameTimestamp: many records sharing one lastmodifieddate).</summary>
    public Func<DateTimeOffset?>? WriteTimestampOverride { get; set; }

    /// <summary>The timestamp a record write carries (createdate, lastmodifieddate, updatedAt, history).</summary>
    public DateTimeOffset WriteNow => WriteTimestampOverride?.Invoke() ?? Now;

    public ReadScope Read() => new(this, write: false);

    public ReadScope Write() => new(this, write: true);

    /// <summary>Marks a record as changed in the current write scope.</summary>
    public void Touch(ObjectStore store, CrmRecord record) => _dirty.Add((store, record));

    /// <summary>Marks definitions (properties, schemas, pipelines, owners, tokens) as changed.</summary>
    public void TouchMetadata() => _metadataDirty = true;

    /// <summary>Resolves a path segment to an object type: name, type id, <c>p_name</c> or <c>p{portal}_name</c>.
    /// Custom object types whose schema is archived resolve to nothing.</summary>
    public ObjectType? FindType(string key) =>
        _typesByKey.GetValueOrDefault(key) is { } type && !(type.IsCustom && Schemas.Exists(s => s.Archived && s.ObjectTypeId == type.TypeId))
            ? type
            : null;

    /// <summary>Like <see cref="FindType"/> but answers HubSpot's 400 for an unknown type.</summary>
    public ObjectType ResolveType(string key) => FindType(key) ?? throw ApiError.UnknownObjectType(key);

    public ObjectStore Store(ObjectType type) => Stores[type.TypeId];

    public PropertyCatalog Catalog(ObjectType type) => Catalogs[type.TypeId];

    /// <summary>Adds an object type with its store and properties (standard at start-up, custom via schemas).</summary>
    public ObjectStore AddType(ObjectType type, IEnumerable<PropertyDefinition> properties)
    {
        Types.Add(type);
        IndexTypeKeys(type);
        var catalog = new PropertyCatalog();
        foreach (var p in properties)
        {
            catalog.Add(p);
        }

        Catalogs[type.TypeId] = catalog;
        var store = new ObjectStore(type, Fidelity);
        Stores[type.TypeId] = store;
        foreach (var p in catalog.Properties.Values.Where(p => p.HasUniqueValue))
        {
            store.AddUniqueIndex(p.Name, out _);
        }

        if (type.TypeId == "0-1")
        {
            store.AddUniqueIndex("email", out _);
        }

        StoreAdded?.Invoke(store);
        return store;
    }

    /// <summary>Removes a custom object type entirely.</summary>
    public void RemoveType(ObjectType type)
    {
        Types.Remove(type);
        Stores.Remove(type.TypeId);
        Catalogs.Remove(type.TypeId);
        Pipelines.Remove(type.TypeId);
        foreach (var key in _typesByKey.Where(kv => kv.Value == type).Select(kv => kv.Key).ToList())
        {
            _typesByKey.Remove(key);
        }
    }

    /// <summary>Re-indexes the names a type answers to (after a schema rename, say).</summary>
    public void IndexTypeKeys(ObjectType type)
    {
        _typesByKey[type.TypeId] = type;
        if (type.IsCustom)
        {
            _typesByKey["p_" + type.Name] = type;
            if (type.FullyQualifiedName is { } fqn)
            {
                _typesByKey[fqn] = type;
            }
        }
        else
        {
            _typesByKey[type.Name] = type;
        }
    }

    /// <summary>Singular names too (contact, company, line_item): the v4 association paths accept them.</summary>
    public ObjectType? FindTypeLenient(string key) =>
        FindType(key) ?? Types.FirstOrDefault(t => string.Equals(t.Singular, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Empties the portal back to a fresh one (admin reset). Tokens survive.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            Initialize();
            _dirty.Clear();
            _metadataDirty = false;
            Journal?.Clear();
            _metadataDirty = true;
            Flush();
        }

        WasReset?.Invoke();
    }

    [MemberNotNull(nameof(Associations))]
    private void Initialize()
    {
        Associations = new AssociationStore(this) { TracksChanges = _journal is not null };
        Types.Clear();
        Stores.Clear();
        Catalogs.Clear();
        Pipelines.Clear();
        Owners.Clear();
        Schemas.Clear();
        Lists.Clear();
        Timeline.Clear();
        BlockedEmails.Clear();
        Webhooks.Clear();
        _typesByKey.Clear();
        NextCustomTypeNumber = 1_000_001;
        DemoSeed = null;
        var at = Now;
        foreach (var type in StandardObjectTypes.Create())
        {
            AddType(type, DefaultProperties.For(type.TypeId).Select(p => Stamp(p, at)));
        }

        Pipelines["0-3"] = [DefaultPipelines.Deals(at)];
        Pipelines["0-5"] = [DefaultPipelines.Tickets(at)];
        Owners.AddRange(DefaultOwners.Create(at));
    }

    private static PropertyDefinition Stamp(PropertyDefinition p, DateTimeOffset at)
    {
        p.CreatedAt = at;
        p.UpdatedAt = at;
        return p;
    }

    private void Flush()
    {
        // A feature's pending changes are its dirty mark: an association PUT commits its edges without the metadata.
        if (_dirty.Count == 0 && !_metadataDirty && !Associations.HasPendingChanges && !Lists.HasPendingChanges && !Timeline.HasPendingChanges && !Webhooks.HasPending)
        {
            return;
        }

        try
        {
            try
            {
                _journal?.Commit(this, _dirty, _metadataDirty);
            }
            catch (Exception ex)
            {
                JournalFailure = $"{ex.GetType().Name}: {ex.Message}";
                throw;
            }

            // Only committed changes are announced.
            Webhooks.Commit();
        }
        finally
        {
            Webhooks.DiscardPending();
            _dirty.Clear();
            _metadataDirty = false;
            Associations.AcceptChanges();
            Lists.AcceptChanges();
            Timeline.AcceptChanges();
        }
    }

    /// <summary>Holds the portal lock; a write scope commits its changes before releasing it.</summary>
    public readonly struct ReadScope : IDisposable
    {
        private readonly PortalState _portal;
        private readonly bool _write;

        internal ReadScope(PortalState portal, bool write)
        {
            _portal = portal;
            _write = write;
            Monitor.Enter(portal._sync);
        }

        public void Dispose()
        {
            try
            {
                if (_write)
                {
                    _portal.Flush();
                }
            }
            finally
            {
                Monitor.Exit(_portal._sync);
            }
        }
    }
}
