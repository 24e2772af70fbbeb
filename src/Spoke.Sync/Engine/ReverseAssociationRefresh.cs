using Spoke.Associations;
using Spoke.Batching;
using Spoke.Errors;
using Spoke.Sync.Store;

namespace Spoke.Sync.Engine;

/// <summary>Edges to write with a page: every edge from <see cref="FromIds"/> towards <see cref="ToType"/>, replacing the mirrored ones.</summary>
internal sealed record EdgeReplacement(string FromType, IReadOnlyCollection<string> FromIds, string ToType, IReadOnlyList<SyncAssociation> Edges);

/// <summary>
/// Association changes seen from the other side. Edges are mirrored in one direction per pair of types, from the type
/// earlier in the run's order, so when an association between a contact and a company changes and only the company's
/// last-modified time moves (HubSpot recalculates its <c>num_associated_contacts</c>; it does not promise to touch the
/// contact), the contact's pass never sees it. For the records of a type changed in an incremental pass this reads
/// their edges back towards every earlier type that mirrors edges to it, adds the sources the mirror holds edges from,
/// and re-reads those sources' edges from the canonical side, so an added edge appears and a removed one disappears.
/// An association change that moves neither side's last-modified time is caught only when one of them changes later
/// (or by <c>--full</c>).
/// </summary>
internal sealed class ReverseAssociationRefresh(SyncEngine engine, long portalId, string type, AssociationTargets targets, Action countCall)
{
    private const int BatchSize = 100;
    private readonly HashSet<string> _unreadable = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The edge replacements for the sources of <paramref name="changedIds"/>: to be written in the page's own transaction.</summary>
    public async Task<List<EdgeReplacement>> ReadAsync(IReadOnlyList<string> changedIds, CancellationToken cancellationToken)
    {
        var replacements = new List<EdgeReplacement>();
        if (changedIds.Count == 0)
        {
            return replacements;
        }

        foreach (var sourceType in await targets.SourcesOfAsync(type, countCall, cancellationToken).ConfigureAwait(false))
        {
            if (_unreadable.Contains(sourceType))
            {
                continue;
            }

            var sources = new SortedSet<string>(StringComparer.Ordinal);
            var reverse = await ReadEdgesAsync(type, sourceType, changedIds, cancellationToken).ConfigureAwait(false);
            if (reverse is null)
            {
                continue;
            }

            sources.UnionWith(reverse.SelectMany(r => r.To.Select(t => t.ToObjectId)));
            sources.UnionWith(await engine.Store.GetAssociationSourcesAsync(portalId, sourceType, type, changedIds, cancellationToken).ConfigureAwait(false));
            if (sources.Count == 0)
            {
                continue;
            }

            var ids = sources.ToList();
            var forward = await ReadEdgesAsync(sourceType, type, ids, cancellationToken).ConfigureAwait(false);
            if (forward is null)
            {
                continue;
            }

            // Only the records asked about are replaced (an answer naming another id would not belong to this replacement).
            var asked = new HashSet<string>(ids, StringComparer.Ordinal);
            replacements.Add(new EdgeReplacement(sourceType, ids, type, SyncMapping.ToSyncEdges(forward.Where(r => asked.Contains(r.FromObjectId)), sourceType, type)));
        }

        return replacements;
    }

    /// <summary>A v4 batch read (one call per 100 ids); null when the token may not read the pair.</summary>
    private async Task<IReadOnlyList<RecordAssociations>?> ReadEdgesAsync(string fromType, string toType, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        for (var i = 0; i < ids.Count; i += BatchSize)
        {
            countCall();
        }

        BatchResult<RecordAssociations> read;
        try
        {
            read = await engine.Client.Associations.BatchReadAsync(fromType, toType, ids, cancellationToken).ConfigureAwait(false);
        }
        catch (HubSpotApiException e) when (e.Status == 403)
        {
            _unreadable.Add(fromType == type ? toType : fromType);
            return null;
        }

        if (read.HasFailures)
        {
            throw new InvalidOperationException($"Reading {fromType}→{toType} associations failed for {read.Failed.Count} records: {read.Failed[0].Message}");
        }

        return read.Values;
    }
}
