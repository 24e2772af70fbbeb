using Spoke.Associations;
using Spoke.Batching;
using Spoke.Crm;
using Spoke.Errors;
using Spoke.Sync.Store;

namespace Spoke.Sync.Engine;

/// <summary>One object type's part of a run: definitions, backfill or incremental pass, deletes.</summary>
internal sealed class ObjectTypeSync
{
    private const int PageSize = 100;
    private const int SearchPageSize = CrmSearchRequest.MaxPageSize;

    private readonly SyncEngine _engine;
    private readonly long _portalId;
    private readonly string _type;
    private readonly AssociationTargets _targets;
    private readonly SyncTypeResult _result;
    private readonly IProgress<SyncProgress>? _progress;
    private readonly SyncProgressTracker _tracker;
    private readonly CrmObjectsClient _records;
    private readonly HashSet<string> _unreadableTargets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ReverseAssociationRefresh _reverse;
    private string _phase = "";
    private HashSet<string>? _readOnly; // read once per run, after the definitions pass stored this run's flags

    public ObjectTypeSync(SyncEngine engine, long portalId, string type, AssociationTargets targets, SyncTypeResult result, IProgress<SyncProgress>? progress,
        SyncProgressTracker tracker)
    {
        _tracker = tracker;
        _engine = engine;
        _portalId = portalId;
        _type = type;
        _targets = targets;
        _result = result;
        _progress = progress;
        _records = engine.Client.Crm.Objects(type);
        _reverse = new ReverseAssociationRefresh(engine, portalId, type, targets, CountCall);
    }

    private ISyncStore Store => _engine.Store;

    private SyncOptions Options => _engine.Options;

    /// <summary>HubSpot's last-modified property: contacts keep the pre-v3 name.</summary>
    internal static string LastModifiedProperty(string type) =>
        string.Equals(type, "contacts", StringComparison.OrdinalIgnoreCase) || type == "0-1" ? "lastmodifieddate" : "hs_lastmodifieddate";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Options.Full)
        {
            await using var reset = await Store.BeginAsync(_portalId, cancellationToken).ConfigureAwait(false);
            await reset.DeleteCheckpointAsync(_type, SyncStreams.Backfill, cancellationToken).ConfigureAwait(false);
            await reset.DeleteCheckpointAsync(_type, SyncStreams.Incremental, cancellationToken).ConfigureAwait(false);
            await reset.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        var properties = await MirrorDefinitionsAsync(cancellationToken).ConfigureAwait(false);
        var (inUrl, extra) = SplitForUrl(properties);
        var targets = Options.Associations
            ? await _targets.ForAsync(_type, CountCall, cancellationToken).ConfigureAwait(false)
            : [];

        var incremental = SyncStreams.ReadIncremental(await Store.GetCheckpointAsync(_portalId, _type, SyncStreams.Incremental, cancellationToken).ConfigureAwait(false));
        if (incremental is null)
        {
            _result.Mode = "backfill";
            incremental = await BackfillAsync(inUrl, extra, targets, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _result.Mode = "incremental";
        }

        _tracker.BackfillDone = true;
        if (Options.Associations)
        {
            await EdgesForNewTargetsAsync(targets, _result.Mode == "backfill", cancellationToken).ConfigureAwait(false);
        }

        await IncrementalAsync(incremental, properties, targets, cancellationToken).ConfigureAwait(false);
        if (Options.Deletes)
        {
            await DeletesAsync(cancellationToken).ConfigureAwait(false);
            await new IdReconciliation(_engine, _portalId, _type, _result).RunIfDueAsync(_result.Mode == "backfill", cancellationToken).ConfigureAwait(false);
        }
    }

    private void CountCall() => _result.ApiCalls++;

    private void Report() => _progress?.Report(_tracker.Snapshot(_phase, _result.Records, _result.ApiCalls));

    /// <summary>The type's record count for the backfill's ETA (one search asking for one record); null when search fails
    /// (the backfill does not depend on it). A resumed backfill counts what the mirror holds already as done.</summary>
    private async Task CountForProgressAsync(bool resumed, CancellationToken cancellationToken)
    {
        try
        {
            CountCall();
            _tracker.Total = await _records.CountAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HubSpotApiException e) when (e.Status is not (401 or 403))
        {
            _tracker.Total = null;
        }

        if (resumed)
        {
            _tracker.AlreadyDone = (await Store.CountAsync(_portalId, _type, cancellationToken).ConfigureAwait(false)).Live;
        }
    }

    /// <summary>Mirrors the type's property definitions (and pipelines where it has them); returns the properties to sync.</summary>
    private async Task<IReadOnlyList<string>> MirrorDefinitionsAsync(CancellationToken cancellationToken)
    {
        var readAt = _engine.Time.GetUtcNow().ToUnixTimeMilliseconds();
        CountCall();
        var definitions = await _engine.Client.Properties.ListAsync(_type, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        List<SyncPipeline>? pipelines = null;
        if (_type is "deals" or "tickets" or "0-3" or "0-5")
        {
            CountCall();
            var read = await _engine.Client.Pipelines.ListAsync(_type, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            pipelines = [.. read.Select(p => new SyncPipeline(p.Id, p.Label, p.DisplayOrder, p.Archived,
                [.. p.Stages.Select(s => new SyncPipelineStage(s.Id, s.Label, s.DisplayOrder, s.Archived,
                    s.Metadata.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(s.Metadata, SyncJsonContext.Default.IReadOnlyDictionaryStringString)))]))];
        }

        var names = PropertiesToSync(definitions);
        await using (var batch = await Store.BeginAsync(_portalId, cancellationToken).ConfigureAwait(false))
        {
            await batch.ReplacePropertyDefinitionsAsync(_type, [.. definitions.Select(d => new SyncPropertyDefinition(d.Name, d.Label, d.Type.ToString(), d.FieldType.ToString(), d.GroupName,
                [.. d.Options.Select(o => new SyncPropertyOption(o.Value, o.Label))]) { ReadOnlyValue = d.Calculated || d.ModificationMetadata?.ReadOnlyValue == true })], cancellationToken).ConfigureAwait(false);
            if (pipelines is not null)
            {
                await batch.ReplacePipelinesAsync(_type, pipelines, cancellationToken).ConfigureAwait(false);
            }

            await RewindForNewPropertiesAsync(batch, names, readAt, cancellationToken).ConfigureAwait(false);
            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return names;
    }

    /// <summary>
    /// A property synced now but not by the last run may have got values after that run read its definitions, on records
    /// it then read without the property (and its bookmark went past them): the incremental pass re-reads from that time.
    /// Saved in the definitions' own transaction, so a crash cannot lose the rewind.
    /// </summary>
    private async Task RewindForNewPropertiesAsync(ISyncBatch batch, List<string> names, long readAt, CancellationToken cancellationToken)
    {
        var previous = SyncStreams.ReadDefinitions(await Store.GetCheckpointAsync(_portalId, _type, SyncStreams.Definitions, cancellationToken).ConfigureAwait(false));
        if (previous is not null && names.Except(previous.Names, StringComparer.Ordinal).Any())
        {
            var incremental = SyncStreams.ReadIncremental(await Store.GetCheckpointAsync(_portalId, _type, SyncStreams.Incremental, cancellationToken).ConfigureAwait(false));
            if (incremental is not null && incremental.SinceMs > previous.ReadAtMs)
            {
                await batch.SaveCheckpointAsync(_type, SyncStreams.Incremental, SyncStreams.Write(new IncrementalCheckpoint(previous.ReadAtMs)), cancellationToken).ConfigureAwait(false);
            }
        }

        await batch.SaveCheckpointAsync(_type, SyncStreams.Definitions, SyncStreams.Write(new DefinitionsCheckpoint(names, readAt)), cancellationToken).ConfigureAwait(false);
    }

    private List<string> PropertiesToSync(List<Spoke.Properties.PropertyDefinition> definitions)
    {
        var defined = new HashSet<string>(definitions.Select(d => d.Name), StringComparer.Ordinal);
        var names = new List<string>();
        if (Options.Properties.TryGetValue(_type, out var configured) && configured.Count > 0)
        {
            names.AddRange(configured.Where(defined.Contains));
            // What the engine itself relies on comes along whatever was configured.
            foreach (var needed in new[] { LastModifiedProperty(_type), SyncMapping.MergedIdsProperty })
            {
                if (defined.Contains(needed) && !names.Contains(needed))
                {
                    names.Add(needed);
                }
            }
        }
        else
        {
            names.AddRange(definitions.Select(d => d.Name));
        }

        return names;
    }

    /// <summary>The properties that fit in a list URL's <c>properties=</c>, and the rest (read for each page by one batch read).</summary>
    private (List<string> InUrl, List<string> Extra) SplitForUrl(IReadOnlyList<string> properties)
    {
        var inUrl = new List<string>();
        var extra = new List<string>();
        var length = 0;
        foreach (var name in properties)
        {
            var cost = Uri.EscapeDataString(name).Length + 3; // the escaped comma between names
            if (extra.Count == 0 && length + cost <= Options.MaxPropertiesQueryLength)
            {
                inUrl.Add(name);
                length += cost;
            }
            else
            {
                extra.Add(name);
            }
        }

        return (inUrl, extra);
    }

    private async Task<IncrementalCheckpoint> BackfillAsync(List<string> inUrl, List<string> extra, IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        _phase = "backfill";
        var saved = SyncStreams.ReadBackfill(await Store.GetCheckpointAsync(_portalId, _type, SyncStreams.Backfill, cancellationToken).ConfigureAwait(false));
        // The incremental pass starts where the backfill started (less the lookback), so a record changed while the
        // backfill ran is read again even if its page had already gone by.
        var startedAt = saved?.StartedAtMs ?? _engine.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (saved is not { Done: true })
        {
            await CountForProgressAsync(saved is not null, cancellationToken).ConfigureAwait(false);
            Report();
            // Edges come inline with the page where HubSpot's answer is known complete (WriteAsync checks), by v4 batch read elsewhere.
            var inline = Options.InlineAssociations ? targets : [];
            var pages = _records.ListAsync(new CrmReadOptions { Properties = inUrl, Associations = [.. inline] }, cancellationToken).AsPages(saved?.After, PageSize);
            await foreach (var page in pages.ConfigureAwait(false))
            {
                CountCall();
                var records = page.Values;
                _tracker.Read(records.Count);
                if (extra.Count > 0 && records.Count > 0)
                {
                    records = await HydrateAsync(records, extra, cancellationToken).ConfigureAwait(false);
                }

                var checkpoint = SyncStreams.Write(new BackfillCheckpoint(page.ContinuationToken, startedAt, page.ContinuationToken is null));
                await WriteAsync(records, targets, SyncStreams.Backfill, checkpoint, inline.Count > 0, [], cancellationToken).ConfigureAwait(false);
                Report();
            }
        }

        var incremental = new IncrementalCheckpoint(startedAt);
        await using var batch = await Store.BeginAsync(_portalId, cancellationToken).ConfigureAwait(false);
        await batch.SaveCheckpointAsync(_type, SyncStreams.Backfill, SyncStreams.Write(new BackfillCheckpoint(null, startedAt, true)), cancellationToken).ConfigureAwait(false);
        await batch.SaveCheckpointAsync(_type, SyncStreams.Incremental, SyncStreams.Write(incremental), cancellationToken).ConfigureAwait(false);
        await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        return incremental;
    }

    /// <summary>
    /// Edges towards types that became targets after this type's backfill (a type added to <c>--objects</c> later, or a
    /// custom object created since): every record is listed once more, ids only, with those types' associations inline
    /// (v4 batch read where not known complete), each page committed with the cursor after it. Only the pages' edges
    /// towards the new types are replaced; the records are left alone.
    /// </summary>
    private async Task EdgesForNewTargetsAsync(IReadOnlyList<string> targets, bool backfilled, CancellationToken cancellationToken)
    {
        var saved = SyncStreams.ReadEdges(await Store.GetCheckpointAsync(_portalId, _type, SyncStreams.Edges, cancellationToken).ConfigureAwait(false));
        if (backfilled || saved is null)
        {
            // A backfill just read every edge towards today's targets; a mirror older than this checkpoint read them too.
            if (saved is null || saved.Pending is not null || !SameTypes(saved.Covered, targets))
            {
                await SaveEdgesAsync(new EdgesCheckpoint(targets), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // A type that stopped being a target drops out of Covered, so adding it back reads its edges afresh.
        var covered = targets.Where(t => saved.Covered.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        var pending = (saved.Pending ?? targets.Where(t => !covered.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList())
            .Where(t => targets.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        if (pending.Count == 0)
        {
            if (saved.Pending is not null || !SameTypes(saved.Covered, covered))
            {
                await SaveEdgesAsync(new EdgesCheckpoint(covered), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        _phase = "edges";
        var done = new EdgesCheckpoint([.. covered, .. pending]);
        var inline = Options.InlineAssociations ? pending : [];
        var pages = _records.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"], Associations = [.. inline] }, cancellationToken)
            .AsPages(saved.Pending is null ? null : saved.After, PageSize);
        var any = false;
        await foreach (var page in pages.ConfigureAwait(false))
        {
            CountCall();
            any = true;
            var ids = page.Values.Select(r => r.Id).ToList();
            var edges = await ReadEdgesAsync(page.Values, pending, inline.Count > 0, cancellationToken).ConfigureAwait(false);
            await using var batch = await Store.BeginAsync(_portalId, cancellationToken).ConfigureAwait(false);
            foreach (var (toType, list) in edges)
            {
                await batch.ReplaceAssociationsAsync(_type, ids, toType, list, cancellationToken).ConfigureAwait(false);
                _result.Associations += list.Count;
            }

            var checkpoint = page.ContinuationToken is null ? done : new EdgesCheckpoint(covered, pending, page.ContinuationToken);
            await batch.SaveCheckpointAsync(_type, SyncStreams.Edges, SyncStreams.Write(checkpoint), cancellationToken).ConfigureAwait(false);
            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
            Report();
        }

        if (!any)
        {
            await SaveEdgesAsync(done, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SaveEdgesAsync(EdgesCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var batch = await Store.BeginAsync(_portalId, cancellationToken).ConfigureAwait(false);
        await batch.SaveCheckpointAsync(_type, SyncStreams.Edges, SyncStreams.Write(checkpoint), cancellationToken).ConfigureAwait(false);
        await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool SameTypes(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.All(t => b.Contains(t, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// Changes since the bookmark (less the lookback): search asks only for ids and the last-modified time, ascending,
    /// past 10,000 results by the client's windowing (exact whatever order HubSpot gives ties); each 100 are read whole
    /// by batch read and written with the bookmark of the newest among them.
    /// </summary>
    private async Task IncrementalAsync(IncrementalCheckpoint since, IReadOnlyList<string> properties, IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        _phase = "incremental";
        var lastModified = LastModifiedProperty(_type);
        var from = DateTimeOffset.FromUnixTimeMilliseconds(since.SinceMs) - Options.Lookback;
        var request = new CrmSearchRequest()
            .AddFilterGroup(CrmFilter.Gte(lastModified, from))
            .OrderBy(lastModified)
            .Select(lastModified)
            .WithPageSize(SearchPageSize);
        var ids = new List<string>(PageSize);
        var bookmark = since.SinceMs;
        await foreach (var page in _records.SearchAsync(request, cancellationToken).AsPages(pageSize: SearchPageSize).ConfigureAwait(false))
        {
            CountCall();
            foreach (var record in page.Values)
            {
                ids.Add(record.Id);
                if (record.Properties.GetDateTime(lastModified) is { } modified)
                {
                    bookmark = Math.Max(bookmark, modified.ToUnixTimeMilliseconds());
                }

                if (ids.Count == PageSize)
                {
                    await ApplyChangesAsync(ids, properties, targets, bookmark, cancellationToken).ConfigureAwait(false);
                    ids.Clear();
                }
            }
        }

        if (ids.Count > 0)
        {
            await ApplyChangesAsync(ids, properties, targets, bookmark, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyChangesAsync(List<string> ids, IReadOnlyList<string> properties, IReadOnlyList<string> targets, long bookmark, CancellationToken cancellationToken)
    {
        CountCall();
        var read = await _records.BatchReadAsync(ids, new CrmReadOptions { Properties = [.. properties] }, cancellationToken).ConfigureAwait(false);
        // An id missing from the answer was archived or deleted since search saw it: the deletes pass handles it.
        var failed = read.Failed.Where(f => f.Status != 404).ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"Batch read of {_type} failed for {failed.Count} records: {failed[0].Message}");
        }

        // Edges towards these records from earlier types, read from that side: association changes that moved only these
        // records' last-modified time. Written with the page, so the bookmark never passes them unwritten.
        var reverse = Options.Associations
            ? await _reverse.ReadAsync([.. read.Values.Select(r => r.Id)], cancellationToken).ConfigureAwait(false)
            : [];
        _tracker.Read(read.Values.Count);
        await WriteAsync(read.Values, targets, SyncStreams.Incremental, SyncStreams.Write(new IncrementalCheckpoint(bookmark)), false, reverse, cancellationToken).ConfigureAwait(false);
        Report();
    }

    /// <summary>Tombstones for the records HubSpot lists as archived (its recycle bin keeps them 90 days).</summary>
    private async Task DeletesAsync(CancellationToken cancellationToken)
    {
        _phase = "deletes";
        var pages = _records.ListAsync(new CrmReadOptions { Archived = true, Properties = [LastModifiedProperty(_type)] }, cancellationToken).AsPages(pageSize: PageSize);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            CountCall();
            if (page.Values.Count == 0)
            {
                continue;
            }

            await using var batch = await Store.BeginAsync(_portalId, cancellationToken).ConfigureAwait(false);
            Push.ConflictResolver.Use(batch, new Push.ConflictContext(Options.ConflictPolicies));
            foreach (var group in page.Values.GroupBy(r => r.ArchivedAt ?? r.UpdatedAt))
            {
                _result.Deletes += await batch.ArchiveAsync(_type, [.. group.Select(r => r.Id)], group.Key, cancellationToken).ConfigureAwait(false);
            }

            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        Report();
    }

    /// <summary>Reads <paramref name="extra"/> for a page's records by one batch read (a POST: no URL limit) and merges them in.</summary>
    private async Task<IReadOnlyList<CrmObject>> HydrateAsync(IReadOnlyList<CrmObject> records, List<string> extra, CancellationToken cancellationToken)
    {
        CountCall();
        var read = await _records.BatchReadAsync(records.Select(r => r.Id), new CrmReadOptions { Properties = extra }, cancellationToken).ConfigureAwait(false);
        var byId = read.Values.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (byId.TryGetValue(record.Id, out var more))
            {
                foreach (var (name, value) in more.Properties)
                {
                    record.Properties[name] = value;
                }
            }
        }

        return records;
    }

    /// <summary>
    /// One page: its records, merges and association edges (from <paramref name="inline"/> answers where known complete,
    /// else by v4 batch read; plus <paramref name="alsoReplace"/>), and the checkpoint that covers them, in one transaction.
    /// </summary>
    private async Task WriteAsync(IReadOnlyList<CrmObject> records, IReadOnlyList<string> targets, string stream, string checkpoint, bool inline,
        IReadOnlyList<EdgeReplacement> alsoReplace, CancellationToken cancellationToken)
    {
        var ids = records.Select(r => r.Id).ToList();
        var edges = await ReadEdgesAsync(records, targets, inline, cancellationToken).ConfigureAwait(false);

        var merges = await SyncMapping.NewMergesAsync(Store, _portalId, _type, records, cancellationToken).ConfigureAwait(false);

        List<SyncRecord> rows = [.. records.Select(SyncMapping.ToSyncRecord)];
        List<SyncRecord> echoes = [];
        if (stream == SyncStreams.Incremental && rows.Count > 0)
        {
            // As the watcher does: a record read back whose writable values equal the mirror's (e.g. the read-back after
            // `--push`) is no remote change. It is still written, so HubSpot-set values stay exact, but counted apart.
            _readOnly ??= await EchoFilter.ReadOnlyPropertiesAsync(Store, _portalId, _type, cancellationToken).ConfigureAwait(false);
            var same = await EchoFilter.UnchangedAsync(Store, _portalId, _type, rows, _readOnly, cancellationToken).ConfigureAwait(false);
            echoes = [.. rows.Where(r => same.Contains(r.Id))];
            rows = [.. rows.Where(r => !same.Contains(r.Id))];
        }

        // HubSpot's times of properties that conflict with pending local changes, read before the transaction opens.
        var conflicts = await Push.ConflictResolver.PrepareAsync(Store, _records, _portalId, _type, rows, Options.ConflictPolicies, cancellationToken).ConfigureAwait(false);
        await using var batch = await Store.BeginAsync(_portalId, cancellationToken).ConfigureAwait(false);
        Push.ConflictResolver.Use(batch, conflicts);
        if (rows.Count > 0)
        {
            _result.Records += await batch.UpsertAsync(_type, rows, cancellationToken).ConfigureAwait(false);
        }

        if (echoes.Count > 0)
        {
            await batch.UpsertAsync(_type, echoes, cancellationToken).ConfigureAwait(false);
            _result.Unchanged += echoes.Count;
        }

        foreach (var (loser, survivor) in merges)
        {
            await batch.MergeAsync(_type, loser, survivor, cancellationToken).ConfigureAwait(false);
            _result.Merges++;
        }

        foreach (var (toType, list) in edges)
        {
            await batch.ReplaceAssociationsAsync(_type, ids, toType, list, cancellationToken).ConfigureAwait(false);
            _result.Associations += list.Count;
        }

        foreach (var replacement in alsoReplace)
        {
            await batch.ReplaceAssociationsAsync(replacement.FromType, replacement.FromIds, replacement.ToType, replacement.Edges, cancellationToken).ConfigureAwait(false);
            _result.Associations += replacement.Edges.Count;
        }

        await batch.SaveCheckpointAsync(_type, stream, checkpoint, cancellationToken).ConfigureAwait(false);
        await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The edges of <paramref name="records"/> towards each of <paramref name="targets"/>: from the list answer's inline
    /// associations where known complete (<paramref name="inline"/>), else by one v4 batch read per target type.
    /// </summary>
    private async Task<List<(string ToType, List<SyncAssociation> Edges)>> ReadEdgesAsync(IReadOnlyList<CrmObject> records, IReadOnlyList<string> targets,
        bool inline, CancellationToken cancellationToken)
    {
        var ids = records.Select(r => r.Id).ToList();
        var edges = new List<(string ToType, List<SyncAssociation> Edges)>();
        if (ids.Count == 0)
        {
            return edges;
        }

        // An answer under a name no target was asked by can't be attributed: the page is read by v4 instead.
        inline &= records.All(r => r.AssociationLists.Keys.All(k => targets.Contains(k, StringComparer.OrdinalIgnoreCase)));
        foreach (var toType in targets.Where(t => !_unreadableTargets.Contains(t)))
        {
            if (inline && await InlineEdgesAsync(records, toType, cancellationToken).ConfigureAwait(false) is { } fromInline)
            {
                edges.Add((toType, fromInline));
                continue;
            }

            CountCall();
            BatchResult<RecordAssociations> read;
            try
            {
                read = await _engine.Client.Associations.BatchReadAsync(_type, toType, ids, cancellationToken).ConfigureAwait(false);
            }
            catch (HubSpotApiException e) when (e.Status == 403)
            {
                // Edges to a type the token may not read are left out (HubSpot lists the labels all the same).
                _unreadableTargets.Add(toType);
                continue;
            }

            if (read.HasFailures)
            {
                throw new InvalidOperationException($"Reading {_type}→{toType} associations failed for {read.Failed.Count} records: {read.Failed[0].Message}");
            }

            edges.Add((toType, SyncMapping.ToSyncEdges(read.Values, _type, toType)));
        }

        return edges;
    }

    /// <summary>
    /// A page's edges towards <paramref name="toType"/> from the list answer's inline associations, or null when that
    /// answer is not known complete: a record with more than it lists (HubSpot's paging) or with
    /// <see cref="SyncOptions.InlineAssociationLimit"/> entries, or a v3 type name that maps to no single v4 type.
    /// </summary>
    private async Task<List<SyncAssociation>?> InlineEdgesAsync(IReadOnlyList<CrmObject> records, string toType, CancellationToken cancellationToken)
    {
        var edges = new List<SyncAssociation>();
        IReadOnlyDictionary<string, AssociationType>? names = null;
        foreach (var record in records)
        {
            var answer = record.AssociationLists.FirstOrDefault(kv => string.Equals(kv.Key, toType, StringComparison.OrdinalIgnoreCase)).Value;
            if (answer is null)
            {
                continue; // nothing associated
            }

            if (answer.HasMore || answer.Results.Count >= Options.InlineAssociationLimit)
            {
                return null;
            }

            names ??= await _targets.NamesAsync(_type, toType, CountCall, cancellationToken).ConfigureAwait(false);
            if (names is null)
            {
                return null;
            }

            foreach (var entry in answer.Results)
            {
                if (entry.TypeName is null || !names.TryGetValue(entry.TypeName, out var type))
                {
                    return null;
                }

                edges.Add(new SyncAssociation(_type, record.Id, toType, entry.Id, type.TypeId, type.Category.ToString(), type.Label));
            }
        }

        return edges;
    }
}
