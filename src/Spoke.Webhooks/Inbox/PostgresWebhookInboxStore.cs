using System.Data.Common;
using Npgsql;

namespace Spoke.Webhooks.Inbox;

/// <summary>
/// The PostgreSQL inbox (Npgsql). Several receiver instances may share it: a unit of work locks its event row
/// (<c>FOR UPDATE SKIP LOCKED</c>) for as long as its transaction lives, so a crashed instance's claim ends with its
/// connection and another instance picks the event up.
/// </summary>
public sealed class PostgresWebhookInboxStore : WebhookInboxStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;

    /// <summary>An inbox in the <c>webhook_inbox</c> table of <paramref name="schema"/> (letters, digits and underscores only). Several receivers may share it.</summary>
    public PostgresWebhookInboxStore(string connectionString, string schema = "public")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        if (!schema.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException("The schema name may hold only letters, digits and underscores.", nameof(schema));
        }

        _schema = schema;
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc/>
    public override string Kind => "postgres";

    /// <inheritdoc/>
    protected override string Table => $"\"{_schema}\".webhook_inbox";

    // Concurrent CREATE ... IF NOT EXISTS can still collide in PostgreSQL's catalogs: instances starting together
    // take turns on an advisory lock.
    /// <inheritdoc/>
    protected override string CreateSchemaSql => $"""
        BEGIN;
        SELECT pg_advisory_xact_lock(hashtext('spoke.webhooks.schema'));
        CREATE SCHEMA IF NOT EXISTS "{_schema}";
        CREATE TABLE IF NOT EXISTS {Table} (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            dedupe_key TEXT NOT NULL UNIQUE,
            subscription_type TEXT NOT NULL,
            object_key TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,
            event_json TEXT NOT NULL,
            received_at BIGINT NOT NULL,
            status INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            last_error TEXT,
            finished_at BIGINT);
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_pending_object ON {Table} (object_key, occurred_at, id) WHERE status = 0;
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_pending ON {Table} (id) WHERE status = 0;
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_dead ON {Table} (id) WHERE status = 2;
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_retry ON {Table} (next_attempt_at) WHERE status = 0;
        COMMIT;
        """;

    /// <summary>Opens a connection to the inbox's database (for handlers' own tables and for tools).</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await OpenAsync(cancellationToken).ConfigureAwait(false);

    internal override async Task<InboxUnitOfWork?> BeginAsync(InboxEvent inboxEvent, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT id FROM {Table} WHERE id = @id AND status = 0 FOR UPDATE SKIP LOCKED";
            command.Parameters.AddWithValue("@id", inboxEvent.Id);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            return new InboxUnitOfWork(this, connection, transaction, (_, _) => Task.FromResult<DbTransaction>(transaction), inboxEvent);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
