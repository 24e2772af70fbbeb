using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Spoke.Webhooks.Inbox;

/// <summary>
/// The default inbox: one SQLite file in WAL mode. Appends commit with <c>synchronous=FULL</c>, so an acknowledged
/// event survives a power cut or <c>kill -9</c>. Handler units of work commit with <c>synchronous=NORMAL</c> unless
/// <c>fullSyncForHandlerCommits</c>: that too survives <c>kill -9</c>, and a power cut can only undo the
/// last processed marks together with the effects written in the same transactions, so those events run again,
/// never half; the next FULL append fsyncs them anyway. One receiver process per file: SQLite has one writer, and this
/// process queues its writers (appends, units of work from their first <c>GetTransactionAsync</c>) on one lock; and two
/// dispatchers on one file would each run the same pending events. So an owning store holds an exclusive lock on
/// <c>FILE.lock</c> from construction to dispose (the operating system drops it when the process dies, <c>kill -9</c>
/// included) and a second owner fails with <see cref="WebhookInboxInUseException"/>.
/// </summary>
public sealed class SqliteWebhookInboxStore : WebhookInboxStore
{
    private readonly string _connectionString;
    private readonly bool _fullSyncForHandlerCommits;
    private readonly SemaphoreSlim _writer = new(1, 1);

    private readonly FileStream? _ownership;

    /// <param name="path">The inbox file (created if missing).</param>
    /// <param name="fullSyncForHandlerCommits">Also fsync handler commits (see the class remarks).</param>
    /// <param name="exclusive">
    /// True (a receiver): take the file's lock, failing with <see cref="WebhookInboxInUseException"/> when another
    /// process (or store) holds it. False: a tool beside the running receiver (listing or replaying dead letters,
    /// reading counts); it never dispatches.
    /// </param>
    public SqliteWebhookInboxStore(string path, bool fullSyncForHandlerCommits = false, bool exclusive = true)
    {
        _fullSyncForHandlerCommits = fullSyncForHandlerCommits;
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        if (exclusive)
        {
            try
            {
                // FileShare.None is an exclusive advisory lock (flock on Unix): held by this open handle only, released by
                // dispose or by the kernel when the process dies. The lock file stays; only the lock matters.
                _ownership = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new WebhookInboxInUseException(Path, e);
            }
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 60 }.ToString();
    }

    /// <summary>The inbox file.</summary>
    public string Path { get; }

    /// <summary>The file whose exclusive lock makes this process the inbox's only owner: <c>Path + ".lock"</c>.</summary>
    public string LockPath => Path + ".lock";

    /// <inheritdoc/>
    public override string Kind => "sqlite";

    /// <inheritdoc/>
    protected override string Table => "webhook_inbox";

    /// <inheritdoc/>
    protected override string CreateSchemaSql => """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS webhook_inbox (
            id INTEGER PRIMARY KEY,
            dedupe_key TEXT NOT NULL UNIQUE,
            subscription_type TEXT NOT NULL,
            object_key TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            event_json TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            status INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            finished_at INTEGER);
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_pending_object ON webhook_inbox (object_key, occurred_at, id) WHERE status = 0;
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_pending ON webhook_inbox (id) WHERE status = 0;
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_dead ON webhook_inbox (id) WHERE status = 2;
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_retry ON webhook_inbox (next_attempt_at) WHERE status = 0;
        """;

    /// <summary>Opens a connection with the durability settings applied (for tools and tests reading the file).</summary>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default) => OpenAsync(fullSync: true, cancellationToken);

    private async Task<SqliteConnection> OpenAsync(bool fullSync, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // synchronous is per connection (and pooled connections keep it): FULL fsyncs the WAL on every commit.
        command.CommandText = fullSync ? "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 60000;" : "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await OpenAsync(_fullSyncForHandlerCommits, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenAppendConnectionAsync(CancellationToken cancellationToken) =>
        await OpenAsync(fullSync: true, cancellationToken).ConfigureAwait(false);

    internal override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_writer);
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

    internal override async Task<InboxUnitOfWork?> BeginAsync(InboxEvent inboxEvent, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(_fullSyncForHandlerCommits, cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE (deferred: false): the write lock is taken up front, so the mark cannot hit a busy snapshot.
        return new InboxUnitOfWork(this, connection, null,
            (c, _) => Task.FromResult<DbTransaction>(((SqliteConnection)c).BeginTransaction(deferred: false)), inboxEvent);
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _writer.Dispose();
        _ownership?.Dispose();
        return base.DisposeAsync();
    }
}
