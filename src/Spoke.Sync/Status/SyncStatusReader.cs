using Spoke.Sync.Engine;
using Spoke.Sync.Store;

namespace Spoke.Sync.Status;

/// <summary>
/// Reads a portal mirror's sync status from its store: per object type the state (never synced, backfilling with the
/// records committed so far, incremental, failed with the reason), the checkpoint and the last run that covered it.
/// And the local changes waiting to be pushed, or refused, and the open conflicts. Behind <c>spoke sync status</c> and
/// <c>HubSpotSyncService.GetStatusAsync</c>. Reads only; never calls HubSpot.
/// </summary>
public sealed class SyncStatusReader
{
    // How far back the run log is searched for each type's last run; a type left out of more runs than this shows none.
    private const int RunsSearched = 50;

    private readonly ISyncStore _store;

    /// <summary>A reader over <paramref name="store"/>.</summary>
    public SyncStatusReader(ISyncStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>
    /// The status of <paramref name="portalId"/>'s mirror: every type in <paramref name="objectTypes"/> (shown as never
    /// synced when nothing was committed for it), every type with a checkpoint and every type a logged run covered, and
    /// the <paramref name="recentRuns"/> latest runs.
    /// </summary>
    public async Task<SyncPortalStatus> ReadAsync(long portalId, IEnumerable<string>? objectTypes = null, int recentRuns = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recentRuns);
        var checkpoints = await _store.ListCheckpointsAsync(portalId, cancellationToken).ConfigureAwait(false);
        var runs = await _store.GetRecentRunsAsync(portalId, Math.Max(recentRuns, RunsSearched), cancellationToken).ConfigureAwait(false);
        var logged = runs.Where(r => r.FinishedAt is not null).Select(r => (Run: r, Types: SyncRunLog.Read(r.CountsJson))).ToList();

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in objectTypes ?? [])
        {
            names.Add(type);
        }

        foreach (var checkpoint in checkpoints)
        {
            names.Add(checkpoint.ObjectType);
        }

        // A type a run covered but never committed for (failed or skipped on its first page) is still worth showing.
        foreach (var type in logged.SelectMany(l => l.Types.Keys))
        {
            if (!names.Contains(type, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(type);
            }
        }

        var types = new List<SyncTypeStatus>(names.Count);
        foreach (var type in names)
        {
            var mine = checkpoints.Where(c => string.Equals(c.ObjectType, type, StringComparison.OrdinalIgnoreCase)).ToList();
            var backfill = mine.FirstOrDefault(c => c.Stream == SyncStreams.Backfill);
            var incremental = mine.FirstOrDefault(c => c.Stream == SyncStreams.Incremental);
            var reconcile = mine.FirstOrDefault(c => c.Stream == SyncStreams.Reconcile);
            var backfillValue = SafeRead(() => SyncStreams.ReadBackfill(backfill?.Value));
            var incrementalValue = SafeRead(() => SyncStreams.ReadIncremental(incremental?.Value));
            var reconcileValue = SafeRead(() => SyncStreams.ReadReconcile(reconcile?.Value));

            SyncTypeLastRun? lastRun = null;
            foreach (var (run, runTypes) in logged)
            {
                if (runTypes.TryGetValue(type, out var entry))
                {
                    lastRun = new SyncTypeLastRun(run.RunId, run.StartedAt, run.FinishedAt, run.Status, entry);
                    break;
                }
            }

            var done = incremental is not null || backfillValue?.Done == true;
            var state = lastRun?.Counts.Error is not null ? SyncTypeState.Failed
                : done ? SyncTypeState.Incremental
                : backfill is not null ? SyncTypeState.Backfilling
                : SyncTypeState.NeverSynced;
            var counts = mine.Count == 0 ? default : await _store.CountAsync(portalId, type, cancellationToken).ConfigureAwait(false);
            types.Add(new SyncTypeStatus
            {
                ObjectType = type,
                State = state,
                FailureReason = state == SyncTypeState.Failed ? lastRun!.Counts.Error : null,
                SkippedReason = lastRun?.Counts.SkippedReason,
                BackfillDone = done,
                Records = counts.Live,
                Tombstones = counts.Archived,
                BackfillStartedAt = backfillValue is { StartedAtMs: > 0 } b ? DateTimeOffset.FromUnixTimeMilliseconds(b.StartedAtMs) : null,
                ChangesSince = incrementalValue is { } i ? DateTimeOffset.FromUnixTimeMilliseconds(i.SinceMs) : null,
                CheckpointUpdatedAt = mine.Where(c => c.Stream is SyncStreams.Backfill or SyncStreams.Incremental)
                    .Select(c => (DateTimeOffset?)c.UpdatedAt).Max(),
                LastReconciledAt = reconcileValue is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r.LastRunMs) : null,
                LastRun = lastRun,
            });
        }

        var status = new SyncPortalStatus(portalId, types, [.. runs.Take(recentRuns)]);
        return _store is SqlSyncStore { CapturesChanges: true }
            ? status with
            {
                LocalChanges = await Push.SyncOutbox.CountAsync(_store, portalId, cancellationToken).ConfigureAwait(false),
                LocalEdgeChanges = await Push.SyncEdgeOutbox.CountAsync(_store, portalId, cancellationToken).ConfigureAwait(false),
                OpenConflicts = await Push.SyncConflicts.CountOpenAsync(_store, portalId, cancellationToken).ConfigureAwait(false),
            }
            : status;
    }

    // A checkpoint written by another version may not read as this one's; the status then just lacks that detail.
    private static T? SafeRead<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
