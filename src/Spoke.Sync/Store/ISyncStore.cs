namespace Spoke.Sync.Store;

/// <summary>
/// The mirror: per object type a table of records (raw properties as JSON plus configured typed columns, timestamps,
/// tombstones, merges), one association edge table, property definitions, pipelines, id aliases, checkpoints and a run
/// log, all keyed by portal id so one database holds many portals' mirrors. Writes go through
/// <see cref="BeginAsync"/>: everything in one <see cref="ISyncBatch"/> commits together or not at all. Open one with
/// <see cref="SyncDatabase.OpenAsync"/> (or <c>SqliteSyncStore.OpenAsync</c> / <c>PostgresSyncStore.OpenAsync</c>).
/// </summary>
public interface ISyncStore : IAsyncDisposable
{
    /// <summary>Which database this is (<c>sqlite:PATH</c> or <c>postgres:…</c>, the password masked).</summary>
    string Description { get; }

    /// <summary>
    /// Starts a unit of work for <paramref name="portalId"/>: one database transaction, committed by
    /// <see cref="ISyncBatch.CommitAsync"/> and rolled back if disposed first. On SQLite, batches of one store run one at a
    /// time (the next waits).
    /// </summary>
    Task<ISyncBatch> BeginAsync(long portalId, CancellationToken cancellationToken = default);

    /// <summary>How many records of <paramref name="objectType"/> the portal's mirror holds (all zero for a type never written).</summary>
    Task<SyncRecordCounts> CountAsync(long portalId, string objectType, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every id of <paramref name="objectType"/> in the portal's mirror, in ascending text order, read in pages (never
    /// the whole set in memory). Live records only unless <paramref name="includeArchived"/> (then tombstones and merged
    /// records too).
    /// </summary>
    IAsyncEnumerable<string> StreamIdsAsync(long portalId, string objectType, bool includeArchived = false, CancellationToken cancellationToken = default);

    /// <summary>The stored records among <paramref name="ids"/> (tombstones and merged ones included; ids not stored are left out).</summary>
    Task<IReadOnlyList<SyncStoredRecord>> GetRecordsAsync(long portalId, string objectType, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>The id a record is known by now: the survivor's when <paramref name="id"/> was merged away, else <paramref name="id"/>.</summary>
    Task<string> ResolveIdAsync(long portalId, string objectType, string id, CancellationToken cancellationToken = default);

    /// <summary>Every edge from one record, ordered by target type, target id, category and type id.</summary>
    Task<IReadOnlyList<SyncAssociation>> GetAssociationsAsync(long portalId, string fromType, string fromId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The records of <paramref name="fromType"/> with an edge to any of <paramref name="toIds"/> (records of
    /// <paramref name="toType"/>), each once, in ascending text order: whose edges to re-read when those records changed.
    /// </summary>
    Task<IReadOnlyList<string>> GetAssociationSourcesAsync(long portalId, string fromType, string toType, IReadOnlyCollection<string> toIds, CancellationToken cancellationToken = default);

    /// <summary>How many edges go from records of <paramref name="fromType"/> to records of <paramref name="toType"/>.</summary>
    Task<long> CountAssociationsAsync(long portalId, string fromType, string toType, CancellationToken cancellationToken = default);

    /// <summary>A saved checkpoint's value, or null when none was saved.</summary>
    Task<string?> GetCheckpointAsync(long portalId, string objectType, string stream, CancellationToken cancellationToken = default);

    /// <summary>Every checkpoint of the portal, by object type and stream.</summary>
    Task<IReadOnlyList<SyncCheckpoint>> ListCheckpointsAsync(long portalId, CancellationToken cancellationToken = default);

    /// <summary>Every object type this database has a table for (any portal), with its table's name.</summary>
    Task<IReadOnlyList<SyncObjectTable>> ListObjectTypesAsync(CancellationToken cancellationToken = default);

    /// <summary>Records the start of a run (status <see cref="SyncRunStatus.Running"/>). Committed at once, outside any batch.</summary>
    Task StartRunAsync(long portalId, string runId, CancellationToken cancellationToken = default);

    /// <summary>Records how a run ended. <paramref name="errorMessage"/> must carry no secret (it is shown by <c>spoke sync status</c>).</summary>
    Task FinishRunAsync(string runId, SyncRunStatus status, string? countsJson, string? errorMessage, CancellationToken cancellationToken = default);

    /// <summary>The portal's latest runs, newest first.</summary>
    Task<IReadOnlyList<SyncRunEntry>> GetRecentRunsAsync(long portalId, int count, CancellationToken cancellationToken = default);
}

/// <summary>
/// One unit of work on one portal's mirror: one transaction. Nothing is visible to readers, and nothing survives a
/// crash, until <see cref="CommitAsync"/> returns; after it returns, everything does (including <c>kill -9</c> of the
/// process). Disposing without committing rolls everything back, so a checkpoint never exists without the rows it
/// covers, nor rows without their checkpoint. Not thread-safe: one caller at a time.
/// </summary>
public interface ISyncBatch : IAsyncDisposable
{
    /// <summary>The portal this batch writes.</summary>
    long PortalId { get; }

    /// <summary>
    /// Inserts or replaces records (the type's table is created on first use). Idempotent: a record written again with
    /// the same values is left untouched. An id given twice keeps the last. <see cref="SyncStoredRecord.MergedInto"/> is
    /// kept as it was.
    /// </summary>
    /// <returns>How many rows were inserted or changed.</returns>
    Task<int> UpsertAsync(string objectType, IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Marks stored records as tombstones (for records gone from HubSpot without an archived listing to say so). Ids not stored are ignored; an existing tombstone keeps its time.</summary>
    /// <returns>How many records became tombstones.</returns>
    Task<int> ArchiveAsync(string objectType, IReadOnlyCollection<string> ids, DateTimeOffset archivedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that <paramref name="loserId"/> was merged into <paramref name="survivorId"/>: the loser's row (if stored)
    /// gets <c>merged_into</c>, the loser becomes an alias of the survivor (earlier aliases of the loser follow), and the
    /// loser's association edges move to the survivor.
    /// </summary>
    Task MergeAsync(string objectType, string loserId, string survivorId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces every edge from <paramref name="fromIds"/> (records of <paramref name="fromType"/>) towards
    /// <paramref name="toType"/> with <paramref name="edges"/> (what a v4 batch read of those ids returned): edges no
    /// longer listed disappear. Every edge must start at one of <paramref name="fromIds"/> and point to
    /// <paramref name="toType"/>; duplicates are stored once.
    /// </summary>
    Task ReplaceAssociationsAsync(string fromType, IReadOnlyCollection<string> fromIds, string toType, IReadOnlyList<SyncAssociation> edges, CancellationToken cancellationToken = default);

    /// <summary>Replaces the object type's property definitions (and their options) with <paramref name="properties"/>.</summary>
    Task ReplacePropertyDefinitionsAsync(string objectType, IReadOnlyList<SyncPropertyDefinition> properties, CancellationToken cancellationToken = default);

    /// <summary>Replaces the object type's pipelines (and their stages) with <paramref name="pipelines"/>.</summary>
    Task ReplacePipelinesAsync(string objectType, IReadOnlyList<SyncPipeline> pipelines, CancellationToken cancellationToken = default);

    /// <summary>Saves (or replaces) a checkpoint: <paramref name="value"/> is opaque JSON text, stored as given.</summary>
    Task SaveCheckpointAsync(string objectType, string stream, string value, CancellationToken cancellationToken = default);

    /// <summary>Deletes a checkpoint (e.g. for <c>--full</c>); no error when none exists.</summary>
    Task DeleteCheckpointAsync(string objectType, string stream, CancellationToken cancellationToken = default);

    /// <summary>Commits the batch. Afterwards the batch accepts no more writes.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}
