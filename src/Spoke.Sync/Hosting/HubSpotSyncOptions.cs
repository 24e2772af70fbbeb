using Spoke.Sync.Engine;
using Spoke.Sync.Store;

namespace Spoke.Sync.Hosting;

/// <summary>
/// How <c>AddHubSpotSync</c> runs the engine in an app, bound from the <c>HubSpotSync</c> configuration section
/// (<see cref="HubSpotSyncServiceCollectionExtensions.SectionName"/>), then the delegate given to it:
/// <code>
/// "HubSpotSync": {
///   "Database": "sqlite:./spoke.db",
///   "Interval": "00:05:00",
///   "ObjectTypes": [ "contacts", "deals" ],
///   "TypedColumns": [ "deals.amount:number", "deals.closedate:datetime" ],
///   "Conflicts": [ "last-writer-wins", "contacts.email=manual" ]
/// }
/// </code>
/// </summary>
public sealed class HubSpotSyncOptions
{
    /// <summary>Where the mirror lives: <c>sqlite:PATH</c> or <c>postgres:CONNECTION_STRING</c> (see <see cref="SyncDatabase.Parse"/>). Default <c>sqlite:spoke.db</c>.</summary>
    public string Database { get; set; } = "sqlite:spoke.db";

    /// <summary>Properties that get a typed column, each <c>TYPE.PROPERTY:KIND</c> (KIND: <c>number</c>, <c>datetime</c>, <c>bool</c>, <c>text</c>), e.g. <c>deals.amount:number</c>.</summary>
    public IList<string> TypedColumns { get; } = [];

    /// <summary>Time between the starts of two scheduled runs (a run still going when the next is due delays it; runs never overlap). Default 5 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Run once as soon as the app starts, rather than one <see cref="Interval"/> later. Default on.</summary>
    public bool RunOnStart { get; set; } = true;

    /// <summary>Run on a schedule at all. Off: runs happen only when <see cref="HubSpotSyncService.RunAsync"/> is called. Default on.</summary>
    public bool Scheduled { get; set; } = true;

    /// <summary>
    /// After each run, push the local changes made to the mirror (captured by its triggers or queued through
    /// <see cref="Push.SyncOutbox"/>) to HubSpot with <see cref="Push.SyncPusher"/>. Config <c>HubSpotSync:Push</c>. Default off.
    /// </summary>
    public bool Push { get; set; }

    /// <summary>
    /// With <see cref="Push"/>: per object type, the unique property a local create is matched by
    /// (<see cref="Push.SyncPushOptions.UniqueProperties"/>), added to the defaults (contacts: email, companies: domain),
    /// e.g. config <c>HubSpotSync:UniqueProperties:projects = project_code</c>.
    /// </summary>
    public IDictionary<string, string> UniqueProperties { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The HubSpot client to sync with: the name given to <c>services.AddHubSpotClient(name)</c>; empty (the default) for the default client.</summary>
    public string ClientName { get; set; } = "";

    /// <summary>The object types to mirror (<see cref="SyncOptions.ObjectTypes"/>); an entry may list several, comma-separated. Empty: every standard type and custom object.</summary>
    public IList<string> ObjectTypes { get; } = [];

    /// <summary>Per object type, the properties to mirror (<see cref="SyncOptions.Properties"/>). A type not listed gets every property.</summary>
    public IDictionary<string, IList<string>> Properties { get; } = new Dictionary<string, IList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary><see cref="SyncOptions.Associations"/>. Default on.</summary>
    public bool Associations { get; set; } = true;

    /// <summary><see cref="SyncOptions.Deletes"/>. Default on.</summary>
    public bool Deletes { get; set; } = true;

    /// <summary><see cref="SyncOptions.Lookback"/>. Default 5 minutes.</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><see cref="SyncOptions.MaxPropertiesQueryLength"/>. Default 6,000.</summary>
    public int MaxPropertiesQueryLength { get; set; } = 6000;

    /// <summary><see cref="SyncOptions.ReconcileEvery"/>. Default 24 hours; null never.</summary>
    public TimeSpan? ReconcileEvery { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Conflict policies (<see cref="SyncOptions.ConflictPolicies"/>), each <c>POLICY</c> (the default), <c>TYPE=POLICY</c>
    /// or <c>TYPE.PROPERTY=POLICY</c>; policies: <see cref="Push.SyncConflictPolicies.Names"/>. Empty: last writer wins.
    /// </summary>
    public IList<string> Conflicts { get; } = [];

    /// <summary>The engine's options these settings describe.</summary>
    public SyncOptions ToSyncOptions()
    {
        var options = new SyncOptions
        {
            Associations = Associations,
            Deletes = Deletes,
            Lookback = Lookback,
            MaxPropertiesQueryLength = MaxPropertiesQueryLength,
            ReconcileEvery = ReconcileEvery,
        };
        foreach (var type in ObjectTypes.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            options.ObjectTypes.Add(type);
        }

        foreach (var (type, names) in Properties)
        {
            options.Properties[type] = [.. names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        }

        foreach (var entry in Conflicts)
        {
            options.ConflictPolicies.Add(entry);
        }

        return options;
    }

    /// <summary>The store's options: <see cref="TypedColumns"/> parsed (call after validation; a bad entry throws <see cref="FormatException"/>).</summary>
    public SyncStoreOptions ToStoreOptions(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var options = new SyncStoreOptions { TimeProvider = timeProvider };
        foreach (var spec in TypedColumns)
        {
            options.TypedColumns.Add(SyncTypedColumn.Parse(spec));
        }

        return options;
    }
}
