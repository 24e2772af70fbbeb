using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Spoke.DataTools.Journal;

/// <summary>
/// The import journal: a SQLite file (default <c>spoke-imports.db</c>) recording, per import, what it is and, per row,
/// whether it was sent, written or rejected, the record it wrote, whether it created it, the previous values of the
/// properties it changed and the associations it added. Each batch is journalled before it is sent and its outcome after,
/// each in one transaction (WAL, synchronous=FULL), so a <c>kill -9</c> at any point loses nothing: a rerun resumes.
/// </summary>
public sealed class ImportJournal : IAsyncDisposable
{
    /// <summary>The journal file used when none is named: <c>spoke-imports.db</c> in the working directory.</summary>
    public const string DefaultFileName = "spoke-imports.db";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            uid TEXT NOT NULL UNIQUE,
            object_type TEXT NOT NULL,
            file_path TEXT NOT NULL,
            file_sha256 TEXT NOT NULL,
            upsert_by TEXT,
            id_property TEXT NOT NULL,
            state TEXT NOT NULL,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT,
            server_offset_ms INTEGER,
            rollback_state TEXT,
            rolled_back_at TEXT);
        CREATE INDEX imports_by_file ON imports (object_type, file_sha256, state);
        CREATE TABLE import_rows (
            import_id INTEGER NOT NULL REFERENCES imports (id),
            line INTEGER NOT NULL,
            state TEXT NOT NULL,
            record_id TEXT,
            created INTEGER NOT NULL DEFAULT 0,
            first_sent_at TEXT,
            sends INTEGER NOT NULL DEFAULT 0,
            previous_values TEXT,
            written_values TEXT,
            reasons TEXT,
            rolled_back INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (import_id, line)) WITHOUT ROWID;
        CREATE TABLE import_associations (
            import_id INTEGER NOT NULL REFERENCES imports (id),
            line INTEGER NOT NULL,
            from_id TEXT NOT NULL,
            to_type TEXT NOT NULL,
            to_id TEXT NOT NULL,
            type_id INTEGER NOT NULL,
            category TEXT,
            rolled_back INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (import_id, from_id, to_type, to_id, type_id)) WITHOUT ROWID;
        CREATE TABLE rollback_conflicts (
            import_id INTEGER NOT NULL REFERENCES imports (id),
            line INTEGER NOT NULL,
            record_id TEXT NOT NULL,
            property TEXT NOT NULL,
            PRIMARY KEY (import_id, line, property)) WITHOUT ROWID;
        """,
    ];

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    // One connection, one writer at a time: batches in flight journal through it in turn (each transaction is short).
    private readonly SemaphoreSlim _gate = new(1, 1);

    private ImportJournal(SqliteConnection connection, string path, TimeProvider time)
    {
        _connection = connection;
        Path = path;
        _time = time;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating when missing) a journal file and brings its schema up to date.</summary>
    /// <param name="path">The SQLite file.</param>
    /// <param name="timeProvider">The clock for the journal's times (default the system's).</param>
    /// <param name="cancellationToken">Stops the open.</param>
    public static async Task<ImportJournal> OpenAsync(string path, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // WAL with FULL sync: a committed batch survives kill -9 and power loss alike.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;").ConfigureAwait(false);
            await MigrateAsync(connection).ConfigureAwait(false);
            return new ImportJournal(connection, full, timeProvider ?? TimeProvider.System);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task MigrateAsync(SqliteConnection connection)
    {
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)").ConfigureAwait(false);
        var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations").ConfigureAwait(false)).ToHashSet();
        for (var i = 0; i < Migrations.Length; i++)
        {
            if (applied.Contains(i + 1))
            {
                continue;
            }

            using var tx = connection.BeginTransaction();
            await connection.ExecuteAsync(Migrations[i], transaction: tx).ConfigureAwait(false);
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)",
                new { v = i + 1, at = Stamp(DateTimeOffset.UtcNow) }, tx).ConfigureAwait(false);
            tx.Commit();
        }
    }

    /// <summary>Every import in this journal, newest first.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    public async Task<IReadOnlyList<ImportSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = await LockedAsync(() => _connection.QueryAsync<long>("SELECT id FROM imports ORDER BY id DESC"), cancellationToken).ConfigureAwait(false);
        var list = new List<ImportSummary>();
        foreach (var id in ids)
        {
            list.Add((await GetAsync(id, cancellationToken).ConfigureAwait(false))!);
        }

        return list;
    }

    /// <summary>One import, or null when this journal has none with that id.</summary>
    /// <param name="importId">The import's number.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public Task<ImportSummary?> GetAsync(long importId, CancellationToken cancellationToken = default) => LockedAsync(async () =>
    {
        var row = await _connection.QuerySingleOrDefaultAsync<ImportRow>(
            "SELECT id AS Id, uid AS Uid, object_type AS ObjectType, file_path AS FilePath, file_sha256 AS FileSha256, upsert_by AS UpsertBy, id_property AS IdProperty, state AS State, started_at AS StartedAt, finished_at AS FinishedAt, server_offset_ms AS ServerOffsetMs, rollback_state AS RollbackState, rolled_back_at AS RolledBackAt FROM imports WHERE id = @importId",
            new { importId }).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var counts = await _connection.QuerySingleAsync<CountsRow>("""
            SELECT COUNT(*) AS Rows,
                   COALESCE(SUM(state = 'written' AND created = 1), 0) AS Created,
                   COALESCE(SUM(state = 'written' AND created = 0), 0) AS Updated,
                   COALESCE(SUM(state = 'rejected'), 0) AS Rejected,
                   COALESCE(SUM(state = 'sent'), 0) AS Pending,
                   (SELECT COUNT(*) FROM import_associations a WHERE a.import_id = @importId) AS Associations
            FROM import_rows WHERE import_id = @importId
            """, new { importId }).ConfigureAwait(false);
        var conflicts = await _connection.QueryAsync<ConflictRow>(
            "SELECT line AS Line, record_id AS RecordId, property AS Property FROM rollback_conflicts WHERE import_id = @importId ORDER BY line, property",
            new { importId }).ConfigureAwait(false);
        return (ImportSummary?)new ImportSummary
        {
            Id = row.Id,
            ObjectType = row.ObjectType,
            FilePath = row.FilePath,
            FileSha256 = row.FileSha256,
            UpsertBy = row.UpsertBy,
            State = row.State,
            StartedAt = Parse(row.StartedAt),
            FinishedAt = row.FinishedAt is null ? null : Parse(row.FinishedAt),
            Rows = counts.Rows,
            Created = counts.Created,
            Updated = counts.Updated,
            Rejected = counts.Rejected,
            Pending = counts.Pending,
            Associations = counts.Associations,
            RollbackState = row.RollbackState,
            RolledBackAt = row.RolledBackAt is null ? null : Parse(row.RolledBackAt),
            RollbackConflicts = [.. conflicts.Select(c => new RollbackConflict(c.Line, c.RecordId, c.Property))],
        };
    }, cancellationToken);

    internal Task<ImportRow?> FindImportAsync(long importId, CancellationToken cancellationToken) => LockedAsync(() =>
        _connection.QuerySingleOrDefaultAsync<ImportRow>(
            "SELECT id AS Id, uid AS Uid, object_type AS ObjectType, file_path AS FilePath, file_sha256 AS FileSha256, upsert_by AS UpsertBy, id_property AS IdProperty, state AS State, started_at AS StartedAt, finished_at AS FinishedAt, server_offset_ms AS ServerOffsetMs, rollback_state AS RollbackState, rolled_back_at AS RolledBackAt FROM imports WHERE id = @importId",
            new { importId }), cancellationToken);

    /// <summary>The unfinished import of this file (by hash) into this object with this upsert property, if any.</summary>
    internal Task<ImportRow?> FindUnfinishedAsync(string objectType, string fileSha256, string? upsertBy, CancellationToken cancellationToken) => LockedAsync(() =>
        _connection.QueryFirstOrDefaultAsync<ImportRow>(
            "SELECT id AS Id, uid AS Uid, object_type AS ObjectType, file_path AS FilePath, file_sha256 AS FileSha256, upsert_by AS UpsertBy, id_property AS IdProperty, state AS State, started_at AS StartedAt, finished_at AS FinishedAt, server_offset_ms AS ServerOffsetMs, rollback_state AS RollbackState, rolled_back_at AS RolledBackAt FROM imports WHERE object_type = @objectType AND file_sha256 = @fileSha256 AND upsert_by IS @upsertBy AND state = 'running' ORDER BY id DESC",
            new { objectType, fileSha256, upsertBy }), cancellationToken);

    internal Task<ImportRow> StartAsync(string objectType, string filePath, string fileSha256, string? upsertBy, string idProperty, CancellationToken cancellationToken) =>
        LockedAsync(async () =>
        {
            // A random uid, not the journal's number, goes into spoke_import_key values: two journals (two machines) both
            // have an import 1, and their creates must never match each other's records.
            var uid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var now = Stamp(_time.GetUtcNow());
            var id = await _connection.ExecuteScalarAsync<long>("""
                INSERT INTO imports (uid, object_type, file_path, file_sha256, upsert_by, id_property, state, started_at, updated_at)
                VALUES (@uid, @objectType, @filePath, @fileSha256, @upsertBy, @idProperty, 'running', @now, @now);
                SELECT last_insert_rowid();
                """, new { uid, objectType, filePath, fileSha256, upsertBy, idProperty, now }).ConfigureAwait(false);
            return new ImportRow
            {
                Id = id, Uid = uid, ObjectType = objectType, FilePath = filePath, FileSha256 = fileSha256, UpsertBy = upsertBy,
                IdProperty = idProperty, State = "running", StartedAt = now,
            };
        }, cancellationToken);

    /// <summary>Every row the journal has for an import: its state, when first sent, and the reasons of a rejected one.</summary>
    internal Task<Dictionary<long, JournalRowState>> RowStatesAsync(long importId, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        var rows = await _connection.QueryAsync<RowStateRow>(
            "SELECT line AS Line, state AS State, first_sent_at AS FirstSentAt, reasons AS Reasons FROM import_rows WHERE import_id = @importId",
            new { importId }).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Line, r => new JournalRowState(r.State, r.FirstSentAt is null ? null : Parse(r.FirstSentAt),
            r.Reasons is null ? [] : JsonSerializer.Deserialize(r.Reasons, JournalJson.Default.ListString) ?? []));
    }, cancellationToken);

    /// <summary>Journals a batch as sent (before it is sent); returns when its rows were first sent (earlier, for a resend).</summary>
    internal Task<DateTimeOffset> MarkSentAsync(long importId, IReadOnlyList<long> lines, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        var now = Stamp(_time.GetUtcNow());
        using var tx = _connection.BeginTransaction();
        await _connection.ExecuteAsync("""
            INSERT INTO import_rows (import_id, line, state, first_sent_at, sends) VALUES (@importId, @line, 'sent', @now, 1)
            ON CONFLICT (import_id, line) DO UPDATE SET state = 'sent', sends = sends + 1, first_sent_at = COALESCE(first_sent_at, excluded.first_sent_at)
            """, lines.Select(line => new { importId, line, now }), tx).ConfigureAwait(false);
        var first = await _connection.ExecuteScalarAsync<string>(
            $"SELECT MIN(first_sent_at) FROM import_rows WHERE import_id = @importId AND line IN ({string.Join(',', lines.Select(l => l.ToString(CultureInfo.InvariantCulture)))})",
            new { importId }, tx).ConfigureAwait(false);
        tx.Commit();
        return Parse(first!);
    }, cancellationToken);

    /// <summary>Journals rows rejected (by validation, or by HubSpot) with every reason.</summary>
    internal Task RecordRejectedAsync(long importId, IReadOnlyList<(long Line, IReadOnlyList<string> Reasons)> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.CompletedTask : RecordOutcomeAsync(importId, [], rows, [], null, cancellationToken);

    /// <summary>Journals a batch's outcome in one transaction: rows written, rows rejected, associations created.</summary>
    internal Task RecordOutcomeAsync(long importId, IReadOnlyList<WrittenRow> written, IReadOnlyList<(long Line, IReadOnlyList<string> Reasons)> rejected,
        IReadOnlyList<CreatedAssociation> associations, long? serverOffsetMs, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        using var tx = _connection.BeginTransaction();
        await _connection.ExecuteAsync("""
            INSERT INTO import_rows (import_id, line, state, record_id, created, previous_values, written_values) VALUES (@importId, @Line, 'written', @RecordId, @Created, @Previous, @Written)
            ON CONFLICT (import_id, line) DO UPDATE SET state = 'written', record_id = excluded.record_id, created = excluded.created,
                previous_values = excluded.previous_values, written_values = excluded.written_values, reasons = NULL
            """, written.Select(w => new
        {
            importId, w.Line, w.RecordId, Created = w.Created ? 1 : 0,
            Previous = w.PreviousValues.Count == 0 ? null : JsonSerializer.Serialize(w.PreviousValues, JournalJson.Default.DictionaryStringString),
            Written = w.PreviousValues.Count == 0 ? null : JsonSerializer.Serialize(w.WrittenValues, JournalJson.Default.DictionaryStringString),
        }), tx).ConfigureAwait(false);
        await _connection.ExecuteAsync("""
            INSERT INTO import_rows (import_id, line, state, reasons) VALUES (@importId, @Line, 'rejected', @Reasons)
            ON CONFLICT (import_id, line) DO UPDATE SET state = 'rejected', reasons = excluded.reasons
            """, rejected.Select(r => new { importId, r.Line, Reasons = JsonSerializer.Serialize(r.Reasons.ToList(), JournalJson.Default.ListString) }), tx).ConfigureAwait(false);
        await _connection.ExecuteAsync("""
            INSERT OR IGNORE INTO import_associations (import_id, line, from_id, to_type, to_id, type_id, category)
            VALUES (@importId, @Line, @FromId, @ToType, @ToId, @TypeId, @Category)
            """, associations.Select(a => new { importId, a.Line, a.FromId, a.ToType, a.ToId, TypeId = a.TypeId ?? 0, a.Category }), tx).ConfigureAwait(false);
        await _connection.ExecuteAsync("UPDATE imports SET updated_at = @now, server_offset_ms = COALESCE(@serverOffsetMs, server_offset_ms) WHERE id = @importId",
            new { importId, now = Stamp(_time.GetUtcNow()), serverOffsetMs }, tx).ConfigureAwait(false);
        tx.Commit();
    }, cancellationToken);

    internal Task CompleteAsync(long importId, CancellationToken cancellationToken) => LockedAsync(() =>
        _connection.ExecuteAsync("UPDATE imports SET state = 'completed', finished_at = @now, updated_at = @now WHERE id = @importId",
            new { importId, now = Stamp(_time.GetUtcNow()) }), cancellationToken);

    // Rollback.

    internal Task<List<RollbackRow>> RowsToRollBackAsync(long importId, CancellationToken cancellationToken) => LockedAsync(async () =>
        (await _connection.QueryAsync<RollbackRow>(
            "SELECT line AS Line, record_id AS RecordId, created AS Created, previous_values AS PreviousValues, written_values AS WrittenValues FROM import_rows WHERE import_id = @importId AND state = 'written' AND rolled_back = 0 ORDER BY line",
            new { importId }).ConfigureAwait(false)).ToList(), cancellationToken);

    internal Task<List<CreatedAssociation>> AssociationsToRollBackAsync(long importId, CancellationToken cancellationToken) => LockedAsync(async () =>
        (await _connection.QueryAsync<AssociationRow>(
            "SELECT line AS Line, from_id AS FromId, to_type AS ToType, to_id AS ToId, type_id AS TypeId, category AS Category FROM import_associations WHERE import_id = @importId AND rolled_back = 0",
            new { importId }).ConfigureAwait(false)).Select(a => new CreatedAssociation(a.Line, a.FromId, a.ToType, a.ToId, a.TypeId == 0 ? null : (int)a.TypeId, a.Category)).ToList(),
        cancellationToken);

    internal Task SetRollbackStateAsync(long importId, string state, CancellationToken cancellationToken) => LockedAsync(() =>
        _connection.ExecuteAsync("UPDATE imports SET rollback_state = @state, rolled_back_at = CASE WHEN @state = 'done' THEN @now ELSE rolled_back_at END, updated_at = @now WHERE id = @importId",
            new { importId, state, now = Stamp(_time.GetUtcNow()) }), cancellationToken);

    internal Task MarkRolledBackAsync(long importId, IReadOnlyList<long> lines, IReadOnlyList<RollbackConflict> conflicts, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        using var tx = _connection.BeginTransaction();
        await _connection.ExecuteAsync("UPDATE import_rows SET rolled_back = 1 WHERE import_id = @importId AND line = @line",
            lines.Select(line => new { importId, line }), tx).ConfigureAwait(false);
        await _connection.ExecuteAsync("INSERT OR IGNORE INTO rollback_conflicts (import_id, line, record_id, property) VALUES (@importId, @Line, @RecordId, @Property)",
            conflicts.Select(c => new { importId, c.Line, c.RecordId, c.Property }), tx).ConfigureAwait(false);
        tx.Commit();
    }, cancellationToken);

    internal Task MarkAssociationsRolledBackAsync(long importId, IReadOnlyList<CreatedAssociation> associations, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        using var tx = _connection.BeginTransaction();
        await _connection.ExecuteAsync("UPDATE import_associations SET rolled_back = 1 WHERE import_id = @importId AND from_id = @FromId AND to_type = @ToType AND to_id = @ToId AND type_id = @TypeId",
            associations.Select(a => new { importId, a.FromId, a.ToType, a.ToId, TypeId = a.TypeId ?? 0 }), tx).ConfigureAwait(false);
        tx.Commit();
    }, cancellationToken);

    private async Task<T> LockedAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LockedAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private sealed class CountsRow
    {
        public long Rows { get; set; }
        public long Created { get; set; }
        public long Updated { get; set; }
        public long Rejected { get; set; }
        public long Pending { get; set; }
        public long Associations { get; set; }
    }

    private sealed class ConflictRow
    {
        public long Line { get; set; }
        public string RecordId { get; set; } = "";
        public string Property { get; set; } = "";
    }

    private sealed class RowStateRow
    {
        public long Line { get; set; }
        public string State { get; set; } = "";
        public string? FirstSentAt { get; set; }
        public string? Reasons { get; set; }
    }

    private sealed class AssociationRow
    {
        public long Line { get; set; }
        public string FromId { get; set; } = "";
        public string ToType { get; set; } = "";
        public string ToId { get; set; } = "";
        public long TypeId { get; set; }
        public string? Category { get; set; }
    }
}

/// <summary>An import's journal entry.</summary>
internal sealed class ImportRow
{
    public long Id { get; set; }
    public string Uid { get; set; } = "";
    public string ObjectType { get; set; } = "";
    public string FilePath { get; set; } = "";
    public string FileSha256 { get; set; } = "";
    public string? UpsertBy { get; set; }
    public string IdProperty { get; set; } = "";
    public string State { get; set; } = "";
    public string StartedAt { get; set; } = "";
    public string? FinishedAt { get; set; }
    public long? ServerOffsetMs { get; set; }
    public string? RollbackState { get; set; }
    public string? RolledBackAt { get; set; }
}

/// <summary>What the journal knows of one row: <c>sent</c>, <c>written</c> or <c>rejected</c>.</summary>
internal sealed record JournalRowState(string State, DateTimeOffset? FirstSentAt, IReadOnlyList<string> Reasons);

/// <summary>A row HubSpot wrote: its record, whether this import created it, and the values it replaced (only those it changed).</summary>
internal sealed record WrittenRow(long Line, string RecordId, bool Created, IReadOnlyDictionary<string, string?> PreviousValues, IReadOnlyDictionary<string, string?> WrittenValues);

/// <summary>An association an import created (type id null for the default one).</summary>
internal sealed record CreatedAssociation(long Line, string FromId, string ToType, string ToId, int? TypeId, string? Category);

/// <summary>A written row, as a rollback reads it.</summary>
internal sealed class RollbackRow
{
    public long Line { get; set; }
    public string RecordId { get; set; } = "";
    public long Created { get; set; }
    public string? PreviousValues { get; set; }
    public string? WrittenValues { get; set; }
}
