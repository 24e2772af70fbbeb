using Spoke.Crm;
using Spoke.Sync.Store;

namespace Spoke.Sync.Engine;

/// <summary>
/// The periodic id-set reconciliation: HubSpot's archived listing only covers its 90-day recycle bin, and a GDPR
/// delete never appears there, so every <see cref="SyncOptions.ReconcileEvery"/> the engine lists every live id of the
/// type (ids only, 100 per page) and turns the mirrored live records HubSpot no longer lists into tombstones. A first
/// backfill counts as reconciled (it started from an empty mirror); <c>--full</c> reconciles, since the fresh pass
/// starts from a mirror that may hold records gone since.
/// </summary>
internal sealed class IdReconciliation(SyncEngine engine, long portalId, string type, SyncTypeResult result)
{
    private const int PageSize = 100;
    private const int ArchiveChunk = 500;

    /// <summary>Reconciles when due; <paramref name="backfilled"/> says this run's pass was a backfill.</summary>
    public async Task RunIfDueAsync(bool backfilled, CancellationToken cancellationToken)
    {
        if (engine.Options.ReconcileEvery is not { } every)
        {
            return;
        }

        var now = engine.Time.GetUtcNow();
        var last = SyncStreams.ReadReconcile(await engine.Store.GetCheckpointAsync(portalId, type, SyncStreams.Reconcile, cancellationToken).ConfigureAwait(false));
        if (!engine.Options.Full)
        {
            if (last is null && backfilled)
            {
                await SaveAsync([], now, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (last is not null && now - DateTimeOffset.FromUnixTimeMilliseconds(last.LastRunMs) < every)
            {
                return;
            }
        }

        await ReconcileAsync(now, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReconcileAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        // An id set of strings is the one thing held in memory: the records themselves are never listed.
        var live = new HashSet<string>(StringComparer.Ordinal);
        var pages = engine.Client.Crm.Objects(type).ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }, cancellationToken).AsPages(pageSize: PageSize);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            result.ApiCalls++;
            foreach (var record in page.Values)
            {
                live.Add(record.Id);
            }
        }

        var gone = new List<string>();
        await foreach (var id in engine.Store.StreamIdsAsync(portalId, type, includeArchived: false, cancellationToken).ConfigureAwait(false))
        {
            if (!live.Contains(id))
            {
                gone.Add(id);
            }
        }

        // A merged-away id is an alias, not a delete: leave it to the merge (its survivor is what HubSpot lists).
        var tombstones = new List<string>(gone.Count);
        foreach (var id in gone)
        {
            if (await engine.Store.ResolveIdAsync(portalId, type, id, cancellationToken).ConfigureAwait(false) == id)
            {
                tombstones.Add(id);
            }
        }

        await SaveAsync(tombstones, startedAt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tombstones and the reconcile checkpoint, in one transaction.</summary>
    private async Task SaveAsync(List<string> tombstones, DateTimeOffset ranAt, CancellationToken cancellationToken)
    {
        await using var batch = await engine.Store.BeginAsync(portalId, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < tombstones.Count; i += ArchiveChunk)
        {
            result.Deletes += await batch.ArchiveAsync(type, tombstones.GetRange(i, Math.Min(ArchiveChunk, tombstones.Count - i)), ranAt, cancellationToken).ConfigureAwait(false);
        }

        await batch.SaveCheckpointAsync(type, SyncStreams.Reconcile, SyncStreams.Write(new ReconcileCheckpoint(ranAt.ToUnixTimeMilliseconds())), cancellationToken).ConfigureAwait(false);
        await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
