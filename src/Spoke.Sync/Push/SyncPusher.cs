using Dapper;
using Spoke.Batching;
using Spoke.Crm;
using Spoke.Sync.Store;

namespace Spoke.Sync.Push;

/// <summary>How <see cref="SyncPusher"/> pushes.</summary>
public sealed class SyncPushOptions
{
    /// <summary>
    /// Per object type, the unique property a local create is matched by (batch upsert on it), so a create sent again
    /// after a crash updates the record the first attempt made instead of making a second one. Defaults: <c>email</c>
    /// for contacts, <c>domain</c> for companies (UNVERIFIED that HubSpot upserts companies by <c>domain</c>; any
    /// <c>hasUniqueValue</c> property works). A create of a type without one is rejected.
    /// </summary>
    public IDictionary<string, string> UniqueProperties { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["contacts"] = "email",
        ["companies"] = "domain",
    };

    /// <summary>At most this many pending changes are read per push (the rest wait for the next); default 100,000.</summary>
    public int MaxChanges { get; init; } = 100_000;

    /// <summary>Clock for push times.</summary>
    public TimeProvider? TimeProvider { get; init; }
}

/// <summary>What one push did.</summary>
/// <param name="PortalId">The portal pushed to.</param>
/// <param name="Pushed">Changes HubSpot confirmed (several captured changes of one record count each).</param>
/// <param name="Rejected">Changes refused, kept with the reason.</param>
/// <param name="Retrying">Changes whose call failed on the way (5xx, timeout, 429 after retries): still pending, sent again next push.</param>
public sealed record SyncPushResult(long PortalId, int Pushed, int Rejected, int Retrying)
{
    /// <summary>Association edge changes HubSpot confirmed (each captured row counts).</summary>
    public int EdgesPushed { get; init; }

    /// <summary>Edge changes refused (by HubSpot, or because a record they link was a refused local create), kept with the reason.</summary>
    public int EdgesRejected { get; init; }

    /// <summary>Edge changes whose call failed on the way: still pending, sent again next push.</summary>
    public int EdgesRetrying { get; init; }

    /// <summary>Edge changes still pending because a record they link is a local create HubSpot has not confirmed yet.</summary>
    public int EdgesWaiting { get; init; }
}

/// <summary>
/// Pushes the outbox's pending changes to HubSpot: per object type, updates by batch update, creates by batch upsert
/// on the type's unique property, deletes by batch archive, 100 per call through the client (its rate-limit gate and
/// retries). Each call's confirmed inputs are marked pushed in the same transaction that writes HubSpot's answer into
/// the mirror (a create's provisional row replaced by the record under HubSpot's id); refused ones are kept rejected
/// with HubSpot's reason and never sent again; ones whose call failed on the way stay pending. A crash between
/// HubSpot's answer and that commit sends them again next time, which changes nothing more: updates and archives are
/// idempotent and creates match the record the first attempt made. Association edges go last (<c>SyncEdgePusher</c>),
/// so an edge to a local create is sent with the id HubSpot gave it.
/// </summary>
public sealed class SyncPusher
{
    private const int BatchSize = 100;
    private readonly HubSpotClient _client;
    private readonly SqlSyncStore _store;
    private readonly SyncPushOptions _options;
    private readonly TimeProvider _time;

    /// <summary>A pusher from <paramref name="store"/> (a SQL mirror) to the portal of <paramref name="client"/>.</summary>
    public SyncPusher(HubSpotClient client, ISyncStore store, SyncPushOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        _client = client;
        _store = store as SqlSyncStore ?? throw new ArgumentException($"Pushing needs a SQL mirror (SqliteSyncStore or PostgresSyncStore), not {store.GetType().Name}.", nameof(store));
        _options = options ?? new SyncPushOptions();
        _time = _options.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>Pushes every pending change (up to <see cref="SyncPushOptions.MaxChanges"/>) of the client's portal.</summary>
    public async Task<SyncPushResult> PushAsync(CancellationToken cancellationToken = default)
    {
        var portalId = (await _client.Account.GetDetailsAsync(cancellationToken).ConfigureAwait(false)).PortalId;
        IReadOnlyList<SyncChange> pending;
        await using (var connection = await _store.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false))
        {
            pending = await SyncOutbox.ListAsync(connection, null, portalId, SyncChangeState.Pending, _options.MaxChanges, cancellationToken).ConfigureAwait(false);
            pending = await ConflictResolver.WithoutHeldAsync(_store, connection, portalId, pending, cancellationToken).ConfigureAwait(false);
        }

        var tally = new Tally();
        foreach (var type in pending.GroupBy(c => c.ObjectType, StringComparer.Ordinal))
        {
            var work = Coalesce(type);
            await PushTypeAsync(portalId, type.Key, work, tally, cancellationToken).ConfigureAwait(false);
        }

        // Edges last: a local create's edges need the id HubSpot gave it.
        var edges = new SyncEdgePusher.Tally();
        await new SyncEdgePusher(_client, _store, _time).PushAsync(portalId, _options.MaxChanges, edges, cancellationToken).ConfigureAwait(false);
        return new SyncPushResult(portalId, tally.Pushed, tally.Rejected, tally.Retrying)
        {
            EdgesPushed = edges.Pushed,
            EdgesRejected = edges.Rejected,
            EdgesRetrying = edges.Retrying,
            EdgesWaiting = edges.Waiting,
        };
    }

    // One record's pending changes folded, in capture order, into the one call that brings HubSpot to the latest state.
    private static List<RecordWork> Coalesce(IEnumerable<SyncChange> changes)
    {
        var work = new List<RecordWork>();
        foreach (var record in changes.GroupBy(c => c.RecordId, StringComparer.Ordinal))
        {
            var list = record.ToList();
            var properties = new Dictionary<string, string?>(StringComparer.Ordinal);
            var created = list[0].Kind == SyncChangeKind.Create;
            var deleted = false;
            foreach (var change in list)
            {
                if (change.Kind == SyncChangeKind.Delete)
                {
                    deleted = true;
                    continue;
                }

                foreach (var (name, value) in change.Properties)
                {
                    properties[name] = value;
                }
            }

            var kind = deleted ? (created ? (SyncChangeKind?)null : SyncChangeKind.Delete) : created ? SyncChangeKind.Create : SyncChangeKind.Update;
            work.Add(new RecordWork(record.Key, kind, properties, [.. list.Select(c => c.ChangeId)]));
        }

        return work;
    }

    private async Task PushTypeAsync(long portalId, string objectType, List<RecordWork> work, Tally tally, CancellationToken cancellationToken)
    {
        var records = _client.Crm.Objects(objectType);
        // Made and deleted locally before any push: HubSpot never needs to hear of it.
        await RecordAsync(portalId, objectType, [.. work.Where(w => w.Kind is null).Select(w => Outcome.Done(w, null))], tally, cancellationToken).ConfigureAwait(false);

        foreach (var chunk in work.Where(w => w.Kind == SyncChangeKind.Update).Chunk(BatchSize))
        {
            await SendAsync(portalId, objectType, chunk, async inputs =>
                Map(await records.BatchUpdateAsync([.. inputs.Select(w => (w.Id, new PropertyBag(w.Properties)))], cancellationToken: cancellationToken).ConfigureAwait(false), o => o),
                tally, cancellationToken).ConfigureAwait(false);
        }

        var creates = work.Where(w => w.Kind == SyncChangeKind.Create).ToList();
        if (creates.Count > 0)
        {
            var unique = _options.UniqueProperties.TryGetValue(objectType, out var name) ? name : null;
            var refused = creates.Where(w => unique is null || string.IsNullOrWhiteSpace(w.Properties.GetValueOrDefault(unique))).ToList();
            await RecordAsync(portalId, objectType, [.. refused.Select(w => Outcome.Refused(w, unique is null
                ? $"no unique property is configured for {objectType} creates (SyncPushOptions.UniqueProperties): without one a retry could duplicate the record, so it is not sent"
                : $"a local create of {objectType} needs a value of {unique} (matched by batch upsert, so a retry cannot duplicate the record); set it and create the record again"))],
                tally, cancellationToken).ConfigureAwait(false);
            foreach (var chunk in creates.Except(refused).Chunk(BatchSize))
            {
                await SendAsync(portalId, objectType, chunk, async inputs =>
                    Map(await records.BatchUpsertAsync(unique!, [.. inputs.Select(w => (w.Properties[unique!]!, new PropertyBag(w.Properties)))], cancellationToken).ConfigureAwait(false), r => r.Object),
                    tally, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var chunk in work.Where(w => w.Kind == SyncChangeKind.Delete).Chunk(BatchSize))
        {
            await SendAsync(portalId, objectType, chunk, async inputs =>
                Map(await records.BatchArchiveAsync([.. inputs.Select(w => w.Id)], cancellationToken).ConfigureAwait(false), _ => (CrmObject?)null),
                tally, cancellationToken).ConfigureAwait(false);
        }
    }

    private static (Dictionary<int, CrmObject?> Succeeded, List<BatchItemError> Failed) Map<T>(BatchResult<T> result, Func<T, CrmObject?> record) =>
        (result.Succeeded.ToDictionary(s => s.InputIndex, s => record(s.Value)), [.. result.Failed]);

    // Sends one chunk; a request HubSpot refused as a whole (a 4xx not tied to inputs) is sent again one input per call,
    // so one bad value is rejected alone and the rest still go.
    private async Task SendAsync(long portalId, string objectType, IReadOnlyList<RecordWork> inputs,
        Func<IReadOnlyList<RecordWork>, Task<(Dictionary<int, CrmObject?> Succeeded, List<BatchItemError> Failed)>> send, Tally tally, CancellationToken cancellationToken)
    {
        var (succeeded, failed) = await send(inputs).ConfigureAwait(false);
        var outcomes = new List<Outcome>();
        var resend = new List<RecordWork>();
        foreach (var (index, record) in succeeded)
        {
            outcomes.Add(Outcome.Done(inputs[index], record));
        }

        foreach (var error in failed)
        {
            var input = inputs[error.InputIndex];
            if (IsTransient(error))
            {
                outcomes.Add(Outcome.Retry(input));
            }
            else if (error.ChunkFailed && inputs.Count > 1)
            {
                resend.Add(input);
            }
            else
            {
                outcomes.Add(Outcome.Refused(input, Describe(error)));
            }
        }

        await RecordAsync(portalId, objectType, outcomes, tally, cancellationToken).ConfigureAwait(false);
        foreach (var single in resend)
        {
            await SendAsync(portalId, objectType, [single], send, tally, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(BatchItemError error) =>
        error.MayHaveBeenApplied || error.Status is 0 or 429 or >= 500;

    private static string Describe(BatchItemError error)
    {
        var details = error.Errors.Select(e => e.Message).Where(m => !string.IsNullOrWhiteSpace(m) && m != error.Message).ToList();
        var text = $"HubSpot refused it ({error.Status}{(error.Category is null ? "" : " " + error.Category)}): {error.Message}";
        return details.Count == 0 ? text : text + " (" + string.Join("; ", details) + ")";
    }

    // One transaction: HubSpot's answers into the mirror, and the outbox rows they settle.
    private async Task RecordAsync(long portalId, string objectType, IReadOnlyList<Outcome> outcomes, Tally tally, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        var now = _store.TimeValue(_time.GetUtcNow());
        var done = outcomes.Where(o => o.State == SyncChangeState.Pushed).ToList();
        await using (var batch = (SqlSyncBatch)await _store.BeginAsync(portalId, cancellationToken).ConfigureAwait(false))
        {
            // HubSpot's answer to our own changes is no remote edit to reconcile them with.
            batch.Conflicts.Ignored.UnionWith(done.SelectMany(o => o.Work.ChangeIds));
            batch.Conflicts.Defer = true;
            var confirmed = done.Where(o => o.Record is not null).ToList();
            if (confirmed.Count > 0)
            {
                var current = (await _store.GetRecordsAsync(portalId, objectType, [.. confirmed.Select(o => o.Work.Id).Concat(confirmed.Select(o => o.Record!.Id)).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false))
                    .ToDictionary(r => r.Id, StringComparer.Ordinal);
                var rows = new List<SyncRecord>();
                foreach (var outcome in confirmed)
                {
                    var record = outcome.Record!;
                    // A create HubSpot matched to a record the mirror has already (its unique value was taken) keeps that row's values.
                    var stored = current.GetValueOrDefault(record.Id) ?? current.GetValueOrDefault(outcome.Work.Id);
                    var properties = stored is not null
                        ? new Dictionary<string, string?>(stored.Properties, StringComparer.Ordinal)
                        : new Dictionary<string, string?>(StringComparer.Ordinal);
                    foreach (var (name, value) in outcome.Work.Properties)
                    {
                        properties[name] = value;
                    }

                    foreach (var (name, value) in record.Properties)
                    {
                        properties[name] = value;
                    }

                    rows.Add(new SyncRecord(record.Id, properties, stored?.CreatedAt ?? record.CreatedAt, record.UpdatedAt));
                }

                // A create's provisional row gives way to the record under HubSpot's id.
                await batch.DeleteRowsAsync(objectType, [.. confirmed.Where(o => o.Work.Kind == SyncChangeKind.Create && o.Record!.Id != o.Work.Id).Select(o => o.Work.Id)], cancellationToken).ConfigureAwait(false);
                await batch.UpsertAsync(objectType, rows, cancellationToken).ConfigureAwait(false);
            }

            var archived = done.Where(o => o.Work.Kind == SyncChangeKind.Delete).Select(o => o.Work.Id).ToList();
            await batch.ArchiveAsync(objectType, archived, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

            foreach (var outcome in outcomes.Where(o => o.State != SyncChangeState.Pending))
            {
                await SyncOutbox.SettleAsync(batch, _store, "sync_outbox", outcome.Work.ChangeIds, outcome.State, outcome.Reason, outcome.Record?.Id, now, cancellationToken).ConfigureAwait(false);
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

    private sealed record RecordWork(string Id, SyncChangeKind? Kind, Dictionary<string, string?> Properties, IReadOnlyList<long> ChangeIds);

    private sealed record Outcome(RecordWork Work, SyncChangeState State, CrmObject? Record, string? Reason)
    {
        public static Outcome Done(RecordWork work, CrmObject? record) => new(work, SyncChangeState.Pushed, record, null);

        public static Outcome Refused(RecordWork work, string reason) => new(work, SyncChangeState.Rejected, null, reason);

        public static Outcome Retry(RecordWork work) => new(work, SyncChangeState.Pending, null, null);
    }

    private sealed class Tally
    {
        public int Pushed { get; set; }

        public int Rejected { get; set; }

        public int Retrying { get; set; }
    }
}
