using System.Data.Common;
using Dapper;
using Npgsql;

namespace Spoke.Sync.Store;

/// <summary>
/// The mirror in a PostgreSQL database (Npgsql), in the connection's schema (<c>Search Path</c> in the connection
/// string picks another). Properties are <c>jsonb</c>, times <c>timestamptz</c>, ids <c>TEXT COLLATE "C"</c> (byte
/// order, the same as SQLite's). Several processes may share the database; schema changes take an advisory lock.
/// </summary>
public sealed class PostgresSyncStore : SqlSyncStore
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresSyncStore(string connectionString, SyncStoreOptions? options)
        : base(options)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        Description = "postgres:" + SyncDatabase.Redact(connectionString);
    }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <summary>Connects and brings the schema up to date (creating the tables in an empty database).</summary>
    /// <exception cref="SyncStoreVersionException">The database was written by a newer Spoke.</exception>
    public static Task<PostgresSyncStore> OpenAsync(string connectionString, SyncStoreOptions? options = null, CancellationToken cancellationToken = default) =>
        OpenAsync(connectionString, options, Migrations.All, cancellationToken);

    internal static async Task<PostgresSyncStore> OpenAsync(string connectionString, SyncStoreOptions? options, IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var store = new PostgresSyncStore(connectionString, options);
        try
        {
            await store.InitializeAsync(migrations, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal override string AutoIdType => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    internal override string NowSql => "now()";

    internal override string OutboxRefusalSql => Push.CaptureSql.PostgresRefusal;

    internal override string ConflictsMigrationSql => Push.CaptureSql.ConflictsPostgres(this);

    internal override string CaptureTriggersSql(string objectType, ObjectTable table) => Push.CaptureSql.Postgres(objectType, table);

    internal override string IdType => "TEXT COLLATE \"C\"";

    internal override string TimeType => "TIMESTAMPTZ";

    internal override string BoolType => "BOOLEAN";

    internal override string JsonType => "JSONB";

    internal override string NumberType => "NUMERIC";

    // PostgreSQL's wire limit is 65535 parameters per statement.
    internal override int MaxParameters => 60_000;

    // Multi-row VALUES types each column from its rows; a column of untyped NULLs would be text. Casts fix the type.
    // one round trip per statement: 500 rows at most in one.
    internal override int MaxRowsPerStatement => 500;

    internal override string Cast(string parameter, ColumnKind kind) => kind switch
    {
        ColumnKind.Json => $"CAST({parameter} AS jsonb)",
        ColumnKind.Time => $"CAST({parameter} AS timestamptz)",
        ColumnKind.Number => $"CAST({parameter} AS numeric)",
        ColumnKind.Boolean => $"CAST({parameter} AS boolean)",
        _ => parameter,
    };

    internal override string JsonAsText(string column) => column + "::text";

    internal override object? TimeValue(DateTimeOffset? value) => value?.ToUniversalTime();

    internal override object? NumberValue(decimal? value) => value;

    internal override string IdIn(string column, IReadOnlyList<string> ids, DynamicParameters parameters)
    {
        parameters.Add("ids", ids.ToArray());
        return $"{column} = ANY(@ids)";
    }

    internal override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    internal override async Task<DbTransaction> BeginTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    // Concurrent CREATE TABLE / ALTER TABLE can collide in the catalogs: writers changing the schema take turns.
    internal override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('spoke.sync.schema'))", transaction: transaction, cancellationToken: cancellationToken));

    internal override ValueTask<IDisposable?> EnterWriterAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <inheritdoc/>
    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
