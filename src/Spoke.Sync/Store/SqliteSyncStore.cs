using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Spoke.Sync.Store;

/// <summary>
/// The mirror in one SQLite file (the default). The file is in WAL mode and commits use <c>synchronous=NORMAL</c>: a
/// committed batch survives <c>kill -9</c> of the process (a power cut may undo the last few commits, whole, never
/// half of one). Batches of one store run one at a time; readers never wait for them. Times are ISO 8601 text in UTC
/// (<c>2024-01-31T12:00:00.000Z</c>), booleans 0/1.
/// </summary>
public sealed class SqliteSyncStore : SqlSyncStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteSyncStore(string path, SyncStoreOptions? options)
        : base(options)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public override string Description => "sqlite:" + Path;

    /// <summary>Opens the file (creating it and its folder if missing) and brings its schema up to date.</summary>
    /// <exception cref="SyncStoreVersionException">The file was written by a newer Spoke.</exception>
    public static Task<SqliteSyncStore> OpenAsync(string path, SyncStoreOptions? options = null, CancellationToken cancellationToken = default) =>
        OpenAsync(path, options, Migrations.All, cancellationToken);

    internal static async Task<SqliteSyncStore> OpenAsync(string path, SyncStoreOptions? options, IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var store = new SqliteSyncStore(full, options);
        try
        {
            await using (var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                // WAL is a property of the file: set once, kept by every later connection.
                await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await store.InitializeAsync(migrations, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal override string AutoIdType => "INTEGER PRIMARY KEY AUTOINCREMENT";

    internal override string NowSql => Push.CaptureSql.SqliteNow;

    internal override string OutboxRefusalSql => Push.CaptureSql.SqliteRefusal;

    internal override string ConflictsMigrationSql => Push.CaptureSql.ConflictsSqlite(this);

    internal override string CaptureTriggersSql(string objectType, ObjectTable table) => Push.CaptureSql.Sqlite(objectType, table, TracksConflicts);

    internal override string IdType => "TEXT";

    internal override string TimeType => "TEXT";

    internal override string BoolType => "INTEGER";

    internal override string JsonType => "TEXT";

    internal override string NumberType => "NUMERIC";

    // SQLite's limit is 32766 host parameters; stay well below it.
    internal override int MaxParameters => 30_000;

    // SQLite re-prepares each statement: 100 rows at most in one.
    internal override int MaxRowsPerStatement => 100;

    internal override string Cast(string parameter, ColumnKind kind) => parameter;

    internal override string JsonAsText(string column) => column;

    internal override object? TimeValue(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // NUMERIC affinity keeps integers exact; a fraction is stored as REAL.
    internal override object? NumberValue(decimal? value) => value switch
    {
        null => null,
        { } d when decimal.Truncate(d) == d && d >= long.MinValue && d <= long.MaxValue => (long)d,
        { } d => (double)d,
    };

    internal override string IdIn(string column, IReadOnlyList<string> ids, DynamicParameters parameters)
    {
        var names = new string[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            names[i] = string.Create(CultureInfo.InvariantCulture, $"@id{i}");
            parameters.Add(names[i], ids[i]);
        }

        return $"{column} IN ({string.Join(", ", names)})";
    }

    internal override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Per connection (pooled ones keep it): NORMAL in WAL mode loses nothing committed to a process crash.
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // BEGIN IMMEDIATE: the write lock is taken up front, so a batch never fails later on a busy snapshot.
    internal override async Task<DbTransaction> BeginTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);

    internal override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    internal override async ValueTask<IDisposable?> EnterWriterAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_writer);
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
