using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spoke.Batching;
using Spoke.Crm;
using Spoke.Errors;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Webhooks.Inbox;

namespace Spoke.Sync.Watch;

/// <summary>
/// Keeps a mirror current while it runs (<c>spoke sync --watch</c>): webhook events from the durable inbox mark records
/// dirty, and each batch of them is applied with one batch read per 100 records (a record HubSpot no longer has becomes
/// a tombstone, a merge an alias, an association change a re-read of the record's edges), committed, and only then
/// acknowledged in the inbox; a crash in between applies the batch again, which changes nothing. Every
/// <see cref="SyncWatchOptions.PollInterval"/> the engine's incremental pass runs too, so a missed webhook never means a
/// missed change; without an inbox those passes are all there is. Batches and passes take turns (never one while the
/// other reads), so an older read never overwrites a newer one.
/// </summary>
public sealed partial class SyncWatcher
{
    private const int BatchReadSize = 100;

    private readonly SyncEngine _engine;
    private readonly WebhookInboxStore? _inbox;
    private readonly SyncWatchOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<string> _unreadableTargets = new(StringComparer.OrdinalIgnoreCase);
    private long? _portalId;
    private WatchTypeMap? _types;
    private AssociationTargets? _targets;

    /// <summary>
    /// A watcher running <paramref name="engine"/>'s passes and, when <paramref name="inbox"/> is given, applying its
    /// events (the inbox's own dispatcher must not run: <c>RunDispatcher = false</c>).
    /// </summary>
    public SyncWatcher(SyncEngine engine, WebhookInboxStore? inbox, SyncWatchOptions? options = null, ILogger<SyncWatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _inbox = inbox;
        _options = options ?? new SyncWatchOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (inbox is not null)
        {
            inbox.EventsAppended += (_, _) => _wake.Writer.TryWrite(true);
        }
    }

    private TimeProvider Time => _engine.Time;

    private HubSpotClient Client => _engine.Client;

    private ISyncStore Store => _engine.Store;

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled: a pass first (a first run backfills), then batches of
    /// events as they arrive and a pass every <see cref="SyncWatchOptions.PollInterval"/>. A batch in progress when it
    /// is cancelled is finished and acknowledged first; a pass is cancelled (its uncommitted page is redone next time).
    /// Failures are reported and retried; only HubSpot refusing the token (401, a <see cref="HubSpotApiException"/>) ends
    /// the watch. With <see cref="SyncWatchOptions.Pusher"/> set, local changes are pushed between batches and passes.
    /// </summary>
    public async Task RunAsync(IProgress<SyncWatchReport>? progress = null, CancellationToken stoppingToken = default)
    {
        var nextPass = Time.GetUtcNow();
        var retryAt = DateTimeOffset.MinValue;
        var nextPush = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (Time.GetUtcNow() >= nextPass)
            {
                try
                {
                    var pass = await PassAsync(stoppingToken).ConfigureAwait(false);
                    progress?.Report(new SyncWatchReport(null, pass, null));
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (HubSpotApiException e) when (e.Status == 401)
                {
                    throw; // the token is refused: nothing will work until it is fixed
                }
                catch (Exception e)
                {
                    LogPassFailed(e);
                    progress?.Report(new SyncWatchReport(null, null, "incremental pass: " + e.Message));
                }

                // Until a first pass succeeds no event can be applied (nor is the portal known): try again soon.
                nextPass = Time.GetUtcNow() + (_types is null ? _options.RetryDelay : _options.PollInterval);
            }

            if (_inbox is not null && _types is not null && Time.GetUtcNow() >= retryAt)
            {
                try
                {
                    // A batch is bounded; once begun it runs to its acknowledgement even when stopping.
                    while (await ApplyPendingAsync(CancellationToken.None).ConfigureAwait(false) is { } batch)
                    {
                        progress?.Report(new SyncWatchReport(batch, null, null));
                        if (batch.Events < _options.MaxEventsPerBatch || stoppingToken.IsCancellationRequested || Time.GetUtcNow() >= nextPass)
                        {
                            break;
                        }
                    }
                }
                catch (HubSpotApiException e) when (e.Status == 401)
                {
                    throw;
                }
                catch (Exception e)
                {
                    LogBatchFailed(e);
                    progress?.Report(new SyncWatchReport(null, null, "webhook batch: " + e.Message));
                    retryAt = Time.GetUtcNow() + _options.RetryDelay;
                }
            }

            if (_options.Pusher is { } pusher && _portalId is { } portalId && Time.GetUtcNow() >= nextPush && !stoppingToken.IsCancellationRequested)
            {
                nextPush = Time.GetUtcNow() + _options.PushPollInterval;
                try
                {
                    // Stopping cancels the push: each chunk's outcome commits in its own transaction, and a chunk whose
                    // answer was not recorded stays pending and is sent again next time, which changes nothing more.
                    if (await SyncOutbox.HasPendingAsync(Store, portalId, stoppingToken).ConfigureAwait(false))
                    {
                        var push = await pusher.PushAsync(stoppingToken).ConfigureAwait(false);
                        progress?.Report(new SyncWatchReport(null, null, null, push));
                        if (push.Retrying > 0 && push.Pushed == 0 && push.Rejected == 0)
                        {
                            nextPush = Time.GetUtcNow() + _options.RetryDelay; // HubSpot failing every call: not every 250 ms
                        }
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (HubSpotApiException e) when (e.Status == 401)
                {
                    throw;
                }
                catch (Exception e)
                {
                    LogPushFailed(e);
                    progress?.Report(new SyncWatchReport(null, null, "push: " + e.Message));
                    nextPush = Time.GetUtcNow() + _options.RetryDelay;
                }
            }

            await WaitAsync(nextPass, retryAt, _options.Pusher is not null && _portalId is not null ? nextPush : DateTimeOffset.MaxValue, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task WaitAsync(DateTimeOffset nextPass, DateTimeOffset retryAt, DateTimeOffset nextPush, CancellationToken stoppingToken)
    {
        // Never longer than the inbox poll interval: the clock is read again then, so a clock that jumps (a fake one in
        // tests, an adjusted system clock) is noticed within it.
        var now = Time.GetUtcNow();
        var until = now + _options.InboxPollInterval;
        until = nextPass < until ? nextPass : until;
        until = nextPush < until ? nextPush : until;
        if (_inbox is not null && retryAt > now && retryAt < until)
        {
            until = retryAt;
        }

        var wait = until - now;
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _inbox is not null && retryAt <= now ? _wake.Reader.WaitToReadAsync(cancel.Token).AsTask() : Task.Delay(Timeout.Infinite, cancel.Token);
        try
        {
            await Task.WhenAny(woken, Task.Delay(wait, Time, cancel.Token)).ConfigureAwait(false);
        }
        finally
        {
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        _wake.Reader.TryRead(out _);
    }

    /// <summary>One incremental pass of the engine; also refreshes which types are synced and how their edges are read.</summary>
    internal async Task<SyncRunResult> PassAsync(CancellationToken cancellationToken)
    {
        var run = await _engine.RunAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _portalId = run.PortalId;
        var types = await _engine.ResolveObjectTypesAsync(cancellationToken).ConfigureAwait(false);
        var schemas = new List<(string, string, string)>();
        if (types.Any(t => !WatchTypeMapHasStandard(t)))
        {
            try
            {
                await foreach (var schema in Client.Schemas.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    schemas.Add((schema.ObjectTypeId, schema.Name, schema.FullyQualifiedName));
                }
            }
            catch (HubSpotApiException e) when (e.Status is 401 or 403)
            {
                // Without the schemas scope, custom objects' events are matched by type id only.
            }
        }

        _types = new WatchTypeMap(types, schemas);
        _targets = new AssociationTargets(Client, types);
        return run;
    }

    private static bool WatchTypeMapHasStandard(string type) => SyncEngine.StandardObjectTypes.Contains(type, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Takes up to <see cref="SyncWatchOptions.MaxEventsPerBatch"/> pending events, applies them to the mirror in one
    /// transaction and acknowledges them; null when none were pending. Needs a pass first (<see cref="PassAsync"/>).
    /// </summary>
    internal async Task<SyncWatchBatch?> ApplyPendingAsync(CancellationToken cancellationToken)
    {
        if (_inbox is null || _types is null || _portalId is not { } portalId)
        {
            return null;
        }

        var pending = await _inbox.GetPendingAsync(_options.MaxEventsPerBatch, cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return null;
        }

        var plan = new WatchPlan();
        foreach (var stored in pending)
        {
            // Events of other portals the app is installed in are not this mirror's: acknowledged, not applied.
            if (WatchEvent.Parse(stored.Id, stored.SubscriptionType, stored.Json) is { } e && (e.PortalId is null || e.PortalId == portalId))
            {
                await PlanAsync(plan, e, cancellationToken).ConfigureAwait(false);
            }
        }

        var result = await ApplyAsync(portalId, plan, cancellationToken).ConfigureAwait(false);
        await _inbox.MarkProcessedAsync([.. pending.Select(p => p.Id)], Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return result with { Events = pending.Count };
    }

    /// <summary>What one batch of events asks for, coalesced per record.</summary>
    private sealed class WatchPlan
    {
        /// <summary>Per type, the records to read back and the newest event time seen for each.</summary>
        public Dictionary<string, Dictionary<string, long>> Records { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Per (from type, to type), the records whose edges to read again.</summary>
        public Dictionary<(string From, string To), HashSet<string>> Edges { get; } = [];

        public List<(string Type, string Loser, string Survivor)> Merges { get; } = [];

        public void Dirty(string type, string id, long at)
        {
            if (!Records.TryGetValue(type, out var ids))
            {
                Records[type] = ids = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            ids[id] = Math.Max(at, ids.GetValueOrDefault(id));
        }

        public void DirtyEdges(string from, string to, string id)
        {
            if (!Edges.TryGetValue((from, to), out var ids))
            {
                Edges[(from, to)] = ids = new HashSet<string>(StringComparer.Ordinal);
            }

            ids.Add(id);
        }
    }

    private async Task PlanAsync(WatchPlan plan, WatchEvent e, CancellationToken cancellationToken)
    {
        var types = _types!;
        if (e.Change == "associationChange")
        {
            // objectId is the from side; which side's table holds the edge is the pair's earlier type.
            var sides = e.AssociationType is { } name ? types.Sides(name) : null;
            if (sides is not { } pair || e.FromObjectId is not { } fromId || e.ToObjectId is not { } toId)
            {
                return; // a pair not mirrored (or not recognised): the passes cover it
            }

            var (from, to, id) = types.IndexOf(pair.From) <= types.IndexOf(pair.To) ? (pair.From, pair.To, fromId) : (pair.To, pair.From, toId);
            if ((await TargetsAsync(from, cancellationToken).ConfigureAwait(false)).Contains(to, StringComparer.OrdinalIgnoreCase))
            {
                plan.DirtyEdges(from, to, id);
            }

            return;
        }

        if (types.TypeOf(e) is not { } type)
        {
            return;
        }

        var target = e.ObjectId;
        if (e.Change == "merge")
        {
            target = e.NewObjectId ?? e.PrimaryObjectId ?? e.ObjectId;
            foreach (var loser in e.MergedObjectIds.Where(l => l != target))
            {
                plan.Merges.Add((type, loser, target));
            }
        }

        plan.Dirty(type, target, e.OccurredAtMs);
        if (e.Change is "creation" or "restore" or "merge")
        {
            // Edges made with the record (or moved to it) may come without an associationChange of their own.
            foreach (var to in await TargetsAsync(type, cancellationToken).ConfigureAwait(false))
            {
                plan.DirtyEdges(type, to, target);
            }
        }
    }

    private Task<IReadOnlyList<string>> TargetsAsync(string type, CancellationToken cancellationToken) =>
        _targets!.ForAsync(type, () => { }, cancellationToken);

    private async Task<SyncWatchBatch> ApplyAsync(long portalId, WatchPlan plan, CancellationToken cancellationToken)
    {
        long calls = 0;
        var upserts = new List<(string Type, List<SyncRecord> Records)>();
        var echoes = new List<(string Type, List<SyncRecord> Records)>();
        var tombstones = new List<(string Type, string Id, DateTimeOffset At)>();
        var merges = new List<(string Type, string Loser, string Survivor)>(plan.Merges);
        var gone = new HashSet<(string, string)>();
        foreach (var (type, dirty) in plan.Records)
        {
            var properties = SyncStreams.ReadDefinitions(await Store.GetCheckpointAsync(portalId, type, SyncStreams.Definitions, cancellationToken).ConfigureAwait(false))?.Names;
            if (properties is null)
            {
                continue; // never synced yet: its first pass reads it whole
            }

            var records = Client.Crm.Objects(type);
            HashSet<string>? readOnly = null;
            foreach (var chunk in dirty.Keys.Chunk(BatchReadSize))
            {
                calls++;
                BatchResult<CrmObject> read;
                try
                {
                    read = await records.BatchReadAsync(chunk, new CrmReadOptions { Properties = [.. properties] }, cancellationToken).ConfigureAwait(false);
                }
                catch (HubSpotApiException ex) when (ex.Status == 403)
                {
                    break; // the token may no longer read the type: the pass reports it
                }

                var failed = read.Failed.Where(f => f.Status != 404).ToList();
                if (failed.Count > 0)
                {
                    throw new InvalidOperationException($"Batch read of {type} failed for {failed.Count} records: {failed[0].Message}");
                }

                // 404: deleted (or archived) in HubSpot since the event: a tombstone as of the newest event about it.
                foreach (var missing in read.Failed)
                {
                    var id = missing.InputId ?? chunk[missing.InputIndex];
                    tombstones.Add((type, id, DateTimeOffset.FromUnixTimeMilliseconds(dirty.GetValueOrDefault(id, Time.GetUtcNow().ToUnixTimeMilliseconds()))));
                    gone.Add((type, id));
                }

                var incoming = read.Values.Select(SyncMapping.ToSyncRecord).ToList();
                readOnly ??= await EchoFilter.ReadOnlyPropertiesAsync(Store, portalId, type, cancellationToken).ConfigureAwait(false);
                // An echo of our own push (or a change of HubSpot-calculated values alone) is no remote change, nor may it raise a conflict.
                var same = await EchoFilter.UnchangedAsync(Store, portalId, type, incoming, readOnly, cancellationToken).ConfigureAwait(false);
                upserts.Add((type, [.. incoming.Where(r => !same.Contains(r.Id))]));
                echoes.Add((type, [.. incoming.Where(r => same.Contains(r.Id))]));
                foreach (var (loser, survivor) in await SyncMapping.NewMergesAsync(Store, portalId, type, read.Values, cancellationToken).ConfigureAwait(false))
                {
                    merges.Add((type, loser, survivor));
                }
            }
        }

        var edges = new List<(string From, string To, string[] Ids, List<SyncAssociation> Edges)>();
        foreach (var ((from, to), ids) in plan.Edges)
        {
            if (_unreadableTargets.Contains(to))
            {
                continue;
            }

            foreach (var chunk in ids.Where(id => !gone.Contains((from, id))).Chunk(BatchReadSize))
            {
                calls++;
                BatchResult<Spoke.Associations.RecordAssociations> read;
                try
                {
                    read = await Client.Associations.BatchReadAsync(from, to, chunk, cancellationToken).ConfigureAwait(false);
                }
                catch (HubSpotApiException ex) when (ex.Status == 403)
                {
                    _unreadableTargets.Add(to);
                    break;
                }

                var failed = read.Failed.Where(f => f.Status != 404).ToList();
                if (failed.Count > 0)
                {
                    throw new InvalidOperationException($"Reading {from}→{to} associations failed for {failed.Count} records: {failed[0].Message}");
                }

                // A record without edges is missing from the answer (or answered 404): its stored edges go.
                edges.Add((from, to, chunk, SyncMapping.ToSyncEdges(read.Values, from, to)));
            }
        }

        long written = 0, deletes = 0, merged = 0, associations = 0;
        // HubSpot's times of properties that conflict with pending local changes, read before the transaction opens.
        var conflicts = new Push.ConflictContext(_engine.Options.ConflictPolicies);
        foreach (var (type, records) in upserts.Where(u => u.Records.Count > 0))
        {
            await Push.ConflictResolver.PrepareAsync(Store, Client.Crm.Objects(type), portalId, type, records, null, cancellationToken, conflicts).ConfigureAwait(false);
        }

        await using (var batch = await Store.BeginAsync(portalId, cancellationToken).ConfigureAwait(false))
        {
            Push.ConflictResolver.Use(batch, conflicts);
            foreach (var (type, records) in upserts.Where(u => u.Records.Count > 0))
            {
                written += await batch.UpsertAsync(type, records, cancellationToken).ConfigureAwait(false);
            }

            // Still written (HubSpot's own values, e.g. hs_lastmodifieddate, moved), but not counted as remote changes.
            foreach (var (type, records) in echoes.Where(u => u.Records.Count > 0))
            {
                await batch.UpsertAsync(type, records, cancellationToken).ConfigureAwait(false);
            }

            foreach (var group in tombstones.GroupBy(t => (t.Type, t.At)))
            {
                deletes += await batch.ArchiveAsync(group.Key.Type, [.. group.Select(t => t.Id)], group.Key.At, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (type, loser, survivor) in merges.Distinct())
            {
                if (await Store.ResolveIdAsync(portalId, type, loser, cancellationToken).ConfigureAwait(false) != survivor)
                {
                    await batch.MergeAsync(type, loser, survivor, cancellationToken).ConfigureAwait(false);
                    merged++;
                }
            }

            foreach (var (from, to, ids, list) in edges)
            {
                await batch.ReplaceAssociationsAsync(from, ids, to, list, cancellationToken).ConfigureAwait(false);
                associations += list.Count;
            }

            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return new SyncWatchBatch(0, written, deletes, merged, associations, calls, echoes.Sum(e => e.Records.Count));
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Watch: an incremental pass failed; the next runs after the poll interval")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Watch: pushing local changes failed; they stay pending and are pushed again shortly")]
    private partial void LogPushFailed(Exception exception);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Watch: applying a batch of webhook events failed; the events stay in the inbox and are tried again")]
    private partial void LogBatchFailed(Exception exception);
}
