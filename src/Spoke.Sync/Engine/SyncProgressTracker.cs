namespace Spoke.Sync.Engine;

/// <summary>
/// One object type's progress figures for a run: records read, the total HubSpot reported (for an ETA), rate, the rate
/// budget used, and whether the backfill is done. Time comes from the engine's <see cref="TimeProvider"/>. Touched only
/// by its type's sync (one flow at a time); <see cref="Snapshot"/> makes an immutable report.
/// </summary>
internal sealed class SyncProgressTracker(string objectType, TimeProvider time, Func<double?>? budgetUsed = null)
{
    private readonly long _started = time.GetTimestamp();

    public string ObjectType => objectType;

    /// <summary>Records read from HubSpot in this run (list pages, records changed since the bookmark).</summary>
    public long RecordsRead { get; private set; }

    /// <summary>The records HubSpot counts for the type (a search total), when known.</summary>
    public long? Total { get; set; }

    /// <summary>Records the mirror already held from this backfill before the run (a resumed backfill): they count as done.</summary>
    public long AlreadyDone { get; set; }

    public bool BackfillDone { get; set; }

    public void Read(long records) => RecordsRead += records;

    public SyncProgress Snapshot(string phase, long recordsWritten, long apiCalls)
    {
        var elapsed = time.GetElapsedTime(_started);
        var perSecond = elapsed > TimeSpan.Zero ? RecordsRead / elapsed.TotalSeconds : 0;
        TimeSpan? remaining = null;
        if (phase == "backfill" && Total is { } total && perSecond > 0)
        {
            remaining = TimeSpan.FromSeconds(Math.Max(0, total - AlreadyDone - RecordsRead) / perSecond);
        }
        else if (BackfillDone)
        {
            remaining = TimeSpan.Zero;
        }

        return new SyncProgress(objectType, phase, recordsWritten, apiCalls, Total)
        {
            RecordsRead = RecordsRead,
            Elapsed = elapsed,
            RecordsPerSecond = perSecond,
            BudgetUsed = budgetUsed?.Invoke(),
            EstimatedRemaining = remaining,
            BackfillDone = BackfillDone,
        };
    }
}
