using Spoke.Sync.Store;

namespace Spoke.Sync.Engine;

/// <summary>
/// Tells an echo from a remote change: a record read back from HubSpot whose writable values all equal the mirror's is
/// the echo of our own push (the pusher already wrote HubSpot's answer back), or a change of HubSpot-calculated values
/// alone. Neither is a change anyone made, so neither may count as one. Shared by the watcher's webhook batches and the
/// engine's incremental pass so both count alike.
/// </summary>
internal static class EchoFilter
{
    // HubSpot moves these on every write, our own pushes included; nobody can push them.
    private static readonly string[] SystemProperties = ["hs_lastmodifieddate", "lastmodifieddate"];

    /// <summary>Properties HubSpot sets itself (calculated, or modificationMetadata.readOnlyValue), as the last pass stored
    /// them; only the system ones on a store that keeps no such flag (then every other difference counts as a change).</summary>
    public static async Task<HashSet<string>> ReadOnlyPropertiesAsync(ISyncStore store, long portalId, string type, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(SystemProperties, StringComparer.Ordinal);
        if (store is SqlSyncStore { CapturesChanges: true } sql)
        {
            await using var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
            names.UnionWith(await Dapper.SqlMapper.QueryAsync<string>(connection, new Dapper.CommandDefinition(
                "SELECT name FROM sync_properties WHERE portal_id = @portalId AND object_type = @type AND read_only",
                new { portalId, type }, cancellationToken: cancellationToken)).ConfigureAwait(false));
        }

        return names;
    }

    /// <summary>The ids of <paramref name="incoming"/> records whose writable values (all but <paramref name="readOnly"/>)
    /// equal the mirror's live row. A record the mirror lacks, or holds as a tombstone, is a change.</summary>
    public static async Task<HashSet<string>> UnchangedAsync(ISyncStore store, long portalId, string type, IReadOnlyList<SyncRecord> incoming, HashSet<string> readOnly,
        CancellationToken cancellationToken)
    {
        var same = new HashSet<string>(StringComparer.Ordinal);
        if (incoming.Count == 0)
        {
            return same;
        }

        var stored = (await store.GetRecordsAsync(portalId, type, [.. incoming.Select(r => r.Id)], cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var record in incoming)
        {
            if (stored.GetValueOrDefault(record.Id) is not { Archived: false } row)
            {
                continue;
            }

            var differs = record.Properties.Keys.Concat(row.Properties.Keys).Where(k => !readOnly.Contains(k))
                .Any(k => !string.Equals(record.Properties.GetValueOrDefault(k), row.Properties.GetValueOrDefault(k), StringComparison.Ordinal));
            if (!differs)
            {
                same.Add(record.Id);
            }
        }

        return same;
    }
}
