using Spoke.Associations;
using Spoke.Crm;
using Spoke.Sync.Store;

namespace Spoke.Sync.Engine;

/// <summary>What HubSpot answered, as the mirror stores it: one mapping for the engine's passes and the watcher's batches.</summary>
internal static class SyncMapping
{
    /// <summary>HubSpot lists the ids a record absorbed by merges here.</summary>
    public const string MergedIdsProperty = "hs_merged_object_ids";

    /// <summary>The merges <paramref name="records"/> name that the mirror does not hold yet: each absorbed id with its survivor.</summary>
    public static async Task<List<(string Loser, string Survivor)>> NewMergesAsync(ISyncStore store, long portalId, string type, IEnumerable<CrmObject> records,
        CancellationToken cancellationToken)
    {
        var merges = new List<(string Loser, string Survivor)>();
        foreach (var record in records)
        {
            foreach (var loser in record.Properties.GetValues(MergedIdsProperty))
            {
                if (loser != record.Id && await store.ResolveIdAsync(portalId, type, loser, cancellationToken).ConfigureAwait(false) != record.Id)
                {
                    merges.Add((loser, record.Id));
                }
            }
        }

        return merges;
    }

    /// <summary>A record as the mirror keeps it (HubSpot's default timestamps as unknown).</summary>
    public static SyncRecord ToSyncRecord(CrmObject o) =>
        new(o.Id, o.Properties, o.CreatedAt == default ? null : o.CreatedAt, o.UpdatedAt == default ? null : o.UpdatedAt, o.Archived, o.ArchivedAt);

    /// <summary>A v4 batch read's answer as edges, one per association type of each associated pair.</summary>
    public static List<SyncAssociation> ToSyncEdges(IEnumerable<RecordAssociations> answer, string fromType, string toType) =>
        [.. answer.SelectMany(r => r.To.SelectMany(to => to.Types.Select(t =>
            new SyncAssociation(fromType, r.FromObjectId, toType, to.ToObjectId, t.TypeId, t.Category.ToString(), t.Label))))];
}
