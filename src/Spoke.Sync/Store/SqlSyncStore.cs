using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;

namespace Spoke.Sync.Store;

/// <summary>What a column holds, for the dialect's parameter casts.</summary>
internal enum ColumnKind
{
    Plain,
    Json,
    Time,
    Number,
    Boolean,
}

/// <summary>An object type's table and its typed columns, as the registry has them.</summary>
internal sealed record ObjectTable(string Name, IReadOnlyList<TypedColumnInfo> Columns);

/// <summary>One typed column of an object table.</summary>
internal sealed record TypedColumnInfo(string Property, string Column, SyncColumnType Type);

/// <summary>
/// The SQL mirror shared by <see cref="SqliteSyncStore"/> and <see cref="PostgresSyncStore"/>: the same tables and
/// statements, with the few differences between the two databases (types, casts, locking) left to each.
/// </summary>
public abstract class SqlSyncStore : ISyncStore
{
    private const int IdPage = 5000;
    private readonly ConcurrentDictionary<string, ObjectTable> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Head, string Tail, int Rows), string> _bulkSql = new();
    private readonly Dictionary<string, SyncTypedColumn[]> _configured;

    private protected SqlSyncStore(SyncStoreOptions? options)
    {
        options ??= new SyncStoreOptions();
        Time = options.TimeProvider ?? TimeProvider.System;
        var configured = new Dictionary<string, List<SyncTypedColumn>>(StringComparer.Ordinal);
        foreach (var column in options.TypedColumns)
        {
            ArgumentNullException.ThrowIfNull(column);
            ArgumentException.ThrowIfNullOrWhiteSpace(column.ObjectType);
            ArgumentException.ThrowIfNullOrWhiteSpace(column.Property);
            if (!configured.TryGetValue(column.ObjectType, out var list))
            {
                configured[column.ObjectType] = list = [];
            }

            var same = list.FirstOrDefault(c => c.Property == column.Property);
            if (same is not null && same.Type != column.Type)
            {
                throw new ArgumentException($"The typed column {column.ObjectType}.{column.Property} is configured twice, as {same.Type} and as {column.Type}: keep one.", nameof(options));
            }

            if (same is null)
            {
                list.Add(column);
            }
        }

        _configured = configured.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public abstract string Description { get; }

    internal TimeProvider Time { get; }

    // ---- the dialect ----
    internal abstract string IdType { get; }

    internal abstract string TimeType { get; }

    internal abstract string BoolType { get; }

    internal abstract string JsonType { get; }

    internal abstract string NumberType { get; }

    internal abstract int MaxParameters { get; }

    /// <summary>Rows per multi-row statement: past a point, a longer statement costs more to prepare than it saves.</summary>
    internal abstract int MaxRowsPerStatement { get; }

    internal abstract string Cast(string parameter, ColumnKind kind);

    internal abstract string JsonAsText(string column);

    internal abstract object? TimeValue(DateTimeOffset? value);

    internal abstract object? NumberValue(decimal? value);

    /// <summary>A condition "<paramref name="column"/> is one of <paramref name="ids"/>", its parameters added to <paramref name="parameters"/>.</summary>
    internal abstract string IdIn(string column, IReadOnlyList<string> ids, DynamicParameters parameters);

    internal abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    internal abstract Task<DbTransaction> BeginTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Serializes schema changes (table creation, new columns, migrations) between processes.</summary>
    internal abstract Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Held by a batch from begin to dispose (SQLite: one writer at a time; PostgreSQL: nothing).</summary>
    internal abstract ValueTask<IDisposable?> EnterWriterAsync(CancellationToken cancellationToken);

    internal static DateTimeOffset? ReadTime(object? value) => value switch
    {
        null or DBNull => null,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset o => o.ToUniversalTime(),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new InvalidOperationException($"unexpected time value of type {value.GetType()}"),
    };

    internal static bool ReadBool(object? value) => value is not null and not DBNull && Convert.ToBoolean(value, CultureInfo.InvariantCulture);

    /// <summary>True once the database has the outbox (migration 3): batches then suppress capture, tables get capture triggers.</summary>
    internal bool CapturesChanges { get; private set; }

    /// <summary>True once the database has the edge outbox (migration 5): edits of <c>sync_associations</c> are captured.</summary>
    internal bool CapturesEdges { get; private set; }
    /// <summary>True once the database has <c>sync_outbox.base</c> and <c>sync_conflicts</c> (migration 4): remote writes are then reconciled with pending local changes.</summary>
    internal bool TracksConflicts { get; private set; }

    /// <summary>
    /// Brings the schema up to date, adds configured typed columns to the tables that exist already, and (re)installs
    /// the capture triggers on every object table (tables from before the outbox existed get them here).
    /// </summary>
    internal async Task InitializeAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        await MigrateAsync(migrations, cancellationToken).ConfigureAwait(false);
        CapturesChanges = migrations.Any(m => m.Version == Push.CaptureSql.OutboxMigration);
        CapturesEdges = migrations.Any(m => m.Version == Push.EdgeCaptureSql.EdgeOutboxMigration);
        TracksConflicts = migrations.Any(m => m.Version == Push.CaptureSql.ConflictsMigration);
        if (_configured.Count == 0 && !CapturesChanges)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var writer = await EnterWriterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = await BeginTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            var token = await SuppressCaptureAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var created = new Dictionary<string, ObjectTable>(StringComparer.Ordinal);
            foreach (var objectType in _configured.Keys)
            {
                if (await LoadTableAsync(connection, transaction, objectType, cancellationToken).ConfigureAwait(false) is not null)
                {
                    await EnsureTableAsync(connection, transaction, objectType, created, cancellationToken).ConfigureAwait(false);
                }
            }

            if (CapturesChanges)
            {
                await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var types = await connection.QueryAsync<string>(new CommandDefinition(
                    "SELECT object_type FROM sync_object_types ORDER BY object_type", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                foreach (var objectType in types)
                {
                    if (!created.ContainsKey(objectType) && await LoadTableAsync(connection, transaction, objectType, cancellationToken).ConfigureAwait(false) is { } table)
                    {
                        await InstallCaptureAsync(connection, transaction, objectType, table, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await ReleaseCaptureAsync(connection, transaction, token, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            Committed(created);
        }
        finally
        {
            writer?.Dispose();
        }
    }

    /// <summary>
    /// Marks the transaction as the engine's: the capture triggers skip its writes while the row exists. The row is
    /// inserted and deleted inside the transaction, so no other transaction ever sees it (SQLite has one writer at a
    /// time; PostgreSQL never shows another transaction's uncommitted rows), and a crash rolls it back with the rest.
    /// Returns the token to release, or null when the database has no outbox.
    /// </summary>
    internal async Task<string?> SuppressCaptureAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (!CapturesChanges)
        {
            return null;
        }

        var token = Guid.NewGuid().ToString("N");
        await connection.ExecuteAsync(new CommandDefinition("INSERT INTO sync_capture_suppressed (token) VALUES (@token)", new { token }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return token;
    }

    /// <summary>Deletes the suppression row before commit (see <see cref="SuppressCaptureAsync"/>).</summary>
    internal static async Task ReleaseCaptureAsync(DbConnection connection, DbTransaction transaction, string? token, CancellationToken cancellationToken)
    {
        if (token is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM sync_capture_suppressed WHERE token = @token", new { token }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    // (Re)creates a table's triggers only when their definition changed (a new table, a new typed column, a new Spoke):
    // dropping a trigger locks the table, which an open of the store must not do to a mirror in use.
    private async Task InstallCaptureAsync(DbConnection connection, DbTransaction transaction, string objectType, ObjectTable table, CancellationToken cancellationToken)
    {
        if (!CapturesChanges)
        {
            return;
        }

        var definition = CaptureTriggersSql(objectType, table);
        var installed = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT definition FROM sync_capture_triggers WHERE object_type = @objectType", new { objectType }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (installed == definition)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(definition, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sync_capture_triggers (object_type, definition) VALUES (@objectType, @definition)
            ON CONFLICT (object_type) DO UPDATE SET definition = excluded.definition
            """, new { objectType, definition }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The primary key column type of an auto-numbered table.</summary>
    internal abstract string AutoIdType { get; }

    /// <summary>The current time as the database writes it into a time column.</summary>
    internal abstract string NowSql { get; }

    /// <summary>The trigger on <c>sync_outbox</c> that refuses changes of read-only properties as they are captured.</summary>
    internal abstract string OutboxRefusalSql { get; }

    /// <summary>Migration 4's statements (the outbox's base column, the conflicts table; PostgreSQL's capture function).</summary>
    internal abstract string ConflictsMigrationSql { get; }

    /// <summary>Drops and creates the capture triggers of one object table (its typed columns included).</summary>
    internal abstract string CaptureTriggersSql(string objectType, ObjectTable table);

    // ---- migrations ----
    private async Task MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            await using var transaction = await BeginTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                $"CREATE TABLE IF NOT EXISTS sync_schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at {TimeType} NOT NULL)",
                transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var current = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
                "SELECT MAX(version) FROM sync_schema_version", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
            if (current > latest)
            {
                throw new SyncStoreVersionException(Description, current, latest);
            }

            var next = migrations.FirstOrDefault(m => m.Version > current);
            if (next is null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            await connection.ExecuteAsync(new CommandDefinition(next.Sql(this), transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO sync_schema_version (version, description, applied_at) VALUES (@version, @description, {Cast("@at", ColumnKind.Time)})",
                new { version = next.Version, description = next.Description, at = TimeValue(Time.GetUtcNow()) },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The versions applied to this database, in order (for tests and diagnostics).</summary>
    internal async Task<IReadOnlyList<int>> AppliedVersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var versions = await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM sync_schema_version ORDER BY version", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. versions];
    }

    /// <summary>A connection for tests and tools that query the mirror's tables directly.</summary>
    internal Task<DbConnection> OpenForQueriesAsync(CancellationToken cancellationToken = default) => OpenConnectionAsync(cancellationToken);

    // ---- object tables ----
    internal async Task<ObjectTable> EnsureTableAsync(DbConnection connection, DbTransaction transaction, string objectType, Dictionary<string, ObjectTable> created, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        if (created.TryGetValue(objectType, out var pending))
        {
            return pending;
        }

        var configured = _configured.GetValueOrDefault(objectType) ?? [];
        if (_tables.TryGetValue(objectType, out var known) && Covers(known, configured))
        {
            return known;
        }

        var existing = await LoadTableAsync(connection, transaction, objectType, cancellationToken).ConfigureAwait(false);
        if (existing is not null && Covers(existing, configured))
        {
            _tables[objectType] = existing; // committed state: safe to cache now
            return existing;
        }

        await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        existing = await LoadTableAsync(connection, transaction, objectType, cancellationToken).ConfigureAwait(false);
        var isNew = existing is null;
        if (existing is null)
        {
            var name = Names.Table(objectType);
            var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM sync_object_types WHERE table_name = @name", new { name }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (taken > 0)
            {
                name = Names.Table(objectType, withHash: true); // e.g. "P_Projects" after "p_projects"
            }

            await connection.ExecuteAsync(new CommandDefinition($"""
                CREATE TABLE IF NOT EXISTS {name} (
                    portal_id BIGINT NOT NULL,
                    id {IdType} NOT NULL,
                    properties {JsonType} NOT NULL,
                    created_at {TimeType},
                    updated_at {TimeType},
                    archived {BoolType} NOT NULL DEFAULT FALSE,
                    archived_at {TimeType},
                    merged_into {IdType},
                    PRIMARY KEY (portal_id, id));
                CREATE INDEX IF NOT EXISTS ix_{name}_updated ON {name} (portal_id, updated_at);
                INSERT INTO sync_object_types (object_type, table_name) VALUES (@objectType, @name);
                """, new { objectType, name }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            existing = new ObjectTable(name, []);
        }

        var columns = existing.Columns.ToList();
        foreach (var wanted in configured)
        {
            var have = columns.FirstOrDefault(c => c.Property == wanted.Property);
            if (have is not null)
            {
                if (have.Type != wanted.Type)
                {
                    throw new InvalidOperationException(
                        $"The typed column for {objectType}.{wanted.Property} ({existing.Name}.{have.Column}) is {have.Type}, but the configuration asks for {wanted.Type}. Configure it as {have.Type}, or drop the column and its row in sync_typed_columns to have it rebuilt.");
                }

                continue;
            }

            var column = Names.Column(wanted.Property);
            if (columns.Any(c => c.Column == column))
            {
                column = Names.Column(wanted.Property, withHash: true);
            }

            await connection.ExecuteAsync(new CommandDefinition($"""
                ALTER TABLE {existing.Name} ADD COLUMN {column} {ColumnType(wanted.Type)};
                INSERT INTO sync_typed_columns (object_type, property, column_name, column_type) VALUES (@objectType, @property, @column, @type);
                """, new { objectType, property = wanted.Property, column, type = wanted.Type.ToString() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var info = new TypedColumnInfo(wanted.Property, column, wanted.Type);
            if (!isNew)
            {
                await BackfillAsync(connection, transaction, existing.Name, info, cancellationToken).ConfigureAwait(false);
            }

            columns.Add(info);
        }

        var table = new ObjectTable(existing.Name, columns);
        await InstallCaptureAsync(connection, transaction, objectType, table, cancellationToken).ConfigureAwait(false);
        created[objectType] = table; // cached only when the batch commits
        return table;
    }

    internal void Committed(Dictionary<string, ObjectTable> created)
    {
        foreach (var (type, table) in created)
        {
            _tables[type] = table;
        }
    }

    private static bool Covers(ObjectTable table, SyncTypedColumn[] configured) =>
        configured.All(c => table.Columns.Any(have => have.Property == c.Property && have.Type == c.Type));

    private string ColumnType(SyncColumnType type) => type switch
    {
        SyncColumnType.Number => NumberType,
        SyncColumnType.DateTime => TimeType,
        SyncColumnType.Boolean => BoolType,
        _ => "TEXT",
    };

    internal static ColumnKind KindOf(SyncColumnType type) => type switch
    {
        SyncColumnType.Number => ColumnKind.Number,
        SyncColumnType.DateTime => ColumnKind.Time,
        SyncColumnType.Boolean => ColumnKind.Boolean,
        _ => ColumnKind.Plain,
    };

    internal object? TypedValue(TypedColumnInfo column, string? raw) => column.Type switch
    {
        SyncColumnType.Number => NumberValue(TypedValues.Number(raw)),
        SyncColumnType.DateTime => TimeValue(TypedValues.DateTime(raw)),
        SyncColumnType.Boolean => TypedValues.Boolean(raw),
        _ => raw,
    };

    // Fills a column added over existing rows from their raw JSON, a page at a time (bounded memory).
    private async Task BackfillAsync(DbConnection connection, DbTransaction transaction, string table, TypedColumnInfo column, CancellationToken cancellationToken)
    {
        long afterPortal = long.MinValue;
        var afterId = "";
        while (true)
        {
            var page = (await connection.QueryAsync<RawRow>(new CommandDefinition($"""
                SELECT portal_id AS PortalId, id AS Id, {JsonAsText("properties")} AS Properties FROM {table}
                WHERE portal_id > @afterPortal OR (portal_id = @afterPortal AND id > @afterId)
                ORDER BY portal_id, id LIMIT 1000
                """, new { afterPortal, afterId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
            if (page.Count == 0)
            {
                return;
            }

            var updates = new List<object>();
            foreach (var row in page)
            {
                var properties = PropertyJson.Read(row.Properties);
                if (properties.TryGetValue(column.Property, out var raw) && TypedValue(column, raw) is { } value)
                {
                    updates.Add(new { value, portal = row.PortalId, id = row.Id });
                }
            }

            if (updates.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE {table} SET {column.Column} = {Cast("@value", KindOf(column.Type))} WHERE portal_id = @portal AND id = @id",
                    updates, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            afterPortal = page[^1].PortalId;
            afterId = page[^1].Id;
        }
    }

    private static async Task<ObjectTable?> LoadTableAsync(DbConnection connection, DbTransaction? transaction, string objectType, CancellationToken cancellationToken)
    {
        var name = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT table_name FROM sync_object_types WHERE object_type = @objectType", new { objectType }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (name is null)
        {
            return null;
        }

        var columns = await connection.QueryAsync<(string Property, string Column, string Type)>(new CommandDefinition(
            "SELECT property, column_name, column_type FROM sync_typed_columns WHERE object_type = @objectType ORDER BY column_name",
            new { objectType }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ObjectTable(name, [.. columns.Select(c => new TypedColumnInfo(c.Property, c.Column, Enum.Parse<SyncColumnType>(c.Type)))]);
    }

    private async Task<ObjectTable?> TableForReadAsync(DbConnection connection, string objectType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        return _tables.TryGetValue(objectType, out var known) ? known : await LoadTableAsync(connection, null, objectType, cancellationToken).ConfigureAwait(false);
    }

    // ---- bulk statements ----

    /// <summary>
    /// Runs <c>head VALUES (...), (...) tail</c> over <paramref name="rows"/>, as many rows per statement as the
    /// database's parameter limit and <see cref="MaxRowsPerStatement"/> allow; statement texts are cached per row count.
    /// </summary>
    internal async Task<int> BulkAsync(DbConnection connection, DbTransaction transaction, string head, IReadOnlyList<ColumnKind> kinds, string tail, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var perStatement = Math.Clamp(MaxParameters / kinds.Count, 1, MaxRowsPerStatement);
        var affected = 0;
        for (var offset = 0; offset < rows.Count; offset += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - offset);
            var sql = _bulkSql.GetOrAdd((head, tail, count), key => BuildBulk(key.Head, kinds, key.Tail, key.Rows));
            // Plain ADO here, not Dapper: with hundreds of parameters per statement, Dapper's per-parameter bookkeeping
            // doubled the cost of a page (measured on SQLite).
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
#pragma warning disable CA2100 // the text is built from identifiers this store made safe and numbered placeholders; values are parameters
            command.CommandText = sql;
#pragma warning restore CA2100
            for (var r = 0; r < count; r++)
            {
                var row = rows[offset + r];
                for (var c = 0; c < kinds.Count; c++)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = string.Create(CultureInfo.InvariantCulture, $"@v{r}_{c}");
                    parameter.Value = row[c] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }
            }

            affected += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return affected;
    }

    private string BuildBulk(string head, IReadOnlyList<ColumnKind> kinds, string tail, int rows)
    {
        var sql = new StringBuilder(head).Append(" VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < kinds.Count; c++)
            {
                sql.Append(c == 0 ? "" : ", ").Append(Cast(string.Create(CultureInfo.InvariantCulture, $"@v{r}_{c}"), kinds[c]));
            }

            sql.Append(')');
        }

        return sql.Append(' ').Append(tail).ToString();
    }

    // ---- ISyncStore ----

    /// <inheritdoc/>
    public async Task<ISyncBatch> BeginAsync(long portalId, CancellationToken cancellationToken = default)
    {
        var writer = await EnterWriterAsync(cancellationToken).ConfigureAwait(false);
        DbConnection? connection = null;
        try
        {
            connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await BeginTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            var suppression = await SuppressCaptureAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            return new SqlSyncBatch(this, portalId, connection, transaction, writer, suppression);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            writer?.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<SyncRecordCounts> CountAsync(long portalId, string objectType, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var table = await TableForReadAsync(connection, objectType, cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            return default;
        }

        var (live, archived, merged) = await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition($"""
            SELECT COALESCE(SUM(CASE WHEN archived THEN 0 WHEN merged_into IS NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN archived THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN archived THEN 0 WHEN merged_into IS NULL THEN 0 ELSE 1 END), 0)
            FROM {table.Name} WHERE portal_id = @portalId
            """, new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new SyncRecordCounts(live, archived, merged);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<string> StreamIdsAsync(long portalId, string objectType, bool includeArchived = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? tableName;
        await using (var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            tableName = (await TableForReadAsync(connection, objectType, cancellationToken).ConfigureAwait(false))?.Name;
        }

        if (tableName is null)
        {
            yield break;
        }

        var filter = includeArchived ? "" : "AND NOT archived AND merged_into IS NULL";
        var sql = $"SELECT id FROM {tableName} WHERE portal_id = @portalId AND id > @after {filter} ORDER BY id LIMIT {IdPage}";
        var after = "";
        while (true)
        {
            // One page per connection: no snapshot or connection is held while the caller works on the ids.
            List<string> page;
            await using (var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                page = [.. await connection.QueryAsync<string>(new CommandDefinition(sql, new { portalId, after }, cancellationToken: cancellationToken)).ConfigureAwait(false)];
            }

            foreach (var id in page)
            {
                yield return id;
            }

            if (page.Count < IdPage)
            {
                yield break;
            }

            after = page[^1];
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SyncStoredRecord>> GetRecordsAsync(long portalId, string objectType, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var table = await TableForReadAsync(connection, objectType, cancellationToken).ConfigureAwait(false);
        var records = new List<SyncStoredRecord>();
        if (table is null)
        {
            return records;
        }

        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var parameters = new DynamicParameters(new { portalId });
            var rows = await connection.QueryAsync<RecordRow>(new CommandDefinition($"""
                SELECT id AS Id, {JsonAsText("properties")} AS Properties, created_at AS CreatedAt, updated_at AS UpdatedAt,
                       archived AS Archived, archived_at AS ArchivedAt, merged_into AS MergedInto
                FROM {table.Name} WHERE portal_id = @portalId AND {IdIn("id", chunk, parameters)} ORDER BY id
                """, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            records.AddRange(rows.Select(r => new SyncStoredRecord(r.Id, PropertyJson.Read(r.Properties), ReadTime(r.CreatedAt), ReadTime(r.UpdatedAt), ReadBool(r.Archived), ReadTime(r.ArchivedAt), r.MergedInto)));
        }

        return records;
    }

    /// <inheritdoc/>
    public async Task<string> ResolveIdAsync(long portalId, string objectType, string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var survivor = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT survivor_id FROM sync_id_aliases WHERE portal_id = @portalId AND object_type = @objectType AND alias_id = @id",
            new { portalId, objectType, id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return survivor ?? id;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SyncAssociation>> GetAssociationsAsync(long portalId, string fromType, string fromId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fromType);
        ArgumentException.ThrowIfNullOrWhiteSpace(fromId);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string ToType, string ToId, int TypeId, string Category, string? Label)>(new CommandDefinition("""
            SELECT to_type, to_id, type_id, category, label FROM sync_associations
            WHERE portal_id = @portalId AND from_type = @fromType AND from_id = @fromId
            ORDER BY to_type, to_id, category, type_id
            """, new { portalId, fromType, fromId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new SyncAssociation(fromType, fromId, r.ToType, r.ToId, r.TypeId, r.Category, r.Label))];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> GetAssociationSourcesAsync(long portalId, string fromType, string toType, IReadOnlyCollection<string> toIds,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fromType);
        ArgumentException.ThrowIfNullOrWhiteSpace(toType);
        ArgumentNullException.ThrowIfNull(toIds);
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in toIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var parameters = new DynamicParameters(new { portalId, fromType, toType });
            // ix_sync_associations_to serves the lookup by target.
            var rows = await connection.QueryAsync<string>(new CommandDefinition($"""
                SELECT DISTINCT from_id FROM sync_associations
                WHERE portal_id = @portalId AND to_type = @toType AND {IdIn("to_id", chunk, parameters)} AND from_type = @fromType
                """, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            sources.UnionWith(rows);
        }

        return [.. sources];
    }

    /// <inheritdoc/>
    public async Task<long> CountAssociationsAsync(long portalId, string fromType, string toType, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sync_associations WHERE portal_id = @portalId AND from_type = @fromType AND to_type = @toType",
            new { portalId, fromType, toType }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<string?> GetCheckpointAsync(long portalId, string objectType, string stream, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM sync_checkpoints WHERE portal_id = @portalId AND object_type = @objectType AND stream = @stream",
            new { portalId, objectType, stream }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SyncCheckpoint>> ListCheckpointsAsync(long portalId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<CheckpointRow>(new CommandDefinition("""
            SELECT object_type AS ObjectType, stream AS Stream, value AS Value, updated_at AS UpdatedAt FROM sync_checkpoints
            WHERE portal_id = @portalId ORDER BY object_type, stream
            """, new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new SyncCheckpoint(r.ObjectType, r.Stream, r.Value, ReadTime(r.UpdatedAt)!.Value))];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SyncObjectTable>> ListObjectTypesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string ObjectType, string TableName)>(new CommandDefinition(
            "SELECT object_type, table_name FROM sync_object_types ORDER BY object_type", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new SyncObjectTable(r.ObjectType, r.TableName))];
    }

    /// <inheritdoc/>
    public async Task StartRunAsync(long portalId, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO sync_runs (run_id, portal_id, started_at, status) VALUES (@runId, @portalId, {Cast("@at", ColumnKind.Time)}, @status)",
            new { runId, portalId, at = TimeValue(Time.GetUtcNow()), status = StatusText(SyncRunStatus.Running) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task FinishRunAsync(string runId, SyncRunStatus status, string? countsJson, string? errorMessage, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE sync_runs SET finished_at = {Cast("@at", ColumnKind.Time)}, status = @status, counts_json = @countsJson, error = @error WHERE run_id = @runId",
            new { runId, at = TimeValue(Time.GetUtcNow()), status = StatusText(status), countsJson, error = errorMessage }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated == 0)
        {
            throw new InvalidOperationException($"No run '{runId}' was started in {Description}: call StartRunAsync first.");
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SyncRunEntry>> GetRecentRunsAsync(long portalId, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"""
            SELECT run_id AS RunId, portal_id AS PortalId, started_at AS StartedAt, finished_at AS FinishedAt, status AS Status,
                   counts_json AS CountsJson, error AS Error
            FROM sync_runs WHERE portal_id = @portalId ORDER BY started_at DESC, run_id DESC LIMIT {count.ToString(CultureInfo.InvariantCulture)}
            """, new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new SyncRunEntry(r.RunId, r.PortalId, ReadTime(r.StartedAt)!.Value, ReadTime(r.FinishedAt),
            Enum.TryParse<SyncRunStatus>(r.Status, ignoreCase: true, out var s) ? s : SyncRunStatus.Running, r.CountsJson, r.Error))];
    }

    private static string StatusText(SyncRunStatus status) => status.ToString().ToLowerInvariant();

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    // Dapper materializes these; times and booleans stay object so each database's own type can be read.
#pragma warning disable CA1812
    private sealed class RawRow
    {
        public long PortalId { get; set; }

        public string Id { get; set; } = "";

        public string Properties { get; set; } = "{}";
    }

    private sealed class RecordRow
    {
        public string Id { get; set; } = "";

        public string Properties { get; set; } = "{}";

        public object? CreatedAt { get; set; }

        public object? UpdatedAt { get; set; }

        public object? Archived { get; set; }

        public object? ArchivedAt { get; set; }

        public string? MergedInto { get; set; }
    }

    private sealed class CheckpointRow
    {
        public string ObjectType { get; set; } = "";

        public string Stream { get; set; } = "";

        public string Value { get; set; } = "";

        public object? UpdatedAt { get; set; }
    }

    private sealed class RunRow
    {
        public string RunId { get; set; } = "";

        public long PortalId { get; set; }

        public object? StartedAt { get; set; }

        public object? FinishedAt { get; set; }

        public string Status { get; set; } = "";

        public string? CountsJson { get; set; }

        public string? Error { get; set; }
    }
#pragma warning restore CA1812
}
