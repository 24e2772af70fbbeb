using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Spoke.Webhooks.Inbox;

/// <summary>
/// The default inbox: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a committed append survives a
/// power cut or <c>kill -9</c>. One receiver process per file (SQLite has one writer; handler units of work take the
/// write lock when they first ask for the transaction, so keep the work done after that short).
/// </summary>
public sealed class SqliteWebhookInboxStore : WebhookInboxStore
{
    private readonly string _connectionString;

    public SqliteWebhookInboxStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 60 }.ToString();
    }

    public string Path { get; }

    public override string Kind => "sqlite";

    protected override string Table => "webhook_inbox";

    protected override string CreateSchemaSql => """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS webhook_inbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
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
        """;

    /// <summary>Opens a connection with the durability settings applied (for tools and tests reading the file).</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // synchronous is per connection: FULL makes each commit fsync the WAL before it returns.
        command.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 60000;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await OpenAsync(cancellationToken).ConfigureAwait(false);

    internal override async Task<InboxUnitOfWork?> BeginAsync(InboxEvent inboxEvent, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE (deferred: false): the write lock is taken up front, so the mark cannot hit a busy snapshot.
        return new InboxUnitOfWork(this, connection, null,
            (c, _) => Task.FromResult<DbTransaction>(((SqliteConnection)c).BeginTransaction(deferred: false)), inboxEvent);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        return base.DisposeAsync();
    }
}
