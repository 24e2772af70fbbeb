namespace Spoke.DataTools.Import;

/// <summary>Options of <see cref="Importer"/>.</summary>
public sealed class ImportOptions
{
    /// <summary>Where rejected rows go (default <c>FILE.rejects.csv</c> next to <c>FILE.csv</c>).</summary>
    public string? RejectsPath { get; init; }

    /// <summary>Batches of 100 rows in flight at once (default 10). The client's rate-limit gate paces them, so more only
    /// helps while answers are slower than the gate's ceiling.</summary>
    public int MaxBatchesInFlight { get; init; } = 10;

    /// <summary>
    /// Margin taken off the instant HubSpot first received a batch, as estimated from this machine's clock and the
    /// server's timestamps (default none: the estimate is already never later than that instant, see the README). Values
    /// HubSpot stamped from that instant on count as written by this import's own (lost or retried) sends, older ones as
    /// the values it replaced. Give it a little if this machine's clock may jump back while an import runs.
    /// </summary>
    public TimeSpan ClockSkewAllowance { get; init; }

    /// <summary>The clock the journal's times come from.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>How far an import has got, reported after each batch.</summary>
public sealed record ImportProgress
{
    /// <summary>The import's number in the journal.</summary>
    public required long ImportId { get; init; }

    /// <summary>When this run resumes an unfinished import: the first line it had not finished; otherwise null.</summary>
    public long? ResumedAtLine { get; init; }

    /// <summary>Rows read from the file so far (including those an earlier run finished).</summary>
    public long RowsRead { get; init; }

    /// <summary>Rows an earlier run of this import had already finished (skipped).</summary>
    public long Skipped { get; init; }

    /// <summary>Records created so far in this run.</summary>
    public long Created { get; init; }

    /// <summary>Records updated so far in this run.</summary>
    public long Updated { get; init; }

    /// <summary>Rows rejected so far (including those an earlier run rejected).</summary>
    public long Rejected { get; init; }

    /// <summary>Associations created so far in this run.</summary>
    public long Associations { get; init; }
}

/// <summary>What an import did, over all its runs (the journal's figures), and how long this run took.</summary>
public sealed record ImportResult
{
    /// <summary>The import's number in the journal (<c>spoke import rollback ID</c>).</summary>
    public required long ImportId { get; init; }

    /// <summary>When this run resumed an unfinished import, the first line it had not finished.</summary>
    public long? ResumedAtLine { get; init; }

    /// <summary>Rows in the file.</summary>
    public long Rows { get; init; }

    /// <summary>Records created.</summary>
    public long Created { get; init; }

    /// <summary>Existing records updated.</summary>
    public long Updated { get; init; }

    /// <summary>Rows rejected (each in the rejects file with every reason).</summary>
    public long Rejected { get; init; }

    /// <summary>Associations created.</summary>
    public long Associations { get; init; }

    /// <summary>The rejects file, or null when no row was rejected.</summary>
    public string? RejectsPath { get; init; }

    /// <summary>Records written by this run (for its rate).</summary>
    public long WrittenThisRun { get; init; }

    /// <summary>How long this run took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Records written per second by this run.</summary>
    public double RecordsPerSecond => Elapsed > TimeSpan.Zero ? WrittenThisRun / Elapsed.TotalSeconds : 0;
}
