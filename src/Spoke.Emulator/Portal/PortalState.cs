using Spoke.Emulator.Associations;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Gdpr;
using Spoke.Emulator.Lists;
using Spoke.Emulator.OAuth;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Owners;
using Spoke.Emulator.Pipelines;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Schemas;
using Spoke.Emulator.Seeding;
using Spoke.Emulator.Timeline;
using Spoke.Emulator.Webhooks;

namespace Spoke.Emulator.Portal;

/// <summary>
/// Receives every acknowledged change before the emulator answers. <see cref="Commit"/> must be durable on return:
/// that is what makes a write survive <c>kill -9</c>. Besides the records and the metadata flag, it saves the pending
/// rows of the <see cref="PortalState.JournaledFeatures"/>, which the portal forgets after the commit.
/// </summary>
internal interface IPortalJournal : IDisposable
{
    void Commit(PortalState portal, IReadOnlyCollection<(ObjectStore Store, CrmRecord Record)> records, bool metadataChanged);

    /// <summary>Drops everything stored (admin reset).</summary>
    void Clear(PortalState portal);
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
    private readonly List<PortalFeature> _features = [];
    private readonly List<IJournaledRows> _journaledFeatures = [];
    private readonly HashSet<PortalFeature> _dirtyFeatures = [];
    private readonly ObjectTypesFeature _objectTypes;
    private readonly AppIdentity _app;
    private readonly DemoSeedFeature _demoSeed;
    private IPortalJournal? _journal;

    public PortalState(long portalId, EmulatorClock clock, FidelityOptions fidelity)
    {
        PortalId = portalId;
        Clock = clock;
        Fidelity = fidelity;
        // Registration order is load and reset order: object types first, since the other features refer to them.
        _objectTypes = Register(new ObjectTypesFeature(this));
        Schemas = Register(new SchemaStore());
        Pipelines = Register(new PipelineStore());
        Owners = Register(new OwnerStore());
        Tokens = Register(new TokenStore());
        BlockedEmails = Register(new EmailBlocklist());
        _app = Register(new AppIdentity());
        Webhooks = Register(new WebhookStore(this));
        Associations = Register(new AssociationStore(this));
        Lists = Register(new ListStore());
        Timeline = Register(new TimelineStore());
        _demoSeed = Register(new DemoSeedFeature());
        OAuth = Register(new OAuthServer());
        Initialize();
    }

    /// <summary>Every feature, in registration order: what the journal saves and restores, and what a reset empties.</summary>
    public IReadOnlyList<PortalFeature> Features => _features;

    /// <summary>The features whose data the journal keeps row by row.</summary>
    public IReadOnlyList<IJournaledRows> JournaledFeatures => _journaledFeatures;

    public long PortalId { get; }

    /// <summary>Set when a write scope could not commit to the journal: memory then holds a change the file does not,
    /// so every later request is refused (fail-stop) until a restart reloads the file, which holds every acknowledged write.</summary>
    public string? JournalFailure { get; private set; }

    public EmulatorClock Clock { get; }
    public FidelityOptions Fidelity { get; }
    public TokenStore Tokens { get; }

    /// <summary>The developer account's OAuth apps and installations; only the primary portal's is used (<see cref="PortalDirectory"/>).</summary>
    public OAuthServer OAuth { get; }
    /// <summary>Where write scopes commit (<c>--data</c>). While one is attached, the <see cref="JournaledFeatures"/>
    /// collect their changed rows for it.</summary>
    public IPortalJournal? Journal
    {
        get => _journal;
        set
        {
            _journal = value;
            foreach (var feature in _journaledFeatures)
            {
                feature.TracksChanges = value is not null;
            }
        }
    }

    public List<ObjectType> Types { get; } = [];
    public Dictionary<string, ObjectStore> Stores { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PropertyCatalog> Catalogs { get; } = new(StringComparer.Ordinal);
    public PipelineStore Pipelines { get; }
    public OwnerStore Owners { get; }
    public SchemaStore Schemas { get; }

    /// <summary>Associations between records, labels and limits.</summary>
    public AssociationStore Associations { get; }

    /// <summary>CRM lists and their memberships (Lists feature).</summary>
    public ListStore Lists { get; }

    /// <summary>Timeline event templates and events (Timeline feature).</summary>
    public TimelineStore Timeline { get; }

    /// <summary>The app this emulator stands in for (<see cref="AppIdentity"/>); survives a reset, like tokens.</summary>
    public long AppId
    {
        get => _app.AppId;
        set => _app.AppId = value;
    }

    public string DeveloperApiKey
    {
        get => _app.DeveloperApiKey;
        set => _app.DeveloperApiKey = value;
    }

    /// <summary>The app's client secret: signs webhook deliveries.</summary>
    public string ClientSecret
    {
        get => _app.ClientSecret;
        set => _app.ClientSecret = value;
    }

    /// <summary>Webhook settings and subscriptions of the app, and the events of the current write scope (cleared on reset).</summary>
    public WebhookStore Webhooks { get; }

    /// <summary>Emails that a GDPR delete blocklisted: no contact may be created or updated with them again (Gdpr
    /// feature; docs/hubspot-api.md §13). Cleared on reset.</summary>
    public EmailBlocklist BlockedEmails { get; }

    /// <summary>Next number for custom object type ids (<c>2-N</c>).</summary>
    public long NextCustomTypeNumber { get; set; } = 1_000_001;

    /// <summary>The demo seed this portal got (or is part way through); null when it was never seeded.</summary>
    internal Seeding.DemoSeedProgress? DemoSeed
    {
        get => _demoSeed.Progress;
        set => _demoSeed.Progress = value;
    }

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

    /// <summary>Marks the demo seed's progress changed (the seeder updates it in place with every chunk). Features mark
    /// themselves (<see cref="PortalFeature.MarkDirty"/>).</summary>
    public void MarkDemoSeedProgressChanged() => _demoSeed.MarkDirty();

    /// <summary>Registers a feature once: from then on it is reset, saved and restored with the portal.</summary>
    public T Register<T>(T feature)
        where T : PortalFeature
    {
        feature.AttachTo(this);
        _features.Add(feature);
        if (feature is IJournaledRows rows)
        {
            _journaledFeatures.Add(rows);
        }

        return feature;
    }

    /// <summary>A feature's definitions changed (<see cref="PortalFeature.MarkDirty"/>): the open write scope saves the metadata.</summary>
    internal void MarkDirty(PortalFeature feature) => _dirtyFeatures.Add(feature);

    /// <summary>The features marked since the last commit (tests: which feature a change marked).</summary>
    internal IReadOnlyCollection<PortalFeature> DirtyFeatures => _dirtyFeatures;

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

        catalog.Changed = _objectTypes.MarkDirty;
        Catalogs[type.TypeId] = catalog;
        _objectTypes.MarkDirty();
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
        _objectTypes.MarkDirty();
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
            Journal?.Clear(this);
            // The fresh portal's definitions are saved at once, so the file is a portal from the first moment.
            _dirtyFeatures.UnionWith(_features);
            Flush();
        }

        WasReset?.Invoke();
    }

    private void Initialize()
    {
        Types.Clear();
        Stores.Clear();
        Catalogs.Clear();
        _typesByKey.Clear();
        var at = Now;
        foreach (var feature in _features)
        {
            feature.Reset(at);
        }
    }

    private void Flush()
    {
        // A feature's pending changes are its dirty mark: an association PUT commits its edges without the metadata.
        if (_dirty.Count == 0 && _dirtyFeatures.Count == 0 && !_journaledFeatures.Any(f => f.HasPendingChanges) && !Webhooks.HasPending)
        {
            return;
        }

        try
        {
            try
            {
                _journal?.Commit(this, _dirty, _dirtyFeatures.Count > 0);
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
            _dirtyFeatures.Clear();
            foreach (var feature in _journaledFeatures)
            {
                feature.AcceptChanges();
            }
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
