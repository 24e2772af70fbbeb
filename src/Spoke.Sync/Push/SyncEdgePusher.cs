using Dapper;
using Spoke.Associations;
using Spoke.Batching;
using Spoke.Errors;
using Spoke.Sync.Store;

namespace Spoke.Sync.Push;

/// <summary>
/// Pushes the edge outbox (<c>sync_edge_outbox</c>) after the record changes, so a local create's edges can use the id
/// HubSpot gave it. Per pair of records the captured changes are folded into what HubSpot must end up with, because
/// HubSpot works per pair, not per row: a labelled create replaces the pair's labels (so every type the mirror keeps
/// for the pair is sent), a pair archive removes every type between the two records, and removing the unlabelled type
/// removes them all. So: types removed while others stay go by <c>batch/labels/archive</c>; a pair left with nothing,
/// or losing its unlabelled type, by <c>batch/archive</c> (its remaining types created again after); new types by
/// <c>batch/create</c> with the pair's whole set. 100 pairs per call, grouped by (from type, to type).
/// </summary>
internal sealed class SyncEdgePusher(HubSpotClient client, SqlSyncStore store, TimeProvider time)
{
    private const int BatchSize = 100;

    public sealed class Tally
    {
        public int Pushed { get; set; }

        public int Rejected { get; set; }

        public int Retrying { get; set; }

        public int Waiting { get; set; }
    }

    public async Task PushAsync(long portalId, int maxChanges, Tally tally, CancellationToken cancellationToken)
    {
        if (!store.CapturesEdges)
        {
            return;
        }

        var unresolved = await ResolveProvisionalIdsAsync(portalId, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SyncEdgeChange> pending;
        await using (var connection = await store.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false))
        {
            pending = await SyncEdgeOutbox.ListAsync(connection, null, portalId, SyncChangeState.Pending, maxChanges, cancellationToken).ConfigureAwait(false);
        }

        foreach (var group in pending.GroupBy(c => (c.Edge.FromType, c.Edge.ToType)))
        {
            await PushGroupAsync(portalId, group.Key.FromType, group.Key.ToType, [.. group], unresolved, tally, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PushGroupAsync(long portalId, string fromType, string toType, List<SyncEdgeChange> changes,
        Dictionary<(string Type, string Id), LocalCreate> unresolved, Tally tally, CancellationToken cancellationToken)
    {
        var outcomes = new List<Outcome>();
        var ready = new List<IGrouping<(string From, string To), SyncEdgeChange>>();
        foreach (var pair in changes.GroupBy(c => (c.Edge.FromId, c.Edge.ToId)))
        {
            var blocked = new[] { (fromType, pair.Key.FromId), (toType, pair.Key.ToId) }
                .Select(e => unresolved.GetValueOrDefault(e)).FirstOrDefault(c => c is not null);
            if (blocked is null)
            {
                ready.Add(pair);
            }
            else if (blocked.State == SyncChangeState.Pending)
            {
                // Its record is a local create not pushed yet: the edge waits for HubSpot's id.
                tally.Waiting += pair.Count();
            }
            else
            {
                outcomes.Add(Outcome.Refused(Work.Unsent(pair), blocked.State == SyncChangeState.Rejected
                    ? $"it links {blocked.Type} {blocked.Id}, a local create HubSpot refused (change #{blocked.ChangeId}: {blocked.Reason}); create the record again, then the edge"
                    : $"it links {blocked.Type} {blocked.Id}, a local create deleted again before it was pushed: HubSpot never had the record"));
            }
        }

        if (ready.Count == 0)
        {
            await RecordAsync(portalId, fromType, toType, outcomes, tally, cancellationToken).ConfigureAwait(false);
            return;
        }

        var labels = await LabelsAsync(fromType, toType, cancellationToken).ConfigureAwait(false);
        var mirrored = await MirroredAsync(portalId, fromType, toType, [.. ready.Select(p => p.Key.From).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        var work = ready.Select(p => Fold(p, mirrored, labels)).ToList();
        outcomes.AddRange(work.Where(w => !w.ArchivePair && w.ArchiveTypes.Count == 0 && !w.Create).Select(Outcome.Done));

        // Removals first: a pair archive clears the pair, and the create after it puts back what stays.
        var next = new List<Work>();
        var archived = await SendAsync(work.Where(w => w.ArchivePair).ToList(), inputs =>
            client.Associations.BatchArchiveAsync(fromType, toType, [.. inputs.Select(w => new AssociationPair(w.FromId, w.ToId))], cancellationToken)).ConfigureAwait(false);
        var unlabelled = await SendAsync(work.Where(w => !w.ArchivePair && w.ArchiveTypes.Count > 0).ToList(), inputs =>
            client.Associations.BatchArchiveLabelsAsync(fromType, toType, [.. inputs.Select(w => new AssociationInput(w.FromId, w.ToId, w.ArchiveTypes))], cancellationToken)).ConfigureAwait(false);
        foreach (var (w, error) in archived.Concat(unlabelled))
        {
            if (error is not null)
            {
                outcomes.Add(Outcome.Failed(w, error));
            }
            else if (w.Create)
            {
                next.Add(w);
            }
            else
            {
                outcomes.Add(Outcome.Done(w));
            }
        }

        next.AddRange(work.Where(w => !w.ArchivePair && w.ArchiveTypes.Count == 0 && w.Create));
        var created = await SendAsync(next, inputs =>
            client.Associations.BatchCreateAsync(fromType, toType, [.. inputs.Select(w => new AssociationInput(w.FromId, w.ToId,
                [.. w.Desired.Select(d => new AssociationType(new AssociationCategory(d.Key.Category), d.Key.TypeId))]))], cancellationToken)).ConfigureAwait(false);
        outcomes.AddRange(created.Select(r => r.Error is null ? Outcome.Done(r.Work) : Outcome.Failed(r.Work, r.Error)));
        await RecordAsync(portalId, fromType, toType, outcomes, tally, cancellationToken).ConfigureAwait(false);
    }

    // One pair's captured changes, in capture order, folded per (type id, category): made then removed before a push is
    // nothing; otherwise the last change wins.
    private static Work Fold(IGrouping<(string From, string To), SyncEdgeChange> pair, Dictionary<(string From, string To), Dictionary<EdgeType, string?>> mirrored,
        IReadOnlyList<AssociationType>? labels)
    {
        var creates = new Dictionary<EdgeType, string?>();
        var deletes = new HashSet<EdgeType>();
        foreach (var type in pair.GroupBy(c => new EdgeType(c.Edge.TypeId, c.Edge.Category)))
        {
            var first = type.First();
            var last = type.Last();
            if (first.Kind == SyncChangeKind.Create && last.Kind == SyncChangeKind.Delete)
            {
                continue;
            }

            if (last.Kind == SyncChangeKind.Create)
            {
                creates[type.Key] = last.Edge.Label;
            }
            else
            {
                deletes.Add(type.Key);
            }
        }

        var desired = new Dictionary<EdgeType, string?>(mirrored.GetValueOrDefault(pair.Key) ?? []);
        foreach (var type in deletes)
        {
            desired.Remove(type);
        }

        foreach (var (type, label) in creates)
        {
            desired[type] = label;
        }

        // HubSpot's label text is the type's: the mirror gets it, whatever the row said.
        foreach (var type in desired.Keys.ToList())
        {
            if (labels?.FirstOrDefault(l => l.TypeId == type.TypeId && string.Equals(l.Category.ToString(), type.Category, StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                desired[type] = known.Label;
            }
        }

        // Removing the pair's unlabelled type removes every type between the two records in HubSpot.
        var archivePair = deletes.Count > 0 && (desired.Count == 0 || deletes.Any(d => IsUnlabelled(d, labels, mirrored.GetValueOrDefault(pair.Key))));
        return new Work(pair.Key.From, pair.Key.To, [.. pair.Select(c => c.ChangeId)], desired, [.. creates.Keys], archivePair,
            archivePair ? [] : [.. deletes.Select(d => new AssociationType(new AssociationCategory(d.Category), d.TypeId))],
            desired.Count > 0 && (creates.Count > 0 || archivePair));
    }

    private static bool IsUnlabelled(EdgeType type, IReadOnlyList<AssociationType>? labels, Dictionary<EdgeType, string?>? mirrored)
    {
        if (!string.Equals(type.Category, "HUBSPOT_DEFINED", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var known = labels?.FirstOrDefault(l => l.TypeId == type.TypeId && l.Category == AssociationCategory.HubSpotDefined);
        return known is not null ? known.Label is null : mirrored?.GetValueOrDefault(type) is null;
    }

    // Sends in chunks of 100; a request refused as a whole (a 4xx not tied to inputs) is sent again one pair per call,
    // so one bad pair is rejected alone and the rest still go.
    private static async Task<List<(Work Work, BatchItemError? Error)>> SendAsync<T>(List<Work> inputs, Func<IReadOnlyList<Work>, Task<BatchResult<T>>> send)
    {
        var results = new List<(Work, BatchItemError?)>();
        foreach (var chunk in inputs.Chunk(BatchSize))
        {
            var answer = await send(chunk).ConfigureAwait(false);
            results.AddRange(answer.Succeeded.Select(s => (chunk[s.InputIndex], (BatchItemError?)null)));
            foreach (var error in answer.Failed)
            {
                if (error.ChunkFailed && chunk.Length > 1 && !IsTransient(error))
                {
                    results.AddRange(await SendAsync([chunk[error.InputIndex]], send).ConfigureAwait(false));
                }
                else
                {
                    results.Add((chunk[error.InputIndex], error));
                }
            }
        }

        return results;
    }

    private static bool IsTransient(BatchItemError error) => error.MayHaveBeenApplied || error.Status is 0 or 429 or >= 500;

    private async Task<IReadOnlyList<AssociationType>?> LabelsAsync(string fromType, string toType, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Associations.ListLabelsAsync(fromType, toType, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HubSpotApiException)
        {
            // Only for label text and spotting the unlabelled type: the rows' own values stand in.
            return null;
        }
    }

    private async Task<Dictionary<(string From, string To), Dictionary<EdgeType, string?>>> MirroredAsync(long portalId, string fromType, string toType, IReadOnlyList<string> fromIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string From, string To), Dictionary<EdgeType, string?>>();
        await using var connection = await store.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in fromIds.Chunk(500))
        {
            var parameters = new DynamicParameters(new { portalId, fromType, toType });
            var rows = await connection.QueryAsync<(string FromId, string ToId, long TypeId, string Category, string? Label)>(new CommandDefinition(
                $"SELECT from_id, to_id, type_id, category, label FROM sync_associations WHERE portal_id = @portalId AND from_type = @fromType AND to_type = @toType AND {store.IdIn("from_id", chunk, parameters)}",
                parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var row in rows)
            {
                var types = result.TryGetValue((row.FromId, row.ToId), out var t) ? t : result[(row.FromId, row.ToId)] = [];
                types[new EdgeType(checked((int)row.TypeId), row.Category)] = row.Label;
            }
        }

        return result;
    }

    /// <summary>
    /// Edges that name a local create HubSpot has confirmed get its real id, in the edge outbox and in the mirror's edge
    /// table (one transaction, not captured). Returns the local creates pending edges still name: not pushed yet, refused,
    /// or deleted before they were pushed.
    /// </summary>
    private async Task<Dictionary<(string Type, string Id), LocalCreate>> ResolveProvisionalIdsAsync(long portalId, CancellationToken cancellationToken)
    {
        List<LocalCreate> creates;
        await using (var connection = await store.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false))
        {
            creates = [.. await connection.QueryAsync<LocalCreate>(new CommandDefinition("""
                SELECT o.object_type AS Type, o.record_id AS Id, o.change_id AS ChangeId, o.state AS StateName, o.hubspot_id AS HubSpotId, o.reason AS Reason
                FROM sync_outbox o WHERE o.portal_id = @portalId AND o.kind = 'create' AND EXISTS (
                    SELECT 1 FROM sync_edge_outbox e WHERE e.portal_id = o.portal_id AND e.state = 'pending'
                    AND ((e.from_type = o.object_type AND e.from_id = o.record_id) OR (e.to_type = o.object_type AND e.to_id = o.record_id)))
                ORDER BY o.change_id
                """, new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false)];
        }

        // A provisional id used again by a later local create means that one.
        var latest = creates.GroupBy(c => (c.Type, c.Id)).ToDictionary(g => g.Key, g => g.Last());
        var known = latest.Values.Where(c => c.State == SyncChangeState.Pushed && c.HubSpotId is not null).ToList();
        if (known.Count > 0)
        {
            await using var batch = (SqlSyncBatch)await store.BeginAsync(portalId, cancellationToken).ConfigureAwait(false);
            foreach (var create in known.Where(c => c.HubSpotId != c.Id))
            {
                await batch.RepointEdgesAsync(create.Type, create.Id, create.HubSpotId!, cancellationToken).ConfigureAwait(false);
                await batch.Connection.ExecuteAsync(new CommandDefinition("""
                    UPDATE sync_edge_outbox SET from_id = @real WHERE portal_id = @portal AND state = 'pending' AND from_type = @type AND from_id = @provisional;
                    UPDATE sync_edge_outbox SET to_id = @real WHERE portal_id = @portal AND state = 'pending' AND to_type = @type AND to_id = @provisional;
                    """, new { portal = portalId, type = create.Type, provisional = create.Id, real = create.HubSpotId }, batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return latest.Where(c => !(c.Value.State == SyncChangeState.Pushed && c.Value.HubSpotId is not null)).ToDictionary(c => c.Key, c => c.Value);
    }

    // One transaction: each confirmed pair's types into the mirror (what HubSpot has now), and the outbox rows they settle.
    private async Task RecordAsync(long portalId, string fromType, string toType, List<Outcome> outcomes, Tally tally, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        var now = store.TimeValue(time.GetUtcNow());
        await using (var batch = (SqlSyncBatch)await store.BeginAsync(portalId, cancellationToken).ConfigureAwait(false))
        {
            foreach (var outcome in outcomes.Where(o => o.State == SyncChangeState.Pushed && o.Work.Sent))
            {
                var w = outcome.Work;
                var pair = new { portal = portalId, fromType, toType, fromId = w.FromId, toId = w.ToId };
                await batch.Connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM sync_associations WHERE portal_id = @portal AND from_type = @fromType AND from_id = @fromId AND to_type = @toType AND to_id = @toId",
                    pair, batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                foreach (var (type, label) in w.Desired)
                {
                    await batch.Connection.ExecuteAsync(new CommandDefinition("""
                        INSERT INTO sync_associations (portal_id, from_type, from_id, to_type, to_id, type_id, category, label)
                        VALUES (@portal, @fromType, @fromId, @toType, @toId, @typeId, @category, @label)
                        """, new { portal = portalId, fromType, toType, fromId = w.FromId, toId = w.ToId, typeId = type.TypeId, category = type.Category, label },
                        batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
            }

            // A refused new edge leaves the mirror (it holds what HubSpot has); the outbox keeps it with the reason.
            foreach (var outcome in outcomes.Where(o => o.State == SyncChangeState.Rejected))
            {
                foreach (var type in outcome.Work.Created)
                {
                    await batch.Connection.ExecuteAsync(new CommandDefinition("""
                        DELETE FROM sync_associations WHERE portal_id = @portal AND from_type = @fromType AND from_id = @fromId
                        AND to_type = @toType AND to_id = @toId AND type_id = @typeId AND category = @category
                        """, new { portal = portalId, fromType, toType, fromId = outcome.Work.FromId, toId = outcome.Work.ToId, typeId = type.TypeId, category = type.Category },
                        batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
            }

            foreach (var outcome in outcomes.Where(o => o.State != SyncChangeState.Pending))
            {
                await SyncOutbox.SettleAsync(batch, store, "sync_edge_outbox", outcome.Work.ChangeIds, outcome.State, outcome.Reason, null, now, cancellationToken).ConfigureAwait(false);
            }

            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var outcome in outcomes)
        {
            var count = outcome.Work.ChangeIds.Count;
            switch (outcome.State)
            {
                case SyncChangeState.Pushed: tally.Pushed += count; break;
                case SyncChangeState.Rejected: tally.Rejected += count; break;
                default: tally.Retrying += count; break;
            }
        }
    }

    private static string Describe(BatchItemError error)
    {
        var details = error.Errors.Select(e => e.Message).Where(m => !string.IsNullOrWhiteSpace(m) && m != error.Message).ToList();
        var text = $"HubSpot refused it ({error.Status}{(error.Category is null ? "" : " " + error.Category)}): {error.Message}";
        return details.Count == 0 ? text : text + " (" + string.Join("; ", details) + ")";
    }

    private readonly record struct EdgeType(int TypeId, string Category);

    /// <summary>A pair's folded changes: what the mirror says the pair holds now, and the calls that bring HubSpot there.</summary>
    private sealed record Work(string FromId, string ToId, IReadOnlyList<long> ChangeIds, Dictionary<EdgeType, string?> Desired,
        IReadOnlyList<EdgeType> Created, bool ArchivePair, IReadOnlyList<AssociationType> ArchiveTypes, bool Create)
    {
        public bool Sent => ArchivePair || ArchiveTypes.Count > 0 || Create;

        public static Work Unsent(IGrouping<(string From, string To), SyncEdgeChange> pair) =>
            new(pair.Key.From, pair.Key.To, [.. pair.Select(c => c.ChangeId)], [],
                [.. pair.Where(c => c.Kind == SyncChangeKind.Create).Select(c => new EdgeType(c.Edge.TypeId, c.Edge.Category)).Distinct()], false, [], false);
    }

    private sealed record Outcome(Work Work, SyncChangeState State, string? Reason)
    {
        public static Outcome Done(Work work) => new(work, SyncChangeState.Pushed, null);

        public static Outcome Refused(Work work, string reason) => new(work, SyncChangeState.Rejected, reason);

        public static Outcome Failed(Work work, BatchItemError error) =>
            IsTransient(error) ? new(work, SyncChangeState.Pending, null) : Refused(work, Describe(error));
    }

    /// <summary>A local create (a row of <c>sync_outbox</c>) that pending edges name by its provisional id.</summary>
    internal sealed class LocalCreate
    {
        public string Type { get; set; } = "";

        public string Id { get; set; } = "";

        public long ChangeId { get; set; }

        public string StateName { get; set; } = "";

        public string? HubSpotId { get; set; }

        public string? Reason { get; set; }

        public SyncChangeState State => StateName switch
        {
            "pushed" => SyncChangeState.Pushed,
            "rejected" => SyncChangeState.Rejected,
            _ => SyncChangeState.Pending,
        };
    }
}
