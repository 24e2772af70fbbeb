using System.Data.Common;
using Dapper;
using Spoke.Sync.Store;

namespace Spoke.Sync.Push;

/// <summary>One captured local change of an association edge (a row of <c>sync_edge_outbox</c>).</summary>
/// <param name="ChangeId">Its number, in capture order.</param>
/// <param name="Edge">The edge: from and to type and id (a local create's provisional id until HubSpot gives it one), type id, category, label.</param>
/// <param name="Kind"><see cref="SyncChangeKind.Create"/> (associate) or <see cref="SyncChangeKind.Delete"/> (dissociate).</param>
/// <param name="CapturedAt">When it was captured.</param>
/// <param name="State">Pending, pushed or rejected.</param>
/// <param name="Reason">Why it was rejected (HubSpot's message, or the record it links being a refused local create).</param>
public sealed record SyncEdgeChange(long ChangeId, SyncAssociation Edge, SyncChangeKind Kind, DateTimeOffset CapturedAt, SyncChangeState State, string? Reason);

/// <summary>
/// The outbox of local association changes (<c>sync_edge_outbox</c>). Triggers on <c>sync_associations</c> fill it
/// when an app inserts or deletes edge rows; an app that would rather not touch the edge table queues its changes here,
/// in its own transaction on the mirror's database. <see cref="SyncPusher"/> pushes them after the record changes.
/// </summary>
public static class SyncEdgeOutbox
{
    private static readonly string[] Categories = ["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"];

    /// <summary>
    /// Queues an association to make in HubSpot. The edge needs from and to type and id, the v4 type id and its category
    /// (<c>HUBSPOT_DEFINED</c> or <c>USER_DEFINED</c>; see <c>Spoke.Associations.AssociationTypes</c>, e.g.
    /// <c>AssociationTypes.ContactToCompany</c> is HUBSPOT_DEFINED 279); the label is optional (HubSpot's wins).
    /// </summary>
    /// <exception cref="ArgumentException">A part of the edge is missing or the category is not one HubSpot knows.</exception>
    public static Task<long> EnqueueAssociateAsync(DbTransaction transaction, long portalId, SyncAssociation edge, CancellationToken cancellationToken = default) =>
        EnqueueAsync(transaction, portalId, edge, "create", cancellationToken);

    /// <summary>Queues an association to remove in HubSpot (only its type when the pair keeps other types, else the pair).</summary>
    /// <exception cref="ArgumentException">A part of the edge is missing or the category is not one HubSpot knows.</exception>
    public static Task<long> EnqueueDissociateAsync(DbTransaction transaction, long portalId, SyncAssociation edge, CancellationToken cancellationToken = default) =>
        EnqueueAsync(transaction, portalId, edge, "delete", cancellationToken);

    /// <summary>How many of the portal's edge changes are pending, pushed and rejected (all zero before migration 5).</summary>
    public static async Task<SyncOutboxCounts> CountAsync(ISyncStore store, long portalId, CancellationToken cancellationToken = default)
    {
        var sql = Sql(store);
        if (!sql.CapturesEdges)
        {
            return default;
        }

        await using var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            "SELECT state, COUNT(*) FROM sync_edge_outbox WHERE portal_id = @portalId GROUP BY state", new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var counts = rows.ToDictionary(r => r.State, r => r.Count, StringComparer.Ordinal);
        return new SyncOutboxCounts(counts.GetValueOrDefault("pending"), counts.GetValueOrDefault("pushed"), counts.GetValueOrDefault("rejected"));
    }

    /// <summary>The portal's edge changes in <paramref name="state"/> (every state when null), oldest first, at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<SyncEdgeChange>> ListAsync(ISyncStore store, long portalId, SyncChangeState? state = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sql = Sql(store);
        if (!sql.CapturesEdges)
        {
            return [];
        }

        await using var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
        return await ListAsync(connection, null, portalId, state, limit, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<IReadOnlyList<SyncEdgeChange>> ListAsync(DbConnection connection, DbTransaction? transaction, long portalId, SyncChangeState? state, int limit, CancellationToken cancellationToken)
    {
        var filter = state is null ? "" : "AND state = @state";
        var rows = await connection.QueryAsync<EdgeRow>(new CommandDefinition($"""
            SELECT change_id AS ChangeId, from_type AS FromType, from_id AS FromId, to_type AS ToType, to_id AS ToId, type_id AS TypeId,
                   category AS Category, label AS Label, kind AS Kind, captured_at AS CapturedAt, state AS State, reason AS Reason
            FROM sync_edge_outbox WHERE portal_id = @portalId {filter} ORDER BY change_id LIMIT {limit}
            """, new { portalId, state = state is { } s ? SyncOutbox.StateName(s) : null }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new SyncEdgeChange(r.ChangeId,
            new SyncAssociation(r.FromType, r.FromId, r.ToType, r.ToId, checked((int)r.TypeId), r.Category, r.Label),
            r.Kind == "delete" ? SyncChangeKind.Delete : SyncChangeKind.Create,
            SqlSyncStore.ReadTime(r.CapturedAt) ?? default,
            r.State switch { "pushed" => SyncChangeState.Pushed, "rejected" => SyncChangeState.Rejected, _ => SyncChangeState.Pending },
            r.Reason))];
    }

    private static SqlSyncStore Sql(ISyncStore store) => store as SqlSyncStore
        ?? throw new ArgumentException($"The edge outbox lives in a SQL mirror (SqliteSyncStore or PostgresSyncStore), not in {store.GetType().Name}.", nameof(store));

    private static async Task<long> EnqueueAsync(DbTransaction transaction, long portalId, SyncAssociation edge, string kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentException.ThrowIfNullOrWhiteSpace(edge.FromType);
        ArgumentException.ThrowIfNullOrWhiteSpace(edge.FromId);
        ArgumentException.ThrowIfNullOrWhiteSpace(edge.ToType);
        ArgumentException.ThrowIfNullOrWhiteSpace(edge.ToId);
        if (edge.TypeId <= 0)
        {
            throw new ArgumentException($"The edge {edge.FromType} {edge.FromId} → {edge.ToType} {edge.ToId} needs HubSpot's association type id (e.g. 279 for contact to company; list them with client.Associations.ListLabelsAsync), not {edge.TypeId}.", nameof(edge));
        }

        if (!Categories.Contains(edge.Category, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The edge {edge.FromType} {edge.FromId} → {edge.ToType} {edge.ToId} has category '{edge.Category}'; use HUBSPOT_DEFINED for HubSpot's own types or USER_DEFINED for the portal's labels.", nameof(edge));
        }

        var connection = transaction.Connection ?? throw new ArgumentException("The transaction has no connection (it was already committed or rolled back).", nameof(transaction));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO sync_edge_outbox (portal_id, from_type, from_id, to_type, to_id, type_id, category, label, kind)
            VALUES (@portalId, @FromType, @FromId, @ToType, @ToId, @TypeId, @Category, @Label, @kind) RETURNING change_id
            """, new { portalId, edge.FromType, edge.FromId, edge.ToType, edge.ToId, edge.TypeId, edge.Category, edge.Label, kind }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class EdgeRow
    {
        public long ChangeId { get; set; }

        public string FromType { get; set; } = "";

        public string FromId { get; set; } = "";

        public string ToType { get; set; } = "";

        public string ToId { get; set; } = "";

        public long TypeId { get; set; }

        public string Category { get; set; } = "";

        public string? Label { get; set; }

        public string Kind { get; set; } = "";

        public object? CapturedAt { get; set; }

        public string State { get; set; } = "";

        public string? Reason { get; set; }
    }
}
