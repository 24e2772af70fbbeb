using Spoke.Crm;
using Spoke.Sync.Store;

namespace Spoke.Sync.Tests.Infrastructure;

/// <summary>
/// Compares a mirror with the portal it mirrors, read through the client: live ids, every property value, tombstones,
/// merges (the loser an alias of its survivor), association roll-ups (<c>num_associated_*</c>) and the association edges
/// between the given types with their type ids, categories and labels (each pair stored from the type earlier in
/// <c>types</c>, as the engine reads it). Shared by the engine tests and the CLI crash test.
/// </summary>
internal static class MirrorAssert
{
    public static async Task EqualToPortalAsync(HubSpotClient client, ISyncStore store, long portalId, IReadOnlyList<string> types)
    {
        var liveByType = new Dictionary<string, List<string>>();
        foreach (var type in types)
        {
            liveByType[type] = await TypeEqualAsync(client, store, portalId, type);
        }

        for (var i = 0; i < types.Count; i++)
        {
            for (var j = i + 1; j < types.Count; j++)
            {
                await EdgesEqualAsync(client, store, portalId, types[i], types[j], liveByType[types[i]]);
            }
        }
    }

    /// <summary>Checks one type; returns its live ids.</summary>
    private static async Task<List<string>> TypeEqualAsync(HubSpotClient client, ISyncStore store, long portalId, string type)
    {
        var records = client.Crm.Objects(type);
        // Association roll-ups (num_associated_contacts …) are compared: their recalculation moves the record's
        // last-modified time (the emulator's AssociationRecalculationTouchesLastModified, UNVERIFIED for HubSpot), so the
        // incremental pass reads them again. Other calculated properties are left out.
        var names = await client.Properties.ListAsync(type)
            .Where(p => !p.Calculated || p.Name.StartsWith("num_associated_", StringComparison.Ordinal)).Select(p => p.Name).ToListAsync();
        var live = await records.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }).Select(r => r.Id).ToListAsync();
        var mirroredLive = await store.StreamIdsAsync(portalId, type).ToListAsync();
        var missing = live.Except(mirroredLive).Take(5).ToList();
        var extra = mirroredLive.Except(live).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{type}: {live.Count} live in the portal, {mirroredLive.Count} in the mirror; missing from the mirror [{string.Join(",", missing)}], live only in the mirror [{string.Join(",", extra)}]");

        foreach (var chunk in live.Chunk(100))
        {
            var read = await records.BatchReadAsync(chunk, new CrmReadOptions { Properties = names });
            var rows = (await store.GetRecordsAsync(portalId, type, chunk)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            foreach (var record in read.Values)
            {
                var row = rows[record.Id];
                Assert.False(row.Archived, $"{type} {record.Id} is live in the portal but a tombstone in the mirror");
                Assert.Null(row.MergedInto);
                foreach (var name in names)
                {
                    var expected = Normalize(record.Properties.GetString(name));
                    var actual = Normalize(row.Properties.TryGetValue(name, out var value) ? value : null);
                    Assert.True(expected == actual, $"{type} {record.Id}.{name}: portal '{expected}', mirror '{actual}'");
                }

                foreach (var loser in record.Properties.GetValues("hs_merged_object_ids").Where(l => l != record.Id))
                {
                    Assert.Equal(record.Id, await store.ResolveIdAsync(portalId, type, loser));
                    var loserRow = (await store.GetRecordsAsync(portalId, type, [loser])).SingleOrDefault();
                    if (loserRow is not null)
                    {
                        Assert.True(loserRow.MergedInto == record.Id, $"{type} {loser} was merged into {record.Id}; the mirror says '{loserRow.MergedInto}'");
                    }
                }
            }
        }

        var archived = await records.ListAsync(new CrmReadOptions { Archived = true, Properties = ["hs_object_id"] }).Select(r => r.Id).ToListAsync();
        foreach (var chunk in archived.Chunk(500))
        {
            foreach (var row in await store.GetRecordsAsync(portalId, type, chunk))
            {
                Assert.True(row.Archived || row.MergedInto is not null, $"{type} {row.Id} is archived in the portal but live in the mirror");
            }
        }

        return live;
    }

    private static async Task EdgesEqualAsync(HubSpotClient client, ISyncStore store, long portalId, string fromType, string toType, List<string> fromIds)
    {
        foreach (var chunk in fromIds.Chunk(100))
        {
            var read = await client.Associations.BatchReadAsync(fromType, toType, chunk);
            var portal = read.Values.ToDictionary(r => r.FromObjectId, r => r.To.SelectMany(to => to.Types.Select(t => $"{to.ToObjectId}/{t.TypeId}/{t.Category}/{t.Label}")).Order(StringComparer.Ordinal).ToList());
            foreach (var id in chunk)
            {
                var expected = portal.TryGetValue(id, out var list) ? list : [];
                var actual = (await store.GetAssociationsAsync(portalId, fromType, id)).Where(e => e.ToType == toType)
                    .Select(e => $"{e.ToId}/{e.TypeId}/{e.Category}/{e.Label}").Order(StringComparer.Ordinal).ToList();
                Assert.True(expected.SequenceEqual(actual),
                    $"{fromType} {id} → {toType}: portal [{string.Join(",", expected)}], mirror [{string.Join(",", actual)}]");
            }
        }
    }

    private static string? Normalize(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
