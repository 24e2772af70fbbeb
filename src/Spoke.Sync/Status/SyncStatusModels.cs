using Spoke.Sync.Store;

namespace Spoke.Sync.Status;

/// <summary>Where an object type's mirror stands.</summary>
public enum SyncTypeState
{
    /// <summary>No run has committed anything for the type yet.</summary>
    NeverSynced,

    /// <summary>A backfill is under way (or was interrupted): the next run resumes it at its last committed page.</summary>
    Backfilling,

    /// <summary>The backfill finished; runs read what changed since the bookmark.</summary>
    Incremental,

    /// <summary>The type's last run failed (see <see cref="SyncTypeStatus.FailureReason"/>); its checkpoint is kept and the next run resumes from it.</summary>
    Failed,
}

/// <summary>What one logged run did to one object type.</summary>
public sealed class SyncTypeRunCounts
{
    /// <summary>The mode the type ran in (<c>backfill</c>, <c>incremental</c>), or empty when the log does not say.</summary>
    public string Mode { get; init; } = "";

    /// <summary>Records written.</summary>
    public long Records { get; init; }

    /// <summary>Records an incremental pass read back unchanged in every writable value (echoes of our own pushes):
    /// written, but not counted in <see cref="Records"/>.</summary>
    public long Unchanged { get; init; }

    /// <summary>Association edges written.</summary>
    public long Associations { get; init; }

    /// <summary>Records that became tombstones.</summary>
    public long Deletes { get; init; }

    /// <summary>Merges recorded.</summary>
    public long Merges { get; init; }

    /// <summary>HubSpot API calls spent.</summary>
    public long ApiCalls { get; init; }

    /// <summary>How long the type took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Why the type failed in that run, or null.</summary>
    public string? Error { get; init; }

    /// <summary>Why the type was skipped in that run (e.g. a missing scope), or null.</summary>
    public string? SkippedReason { get; init; }
}

/// <summary>The last finished run that covered an object type, and what it did to it.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="Status">How the whole run ended.</param>
/// <param name="Counts">What it did to this type.</param>
public sealed record SyncTypeLastRun(string RunId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, SyncRunStatus Status, SyncTypeRunCounts Counts);

/// <summary>One object type's sync status in a portal's mirror.</summary>
public sealed class SyncTypeStatus
{
    /// <summary>The object type.</summary>
    public required string ObjectType { get; init; }

    /// <summary>Where it stands.</summary>
    public SyncTypeState State { get; init; }

    /// <summary>Why its last run failed (for <see cref="SyncTypeState.Failed"/>), or null.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Why its last run skipped it (e.g. the token lacks the scope), or null.</summary>
    public string? SkippedReason { get; init; }

    /// <summary>Whether its backfill has finished (false while <see cref="SyncTypeState.Backfilling"/>, and for a failed type that was backfilling).</summary>
    public bool BackfillDone { get; init; }

    /// <summary>Live records in the mirror (a backfill's progress: how many it has committed so far).</summary>
    public long Records { get; init; }

    /// <summary>Tombstones in the mirror.</summary>
    public long Tombstones { get; init; }

    /// <summary>When the current (or last) backfill started, if one was recorded.</summary>
    public DateTimeOffset? BackfillStartedAt { get; init; }

    /// <summary>The incremental bookmark: changes from this time on (less the lookback) are read next; null before the first incremental checkpoint.</summary>
    public DateTimeOffset? ChangesSince { get; init; }

    /// <summary>When the type's checkpoint was last saved (the last committed page), or null.</summary>
    public DateTimeOffset? CheckpointUpdatedAt { get; init; }

    /// <summary>When the id-set reconciliation last ran for the type, or null.</summary>
    public DateTimeOffset? LastReconciledAt { get; init; }

    /// <summary>The last finished run that covered the type, or null.</summary>
    public SyncTypeLastRun? LastRun { get; init; }
}

/// <summary>A portal mirror's sync status: every known object type, and the latest runs.</summary>
/// <param name="PortalId">The portal.</param>
/// <param name="Types">One entry per object type (the ones asked about, every one with a checkpoint or in a logged run), ordered by name.</param>
/// <param name="RecentRuns">The latest runs, newest first.</param>
public sealed record SyncPortalStatus(long PortalId, IReadOnlyList<SyncTypeStatus> Types, IReadOnlyList<SyncRunEntry> RecentRuns)
{
    /// <summary>The mirror's captured record changes (<see cref="Push.SyncOutbox"/>): pending, pushed, rejected.</summary>
    public Push.SyncOutboxCounts LocalChanges { get; init; }

    /// <summary>The mirror's captured association changes (<see cref="Push.SyncEdgeOutbox"/>): pending, pushed, rejected.</summary>
    public Push.SyncOutboxCounts LocalEdgeChanges { get; init; }

    /// <summary>Conflicts waiting for a person (<c>manual</c> policy): list and resolve them with <see cref="Push.SyncConflicts"/> or <c>spoke sync conflicts</c>.</summary>
    public long OpenConflicts { get; init; }
}
