namespace Spoke.Sync.Engine;

/// <summary>What a sync run mirrors and how (bound from the <c>HubSpotSync</c> configuration section by <c>AddHubSpotSync</c>).</summary>
public sealed class SyncOptions
{
    /// <summary>
    /// The object types to mirror (<c>contacts</c>, <c>deals</c>, a custom object's <c>2-…</c> id or name). Empty: every
    /// standard CRM type the token can read plus every custom object.
    /// </summary>
    public IList<string> ObjectTypes { get; } = [];

    /// <summary>Per object type, the properties to mirror. A type not listed gets every property HubSpot defines for it.</summary>
    public IDictionary<string, IList<string>> Properties { get; } = new Dictionary<string, IList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Mirror the association edges between the synced types (v4 batch read of every page that changed). Default on.</summary>
    public bool Associations { get; set; } = true;

    /// <summary>
    /// The backfill reads edges from the list API's inline <c>associations</c> (no call of their own) wherever that answer
    /// is known complete, and by v4 batch read where it is not. Off: v4 batch reads only. Default on.
    /// </summary>
    public bool InlineAssociations { get; set; } = true;

    /// <summary>
    /// A record whose inline associations towards one type reach this many entries is read by v4 batch read instead
    /// (with its page), whether or not HubSpot said it has more: HubSpot pages inline associations at 100. Default 100.
    /// </summary>
    public int InlineAssociationLimit { get; set; } = 100;

    /// <summary>Drop every checkpoint first and run a fresh backfill of every type (<c>--full</c>).</summary>
    public bool Full { get; set; }

    /// <summary>
    /// How far back each incremental pass re-reads before its bookmark, so a change HubSpot's search index had not yet
    /// shown (search lag) is caught by the next pass. Default 5 minutes.
    /// </summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest <c>properties=</c> value one list request carries (HubSpot answers 414 past about 8,000 characters of
    /// URL); properties past it are read for the page with one batch read. Default 6,000.
    /// </summary>
    public int MaxPropertiesQueryLength { get; set; } = 6000;

    /// <summary>Scan the archived listing (HubSpot's 90-day recycle bin) for deletes on every incremental pass. Default on.</summary>
    public bool Deletes { get; set; } = true;

    /// <summary>
    /// How often each type's id-set reconciliation runs: every live id is listed from HubSpot (ids only) and mirrored
    /// records it no longer lists become tombstones — deletes past the archived listing's 90-day recycle bin and GDPR
    /// deletes, which never appear there. Runs with the deletes pass (<see cref="Deletes"/>); a first backfill counts
    /// as one, <see cref="Full"/> forces one. Null: never. Default 24 hours.
    /// </summary>
    public TimeSpan? ReconcileEvery { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Share (0..1, below 1) of the portal's 10-second API budget the run leaves unused for the portal's other apps,
    /// counting what they spend (<c>X-HubSpot-RateLimit-Remaining</c>). Default 0.05 (5%). Searches keep to their own
    /// budget (5 per second).
    /// </summary>
    public double BurstBudgetReserve { get; set; } = 0.05;

    /// <summary>
    /// Object types synced at once (default 3), so the search budget and the general one are used together and database
    /// writes overlap HubSpot calls; the client's rate-limit gate paces them all. 1: one type after another.
    /// </summary>
    public int MaxConcurrentTypes { get; set; } = 3;

    /// <summary>
    /// Who wins when a property has a pending local change (the push side) and HubSpot changed it too, to another value:
    /// a default (last writer wins) overridden per type and per property. See <see cref="Push.SyncConflictPolicies"/>.
    /// </summary>
    public Push.SyncConflictPolicies ConflictPolicies { get; set; } = new();
}
