using System.Data.Common;
using Dapper;

namespace Spoke.Sync.Store;

/// <summary>What <see cref="SyncMirrorEraser.EraseAsync"/> removed: rows per table, and the record ids they belonged to.</summary>
/// <param name="RowsByTable">Rows deleted per table (the object's own table under its name, e.g. <c>obj_contacts</c>), tables with none left out.</param>
/// <param name="RecordIds">The ids erased: those asked for, and the records merged into them (which hold their earlier values).</param>
public sealed record SyncEraseResult(IReadOnlyDictionary<string, long> RowsByTable, IReadOnlyList<string> RecordIds)
{
    /// <summary>Rows deleted in all.</summary>
    public long TotalRows => RowsByTable.Values.Sum();
}

/// <summary>
/// Purges records from a sync mirror for good (a GDPR erasure): the record's row, the rows of records merged into it,
/// every association edge from or to them, their pending and settled outbox entries (record and edge), their
/// conflicts (which hold local and HubSpot values) and their id aliases, in one transaction, without capturing any of it
/// as a local change to push. On SQLite the deleted content is overwritten (<c>secure_delete</c>) and the WAL is
/// truncated after the commit, so the file keeps no copy; on PostgreSQL the deleted rows stay in dead tuples until the
/// table is vacuumed (and in WAL archives and backups you keep): vacuum the tables named in the result.
/// </summary>
public static class SyncMirrorEraser
{
    /// <summary>Erases the records <paramref name="ids"/> of <paramref name="objectType"/> (the name the mirror uses, e.g. <c>contacts</c>) from the portal's mirror.</summary>
    /// <exception cref="ArgumentException">The store is not a SQL mirror, or no id was given.</exception>
    public static async Task<SyncEraseResult> EraseAsync(ISyncStore store, long portalId, string objectType, IReadOnlyCollection<string> ids,
        CancellationToken cancellationToken = default)
    {
        var sql = store as SqlSyncStore
            ?? throw new ArgumentException($"Erasure works on a SQL mirror (SqliteSyncStore or PostgresSyncStore), not on {store?.GetType().Name}.", nameof(store));
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0 || ids.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Give the ids of the records to erase.", nameof(ids));
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var erased = new SortedSet<string>(ids, StringComparer.Ordinal);
        var sqlite = sql is SqliteSyncStore;
        await using (var batch = (SqlSyncBatch)await sql.BeginAsync(portalId, cancellationToken).ConfigureAwait(false))
        {
            var connection = batch.Connection;
            var transaction = batch.Transaction;
            if (sqlite)
            {
                // Deleted content is overwritten with zeros rather than left in free pages.
                await connection.ExecuteAsync(new CommandDefinition("PRAGMA secure_delete = ON", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            // Records merged into these (and aliases pointing at them) hold the same person's earlier values: erased too.
            erased.UnionWith(await QueryIdsAsync(sql, connection, transaction, portalId, objectType, "alias_id", "sync_id_aliases", "survivor_id", [.. erased], cancellationToken).ConfigureAwait(false));

            var table = await TableNameAsync(connection, transaction, objectType, cancellationToken).ConfigureAwait(false);
            if (table is not null)
            {
                erased.UnionWith(await QueryIdsAsync(sql, connection, transaction, portalId, null, "id", table, "merged_into", [.. erased], cancellationToken).ConfigureAwait(false));
            }

            List<string> all = [.. erased];
            if (table is not null)
            {
                Add(counts, table, await DeleteAsync(sql, connection, transaction, portalId, table, null, "id", all, cancellationToken).ConfigureAwait(false));
            }

            Add(counts, "sync_associations", await DeleteEdgesAsync(sql, connection, transaction, portalId, "sync_associations", objectType, all, cancellationToken).ConfigureAwait(false));
            if (sql.CapturesEdges)
            {
                Add(counts, "sync_edge_outbox", await DeleteEdgesAsync(sql, connection, transaction, portalId, "sync_edge_outbox", objectType, all, cancellationToken).ConfigureAwait(false));
            }

            if (sql.CapturesChanges)
            {
                Add(counts, "sync_outbox", await DeleteAsync(sql, connection, transaction, portalId, "sync_outbox", objectType, "record_id", all, cancellationToken).ConfigureAwait(false)
                    + await DeleteAsync(sql, connection, transaction, portalId, "sync_outbox", objectType, "hubspot_id", all, cancellationToken).ConfigureAwait(false));
            }

            if (sql.TracksConflicts)
            {
                Add(counts, "sync_conflicts", await DeleteAsync(sql, connection, transaction, portalId, "sync_conflicts", objectType, "record_id", all, cancellationToken).ConfigureAwait(false));
            }

            Add(counts, "sync_id_aliases", await DeleteAsync(sql, connection, transaction, portalId, "sync_id_aliases", objectType, "alias_id", all, cancellationToken).ConfigureAwait(false)
                + await DeleteAsync(sql, connection, transaction, portalId, "sync_id_aliases", objectType, "survivor_id", all, cancellationToken).ConfigureAwait(false));
            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (sqlite)
        {
            // The WAL still holds the pages as they were before the erase: checkpoint them into the file and empty it.
            await using var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        return new SyncEraseResult(counts, [.. erased]);
    }

    private static void Add(Dictionary<string, long> counts, string table, long rows)
    {
        if (rows > 0)
        {
            counts[table] = counts.GetValueOrDefault(table) + rows;
        }
    }

    private static Task<string?> TableNameAsync(DbConnection connection, DbTransaction transaction, string objectType, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT table_name FROM sync_object_types WHERE object_type = @objectType", new { objectType }, transaction, cancellationToken: cancellationToken));

    private static async Task<IEnumerable<string>> QueryIdsAsync(SqlSyncStore sql, DbConnection connection, DbTransaction transaction, long portalId, string? objectType,
        string select, string table, string column, List<string> ids, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { portalId, objectType });
        var typeCondition = objectType is null ? "" : "AND object_type = @objectType ";
        return await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT {select} FROM {table} WHERE portal_id = @portalId {typeCondition}AND {sql.IdIn(column, ids, parameters)}",
            parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static Task<int> DeleteAsync(SqlSyncStore sql, DbConnection connection, DbTransaction transaction, long portalId, string table, string? objectType,
        string column, List<string> ids, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { portalId, objectType });
        var typeCondition = objectType is null ? "" : "AND object_type = @objectType ";
        return connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM {table} WHERE portal_id = @portalId {typeCondition}AND {sql.IdIn(column, ids, parameters)}",
            parameters, transaction, cancellationToken: cancellationToken));
    }

    private static async Task<long> DeleteEdgesAsync(SqlSyncStore sql, DbConnection connection, DbTransaction transaction, long portalId, string table, string objectType,
        List<string> ids, CancellationToken cancellationToken)
    {
        long deleted = 0;
        foreach (var (typeColumn, idColumn) in new[] { ("from_type", "from_id"), ("to_type", "to_id") })
        {
            var parameters = new DynamicParameters(new { portalId, objectType });
            deleted += await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM {table} WHERE portal_id = @portalId AND {typeColumn} = @objectType AND {sql.IdIn(idColumn, ids, parameters)}",
                parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        return deleted;
    }
}
