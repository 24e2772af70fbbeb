namespace Spoke.Sync.Engine;

/// <summary>What a run did to one object type.</summary>
public sealed class SyncTypeResult
{
    /// <summary>The object type (<c>contacts</c>, <c>2-1234567</c>, …).</summary>
    public required string ObjectType { get; init; }

    /// <summary>Null when the type was synced; otherwise why it was skipped (e.g. the token lacks its read scope).</summary>
    public string? SkippedReason { get; set; }

    /// <summary>The mode the type ran in: <c>backfill</c> (first or resumed full read) then <c>incremental</c>.</summary>
    public string Mode { get; set; } = "";

    /// <summary>Records written to the mirror (inserted or changed).</summary>
    public long Records { get; set; }

    /// <summary>Records an incremental pass read back unchanged in every writable value (echoes of our own pushes, or
    /// changes of HubSpot-calculated values alone): written to the mirror all the same, but not counted in
    /// <see cref="Records"/>.</summary>
    public long Unchanged { get; set; }

    /// <summary>Association edges written from this type's records.</summary>
    public long Associations { get; set; }

    /// <summary>Records that became tombstones (archived or deleted in HubSpot).</summary>
    public long Deletes { get; set; }

    /// <summary>Merges recorded (a loser id now an alias of its survivor).</summary>
    public long Merges { get; set; }

    /// <summary>HubSpot API calls this type spent.</summary>
    public long ApiCalls { get; set; }

    /// <summary>How long the type took.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>Why the type failed (no secret in it), or null.</summary>
    public string? Error { get; set; }
}

/// <summary>What one run did.</summary>
public sealed class SyncRunResult
{
    /// <summary>The run's id (also in the store's run log).</summary>
    public required string RunId { get; init; }

    /// <summary>The portal synced.</summary>
    public long PortalId { get; init; }

    /// <summary>One entry per object type, in the order they ran.</summary>
    public IReadOnlyList<SyncTypeResult> Types { get; init; } = [];

    /// <summary>The whole run's duration.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>True when every type that was not skipped ended without error.</summary>
    public bool Succeeded => Types.All(t => t.Error is null);
}

/// <summary>A progress report: one object type's counts so far. Types running at once report concurrently.</summary>
/// <param name="ObjectType">The type.</param>
/// <param name="Phase"><c>backfill</c>, <c>incremental</c>, <c>deletes</c> or <c>done</c>.</param>
/// <param name="Records">Records written so far in this run.</param>
/// <param name="ApiCalls">API calls spent so far on this type.</param>
/// <param name="Total">The type's record count in HubSpot when known (a search total read before the backfill), else null.</param>
public sealed record SyncProgress(string ObjectType, string Phase, long Records, long ApiCalls, long? Total = null)
{
    /// <summary>Records read from HubSpot so far in this run (list pages in the backfill, changed records after it).</summary>
    public long RecordsRead { get; init; }

    /// <summary>Time since the type started in this run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary><see cref="RecordsRead"/> per second of <see cref="Elapsed"/>.</summary>
    public double RecordsPerSecond { get; init; }

    /// <summary>Share (0..1) of the portal's 10-second budget the run's client used in the last window; null when unknown.
    /// Shared by every type of the run (one budget).</summary>
    public double? BudgetUsed { get; init; }

    /// <summary>During a backfill whose <see cref="Total"/> is known: the rest at the current rate. Zero once the backfill
    /// is done; otherwise null.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>True once the type's backfill has finished (in this run or an earlier one).</summary>
    public bool BackfillDone { get; init; }
}
