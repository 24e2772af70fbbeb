namespace Spoke.DataTools.Journal;

/// <summary>What one import did, as its journal records it (<c>spoke import list</c> and <c>show</c>).</summary>
public sealed record ImportSummary
{
    /// <summary>The import's number in this journal (what <c>spoke import rollback</c> takes).</summary>
    public required long Id { get; init; }

    /// <summary>The object the rows became.</summary>
    public required string ObjectType { get; init; }

    /// <summary>The CSV file, as given.</summary>
    public required string FilePath { get; init; }

    /// <summary>The file's SHA-256 (lowercase hex); a rerun of a file with the same hash resumes the unfinished import.</summary>
    public required string FileSha256 { get; init; }

    /// <summary>The property rows were matched by, or null when every row was created.</summary>
    public string? UpsertBy { get; init; }

    /// <summary><c>running</c> (unfinished: rerun the same command to resume it) or <c>completed</c>.</summary>
    public required string State { get; init; }

    /// <summary>When the import started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it completed; null while unfinished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Rows the journal knows of (written, rejected, or sent without an answer yet).</summary>
    public long Rows { get; init; }

    /// <summary>Records the import created.</summary>
    public long Created { get; init; }

    /// <summary>Existing records the import updated.</summary>
    public long Updated { get; init; }

    /// <summary>Rows rejected (see the rejects file).</summary>
    public long Rejected { get; init; }

    /// <summary>Rows sent whose answer never arrived (a crash); a rerun sends them again.</summary>
    public long Pending { get; init; }

    /// <summary>Associations the import created.</summary>
    public long Associations { get; init; }

    /// <summary>Null when never rolled back; <c>running</c> while a rollback is unfinished; <c>done</c> once rolled back.</summary>
    public string? RollbackState { get; init; }

    /// <summary>When the rollback finished.</summary>
    public DateTimeOffset? RolledBackAt { get; init; }

    /// <summary>Properties the rollback left as they were because someone changed them after the import.</summary>
    public IReadOnlyList<RollbackConflict> RollbackConflicts { get; init; } = [];
}

/// <summary>A property a rollback did not restore because its value is no longer the one the import wrote.</summary>
/// <param name="Line">The CSV line that wrote it.</param>
/// <param name="RecordId">The record.</param>
/// <param name="Property">The property (its values are not repeated here: they may be personal data).</param>
public sealed record RollbackConflict(long Line, string RecordId, string Property);
