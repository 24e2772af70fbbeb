using System.Data.Common;
using Spoke.Webhooks.Events;

namespace Spoke.Webhooks.Inbox;

/// <summary>
/// The durable inbox. Events are appended (deduplicated by key) before the receiver answers 200; the dispatcher takes
/// each object's oldest pending event, runs its handlers in a unit of work whose transaction also marks it processed,
/// and records failures, retries and dead letters. SQLite (<see cref="SqliteWebhookInboxStore"/>) and PostgreSQL
/// (<see cref="PostgresWebhookInboxStore"/>) share this SQL; they differ in connections and locking.
/// </summary>
public abstract class WebhookInboxStore : IAsyncDisposable
{
    private bool _initialized;
    private readonly SemaphoreSlim _initLock = new(1, 1);

    /// <summary>Table name (schema-qualified where the database has schemas).</summary>
    protected abstract string Table { get; }

    /// <summary>A short name for logs and metrics: <c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Opens a connection for reads and handler transactions.</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>The connection appends use: the one whose commit is the promise behind the 200.</summary>
    protected virtual Task<DbConnection> OpenAppendConnectionAsync(CancellationToken cancellationToken) => OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Serialises this process's write transactions where the database has a single writer (SQLite), so writers
    /// queue in order instead of sleep-polling on a busy file. Null where writers do not block each other.
    /// </summary>
    internal virtual ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>The SQL that creates the inbox's table and indexes if they do not exist (idempotent).</summary>
    protected abstract string CreateSchemaSql { get; }

    /// <summary>Starts handling one event: null when another dispatcher holds it or it is no longer pending.</summary>
    internal abstract Task<InboxUnitOfWork?> BeginAsync(InboxEvent inboxEvent, CancellationToken cancellationToken);

    /// <summary>Creates the schema if needed; safe to call more than once and from several processes.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = CreateSchemaSql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>
    /// Appends the events of several requests in ONE transaction (group commit) and returns, per request, how many of
    /// its events were new (the rest were duplicates of stored events). Nothing is acknowledged before this returns.
    /// </summary>
    internal async Task<int[]> AppendAsync(IReadOnlyList<IReadOnlyList<ParsedWebhookEvent>> requests, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAppendConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var writing = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var received = now.ToUnixTimeMilliseconds();
        var inserted = new int[requests.Count];
        for (var r = 0; r < requests.Count; r++)
        {
            // One multi-row statement per request (at most 100 events): its row count is the request's new events.
            for (var offset = 0; offset < requests[r].Count; offset += MaxRowsPerInsert)
            {
                var rows = Math.Min(MaxRowsPerInsert, requests[r].Count - offset);
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = InsertSql(rows);
                for (var i = 0; i < rows; i++)
                {
                    var e = requests[r][offset + i];
                    AddParameter(command, $"@k{i}", e.DedupeKey);
                    AddParameter(command, $"@t{i}", e.Event.SubscriptionType);
                    AddParameter(command, $"@o{i}", e.ObjectKey);
                    AddParameter(command, $"@a{i}", e.Event.OccurredAtMs);
                    AddParameter(command, $"@j{i}", e.Json);
                }

                AddParameter(command, "@received", received);
                inserted[r] += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        EventsAppended?.Invoke(this, EventArgs.Empty);
        return inserted;
    }

    /// <summary>
    /// Raised after appended events have committed (before the receiver answers 200), so a consumer that reads the inbox
    /// itself (<see cref="GetPendingAsync"/>) can look at once instead of on its next poll.
    /// </summary>
    public event EventHandler? EventsAppended;

    /// <summary>
    /// For a consumer that handles events in batches itself instead of through the dispatcher (run it with
    /// <see cref="HubSpotWebhookOptions.RunDispatcher"/> false, or it would handle them too): up to <paramref name="max"/>
    /// pending events, oldest first. They stay pending until <see cref="MarkProcessedAsync(IReadOnlyCollection{long}, DateTimeOffset, CancellationToken)"/>: a consumer that dies
    /// before it gets them again.
    /// </summary>
    public async Task<IReadOnlyList<InboxEvent>> GetPendingAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, dedupe_key, subscription_type, object_key, occurred_at, event_json, attempts FROM {Table} WHERE status = 0 ORDER BY id LIMIT @max";
        AddParameter(command, "@max", (long)max);
        var events = new List<InboxEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new InboxEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5), reader.GetInt32(6)));
        }

        return events;
    }

    /// <summary>
    /// Marks pending events processed in one transaction, once the consumer's effects have committed elsewhere (a crash
    /// in between leaves them pending, so the effects must be idempotent). <paramref name="processedAt"/> is recorded as
    /// their finish time. Returns how many were still pending.
    /// </summary>
    public async Task<int> MarkProcessedAsync(IReadOnlyCollection<long> ids, DateTimeOffset processedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return 0;
        }

        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var writing = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var marked = 0;
        foreach (var chunk in ids.Chunk(MaxRowsPerInsert))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"UPDATE {Table} SET status = 1, finished_at = @finished, last_error = NULL WHERE status = 0 AND id IN ("
                + string.Join(", ", chunk.Select((_, i) => $"@i{i}")) + ")";
            AddParameter(command, "@finished", processedAt.ToUnixTimeMilliseconds());
            for (var i = 0; i < chunk.Length; i++)
            {
                AddParameter(command, $"@i{i}", chunk[i]);
            }

            marked += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return marked;
    }

    private const int MaxRowsPerInsert = 100;
    private readonly string?[] _insertSql = new string?[MaxRowsPerInsert + 1];

    private string InsertSql(int rows) => _insertSql[rows] ??=
        $"INSERT INTO {Table} (dedupe_key, subscription_type, object_key, occurred_at, event_json, received_at, status, attempts, next_attempt_at) VALUES "
        + string.Join(", ", Enumerable.Range(0, rows).Select(i => $"(@k{i}, @t{i}, @o{i}, @a{i}, @j{i}, @received, 0, 0, 0)"))
        + " ON CONFLICT (dedupe_key) DO NOTHING";

    /// <summary>
    /// Pending events that may run now: only the oldest pending event of each object (by <c>occurredAt</c>, then
    /// arrival), so one object's events run in order; a head waiting for a retry holds its object back.
    /// </summary>
    internal async Task<IReadOnlyList<InboxEvent>> GetReadyAsync(int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT e.id, e.dedupe_key, e.subscription_type, e.object_key, e.occurred_at, e.event_json, e.attempts
            FROM {Table} e
            WHERE e.status = 0 AND e.next_attempt_at <= @now
              AND NOT EXISTS (SELECT 1 FROM {Table} p WHERE p.status = 0 AND p.object_key = e.object_key
                              AND (p.occurred_at < e.occurred_at OR (p.occurred_at = e.occurred_at AND p.id < e.id)))
            ORDER BY e.id
            LIMIT @max
            """;
        AddParameter(command, "@now", now.ToUnixTimeMilliseconds());
        AddParameter(command, "@max", (long)max);
        var events = new List<InboxEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new InboxEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5), reader.GetInt32(6)));
        }

        return events;
    }

    /// <summary>
    /// The event as it is now if it is still pending, due, and its object's oldest pending event; otherwise null.
    /// </summary>
    internal async Task<InboxEvent?> GetIfReadyAsync(InboxEvent inboxEvent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT e.attempts FROM {Table} e
            WHERE e.id = @id AND e.status = 0 AND e.next_attempt_at <= @now
              AND NOT EXISTS (SELECT 1 FROM {Table} p WHERE p.status = 0 AND p.object_key = e.object_key
                              AND (p.occurred_at < e.occurred_at OR (p.occurred_at = e.occurred_at AND p.id < e.id)))
            """;
        AddParameter(command, "@id", inboxEvent.Id);
        AddParameter(command, "@now", now.ToUnixTimeMilliseconds());
        var attempts = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return attempts is null or DBNull ? null : inboxEvent with { Attempts = Convert.ToInt32(attempts, System.Globalization.CultureInfo.InvariantCulture) };
    }

    /// <summary>The earliest future time a pending event's retry is due, if any waits.</summary>
    internal async Task<DateTimeOffset?> NextRetryDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Only future times: a retry already due is found by the next look at the ready events.
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MIN(next_attempt_at) FROM {Table} WHERE status = 0 AND next_attempt_at > @now";
        AddParameter(command, "@now", now.ToUnixTimeMilliseconds());
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Records a failed attempt: a retry at <paramref name="retryAt"/>, or a dead letter when it is null.</summary>
    internal async Task RecordFailureAsync(long id, int attempts, string reason, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var writing = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {Table} SET attempts = @attempts, last_error = @reason, next_attempt_at = @next, status = @status, finished_at = @finished WHERE id = @id AND status = 0";
        AddParameter(command, "@attempts", attempts);
        AddParameter(command, "@reason", reason);
        AddParameter(command, "@next", retryAt?.ToUnixTimeMilliseconds() ?? 0L);
        AddParameter(command, "@status", retryAt is null ? InboxStatus.DeadLettered : InboxStatus.Pending);
        AddParameter(command, "@finished", retryAt is null ? now.ToUnixTimeMilliseconds() : (object)DBNull.Value);
        AddParameter(command, "@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every dead-lettered event, oldest first.</summary>
    public async Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, dedupe_key, subscription_type, object_key, occurred_at, attempts, last_error, finished_at FROM {Table} WHERE status = 2 ORDER BY id";
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetInt32(5), reader.IsDBNull(6) ? "" : reader.GetString(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.IsDBNull(7) ? 0 : reader.GetInt64(7))));
        }

        return letters;
    }

    /// <summary>Puts dead letters back in line with a fresh attempt count: those in <paramref name="ids"/>, or all when null. Returns how many.</summary>
    public async Task<int> ReplayDeadLettersAsync(IReadOnlyCollection<long>? ids, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var writing = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE {Table} SET status = 0, attempts = 0, next_attempt_at = 0, finished_at = NULL WHERE status = 2" + (ids is null ? "" : " AND id = @id");
        var replayed = 0;
        if (ids is null)
        {
            replayed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var id = AddParameter(command, "@id", 0L);
            foreach (var value in ids)
            {
                id.Value = value;
                replayed += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return replayed;
    }

    /// <summary>How many events are pending, processed and dead-lettered.</summary>
    public async Task<InboxCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT status, COUNT(*) FROM {Table} GROUP BY status";
        long pending = 0, processed = 0, dead = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = reader.GetInt64(1);
            switch (reader.GetInt32(0))
            {
                case InboxStatus.Pending: pending = count; break;
                case InboxStatus.Processed: processed = count; break;
                default: dead = count; break;
            }
        }

        return new InboxCounts(pending, processed, dead);
    }

    /// <summary>Marks the event processed inside <paramref name="transaction"/>; false when it no longer was pending.</summary>
    internal async Task<bool> MarkProcessedAsync(DbConnection connection, DbTransaction transaction, long id, int attempts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE {Table} SET status = 1, attempts = @attempts, finished_at = @finished, last_error = NULL WHERE id = @id AND status = 0";
        AddParameter(command, "@attempts", attempts);
        AddParameter(command, "@finished", now.ToUnixTimeMilliseconds());
        AddParameter(command, "@id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Adds a named parameter to <paramref name="command"/> (values never go into SQL text).</summary>
    protected static DbParameter AddParameter(DbCommand command, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Releases the store's connections.</summary>
    public virtual ValueTask DisposeAsync()
    {
        _initLock.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
