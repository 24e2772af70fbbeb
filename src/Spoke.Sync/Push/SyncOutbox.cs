using System.Data.Common;
using Dapper;
using Spoke.Sync.Store;

namespace Spoke.Sync.Push;

/// <summary>What a captured local change does to a record.</summary>
public enum SyncChangeKind
{
    /// <summary>Changed properties of a record HubSpot has.</summary>
    Update,

    /// <summary>A record made locally (its id is provisional until HubSpot confirms it).</summary>
    Create,

    /// <summary>A record deleted locally: archived in HubSpot.</summary>
    Delete,
}

/// <summary>Where a captured change stands.</summary>
public enum SyncChangeState
{
    /// <summary>Not pushed yet (or its last push failed on the way and is retried).</summary>
    Pending,

    /// <summary>HubSpot confirmed it.</summary>
    Pushed,

    /// <summary>Refused, by HubSpot or at capture, with the reason; never retried.</summary>
    Rejected,

    /// <summary>Overtaken by HubSpot (its value won a conflict, or the record was archived or merged away there), with the reason; never pushed.</summary>
    Superseded,

    /// <summary>Held by an open manual conflict (<see cref="SyncConflicts"/>): not pushed until the conflict is resolved.</summary>
    Held,
}

/// <summary>One captured local change (a row of <c>sync_outbox</c>).</summary>
/// <param name="ChangeId">Its number, in capture order.</param>
/// <param name="ObjectType">The record's object type.</param>
/// <param name="RecordId">The record's id: HubSpot's, or the provisional one of a local create.</param>
/// <param name="Kind">Update, create or delete.</param>
/// <param name="Properties">The changed properties and their new values (a create: every property given); empty for a delete.</param>
/// <param name="CapturedAt">When it was captured.</param>
/// <param name="State">Pending, pushed or rejected.</param>
/// <param name="HubSpotId">The id HubSpot confirmed (a create's real id), once pushed.</param>
/// <param name="Reason">Why it was rejected (HubSpot's message, or the capture's refusal).</param>
public sealed record SyncChange(
    long ChangeId,
    string ObjectType,
    string RecordId,
    SyncChangeKind Kind,
    IReadOnlyDictionary<string, string?> Properties,
    DateTimeOffset CapturedAt,
    SyncChangeState State,
    string? HubSpotId,
    string? Reason);

/// <summary>How many captured changes of a portal are in each state.</summary>
/// <param name="Pending">Waiting to be pushed.</param>
/// <param name="Pushed">Confirmed by HubSpot.</param>
/// <param name="Rejected">Refused, with a reason.</param>
public readonly record struct SyncOutboxCounts(long Pending, long Pushed, long Rejected);

/// <summary>
/// The outbox of local changes (<c>sync_outbox</c>). The mirror's triggers fill it when an app edits the object tables;
/// an app that would rather not touch them enqueues its changes here, in its own transaction on the mirror's database
/// (committed or rolled back with the rest of its work). <see cref="SyncPusher"/> pushes them.
/// </summary>
public static class SyncOutbox
{
    /// <summary>Queues changed properties of a record HubSpot has.</summary>
    /// <exception cref="InvalidOperationException">A property is read-only in HubSpot (nothing is queued).</exception>
    public static Task<long> EnqueueUpdateAsync(DbTransaction transaction, long portalId, string objectType, string id, IReadOnlyDictionary<string, string?> properties, CancellationToken cancellationToken = default) =>
        EnqueueAsync(transaction, portalId, objectType, id, "update", properties, cancellationToken);

    /// <summary>
    /// Queues a record to create. <paramref name="provisionalId"/> names it until HubSpot gives it an id; the record is
    /// created by batch upsert on the type's unique property (<see cref="SyncPushOptions.UniqueProperties"/>), which
    /// <paramref name="properties"/> must hold.
    /// </summary>
    /// <exception cref="InvalidOperationException">A property is read-only in HubSpot (nothing is queued).</exception>
    public static Task<long> EnqueueCreateAsync(DbTransaction transaction, long portalId, string objectType, string provisionalId, IReadOnlyDictionary<string, string?> properties, CancellationToken cancellationToken = default) =>
        EnqueueAsync(transaction, portalId, objectType, provisionalId, "create", properties, cancellationToken);

    /// <summary>Queues a record to archive in HubSpot.</summary>
    public static Task<long> EnqueueDeleteAsync(DbTransaction transaction, long portalId, string objectType, string id, CancellationToken cancellationToken = default) =>
        EnqueueAsync(transaction, portalId, objectType, id, "delete", null, cancellationToken);

    /// <summary>How many of the portal's changes are pending, pushed and rejected.</summary>
    public static async Task<SyncOutboxCounts> CountAsync(ISyncStore store, long portalId, CancellationToken cancellationToken = default)
    {
        var sql = Sql(store);
        await using var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            "SELECT state, COUNT(*) FROM sync_outbox WHERE portal_id = @portalId GROUP BY state", new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var counts = rows.ToDictionary(r => r.State, r => r.Count, StringComparer.Ordinal);
        return new SyncOutboxCounts(counts.GetValueOrDefault("pending"), counts.GetValueOrDefault("pushed"), counts.GetValueOrDefault("rejected"));
    }

    // One indexed lookup (ix_sync_outbox_state): cheap enough for the watch's push loop to ask every 250 ms.
    internal static async Task<bool> HasPendingAsync(ISyncStore store, long portalId, CancellationToken cancellationToken)
    {
        await using var connection = await Sql(store).OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT 1 FROM sync_outbox WHERE portal_id = @portalId AND state = 'pending' LIMIT 1", new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false) is not null;
    }

    /// <summary>The portal's changes in <paramref name="state"/> (every state when null), oldest first, at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<SyncChange>> ListAsync(ISyncStore store, long portalId, SyncChangeState? state = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sql = Sql(store);
        await using var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
        return await ListAsync(connection, null, portalId, state, limit, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<IReadOnlyList<SyncChange>> ListAsync(DbConnection connection, DbTransaction? transaction, long portalId, SyncChangeState? state, int limit, CancellationToken cancellationToken)
    {
        var filter = state is null ? "" : "AND state = @state";
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition($"""
            SELECT change_id AS ChangeId, object_type AS ObjectType, record_id AS RecordId, kind AS Kind, changes AS Changes,
                   captured_at AS CapturedAt, state AS State, hubspot_id AS HubSpotId, reason AS Reason
            FROM sync_outbox WHERE portal_id = @portalId {filter} ORDER BY change_id LIMIT {limit}
            """, new { portalId, state = state is { } s ? StateName(s) : null }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new SyncChange(r.ChangeId, r.ObjectType, r.RecordId, ParseKind(r.Kind),
            r.Changes is null ? new Dictionary<string, string?>() : PropertyJson.Read(r.Changes),
            SqlSyncStore.ReadTime(r.CapturedAt) ?? default, ParseState(r.State), r.HubSpotId, r.Reason))];
    }

    // Settles captured changes inside a push's batch (record changes in sync_outbox, edge changes in sync_edge_outbox):
    // the state, the reason and the push time, and for records the id HubSpot confirmed. 500 ids per statement.
    internal static async Task SettleAsync(SqlSyncBatch batch, SqlSyncStore store, string table, IReadOnlyList<long> changeIds,
        SyncChangeState state, string? reason, string? hubspotId, object? at, CancellationToken cancellationToken)
    {
        var setHubSpotId = table == "sync_outbox" ? ", hubspot_id = @hubspotId" : "";
        foreach (var chunk in changeIds.Chunk(500))
        {
            var parameters = new DynamicParameters(new { state = StateName(state), hubspotId, reason, at });
            var names = chunk.Select((id, i) =>
            {
                var name = "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                parameters.Add(name, id);
                return "@" + name;
            });
            await batch.Connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE {table} SET state = @state{setHubSpotId}, reason = @reason, pushed_at = {store.Cast("@at", ColumnKind.Time)} WHERE change_id IN ({string.Join(", ", names)})",
                parameters, batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    internal static string StateName(SyncChangeState state) => state switch
    {
        SyncChangeState.Pending => "pending",
        SyncChangeState.Pushed => "pushed",
        SyncChangeState.Superseded => "superseded",
        SyncChangeState.Held => "held",
        _ => "rejected",
    };

    private static SyncChangeKind ParseKind(string kind) => kind switch
    {
        "create" => SyncChangeKind.Create,
        "delete" => SyncChangeKind.Delete,
        _ => SyncChangeKind.Update,
    };

    private static SyncChangeState ParseState(string state) => state switch
    {
        "pushed" => SyncChangeState.Pushed,
        "rejected" => SyncChangeState.Rejected,
        "superseded" => SyncChangeState.Superseded,
        "held" => SyncChangeState.Held,
        _ => SyncChangeState.Pending,
    };

    private static SqlSyncStore Sql(ISyncStore store) => store as SqlSyncStore
        ?? throw new ArgumentException($"The outbox lives in a SQL mirror (SqliteSyncStore or PostgresSyncStore), not in {store.GetType().Name}.", nameof(store));

    private static async Task<long> EnqueueAsync(DbTransaction transaction, long portalId, string objectType, string id, string kind, IReadOnlyDictionary<string, string?>? properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var connection = transaction.Connection ?? throw new ArgumentException("The transaction has no connection (it was already committed or rolled back).", nameof(transaction));
        if (kind != "delete")
        {
            ArgumentNullException.ThrowIfNull(properties);
            if (properties.Count == 0)
            {
                throw new ArgumentException($"A {kind} of {objectType} {id} needs at least one property.", nameof(properties));
            }

            var readOnly = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT name FROM sync_properties WHERE portal_id = @portalId AND object_type = @objectType AND read_only ORDER BY name",
                new { portalId, objectType }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false))
                .Where(properties.ContainsKey).ToList();
            if (readOnly.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{string.Join(", ", readOnly)} read-only in HubSpot (HubSpot sets the value itself): the {kind} of {objectType} {id} was not queued. Leave those properties out.");
            }
        }

        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes) VALUES (@portalId, @objectType, @id, @kind, @changes) RETURNING change_id",
            new { portalId, objectType, id, kind, changes = properties is null ? null : PropertyJson.Write(properties) }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class OutboxRow
    {
        public long ChangeId { get; set; }

        public string ObjectType { get; set; } = "";

        public string RecordId { get; set; } = "";

        public string Kind { get; set; } = "";

        public string? Changes { get; set; }

        public object? CapturedAt { get; set; }

        public string State { get; set; } = "";

        public string? HubSpotId { get; set; }

        public string? Reason { get; set; }
    }
}
