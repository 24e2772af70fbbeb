using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spoke.Errors;
using Spoke.Sync.Status;
using Spoke.Sync.Store;
using Spoke.Sync.Telemetry;

namespace Spoke.Sync.Engine;

/// <summary>
/// Mirrors one HubSpot portal into an <see cref="ISyncStore"/>: per object type a resumable backfill through the list API,
/// then incremental passes through search (ids and timestamps only, hydrated by batch read), deletes through the archived
/// listing, merges through <c>hs_merged_object_ids</c>, association edges through v4 batch reads, property definitions
/// and pipelines. Every page is written in one transaction with the checkpoint that covers it, so a crash at any point
/// redoes at most the page in flight. One run at a time per portal.
/// </summary>
public sealed partial class SyncEngine
{
    /// <summary>The standard CRM types mirrored when <see cref="SyncOptions.ObjectTypes"/> is empty, in the order they run.</summary>
    public static readonly IReadOnlyList<string> StandardObjectTypes =
        ["contacts", "companies", "deals", "tickets", "products", "line_items", "notes", "tasks", "calls", "emails", "meetings"];

    private readonly HubSpotClient _client;
    private readonly ISyncStore _store;
    private readonly SyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>An engine over <paramref name="client"/> (its rate-limit gate paces every call) writing to <paramref name="store"/>.</summary>
    public SyncEngine(HubSpotClient client, ISyncStore store, SyncOptions? options = null, TimeProvider? timeProvider = null, ILogger<SyncEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        _options = options ?? new SyncOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentTypes, 1, "options.MaxConcurrentTypes");
        // A view of the caller's client on the same gate: the run keeps its reserve, and its usage counts the run's calls.
        _client = client.WithBurstBudgetReserve(_options.BurstBudgetReserve);
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    internal HubSpotClient Client => _client;

    internal ISyncStore Store => _store;

    internal SyncOptions Options => _options;

    internal TimeProvider Time => _time;

    /// <summary>
    /// One run: up to <see cref="SyncOptions.MaxConcurrentTypes"/> object types at once, each a backfill where none
    /// finished, then an incremental pass and a deletes pass. A type the token may not read is skipped with the reason; a
    /// type that fails is reported and the others still run. Results keep the types' order.
    /// </summary>
    public async Task<SyncRunResult> RunAsync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        using var runActivity = SyncTelemetry.StartRun();
        long portalId;
        try
        {
            portalId = (await _client.Account.GetDetailsAsync(cancellationToken).ConfigureAwait(false)).PortalId;
        }
        catch (Exception e)
        {
            SyncTelemetry.RecordRun(e is OperationCanceledException ? "cancelled" : "failed", null, _time.GetElapsedTime(started), runActivity, e.Message);
            throw;
        }

        var runId = Guid.NewGuid().ToString("N");
        await _store.StartRunAsync(portalId, runId, cancellationToken).ConfigureAwait(false);
        var results = new List<SyncTypeResult>();
        try
        {
            var types = await ResolveObjectTypesAsync(cancellationToken).ConfigureAwait(false);
            var associationTargets = new AssociationTargets(_client, types);
            results.AddRange(types.Select(type => new SyncTypeResult { ObjectType = type }));
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentTypes, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(results, parallel, (result, token) =>
                new ValueTask(RunTypeAsync(portalId, result, associationTargets, progress, token))).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _store.FinishRunAsync(runId, SyncRunStatus.Cancelled, Counts(results), "cancelled", CancellationToken.None).ConfigureAwait(false);
            SyncTelemetry.RecordRun("cancelled", portalId, _time.GetElapsedTime(started), runActivity);
            throw;
        }
        catch (Exception e)
        {
            await _store.FinishRunAsync(runId, SyncRunStatus.Failed, Counts(results), e.Message, CancellationToken.None).ConfigureAwait(false);
            SyncTelemetry.RecordRun("failed", portalId, _time.GetElapsedTime(started), runActivity, e.Message);
            throw;
        }

        var run = new SyncRunResult { RunId = runId, PortalId = portalId, Types = results, Duration = _time.GetElapsedTime(started) };
        var errors = string.Join("; ", results.Where(r => r.Error is not null).Select(r => $"{r.ObjectType}: {r.Error}"));
        await _store.FinishRunAsync(runId, run.Succeeded ? SyncRunStatus.Succeeded : SyncRunStatus.Failed, Counts(results),
            errors.Length == 0 ? null : errors, CancellationToken.None).ConfigureAwait(false);
        SyncTelemetry.RecordRun(run.Succeeded ? "succeeded" : "failed", portalId, run.Duration, runActivity, errors.Length == 0 ? null : errors);
        return run;
    }

    /// <summary>The run's share of the 10-second budget in the last window; null while the gate knows no limit.</summary>
    private double? BudgetUsed() => _client.RateLimitUsage is { Limit: > 0 } usage ? usage.Share : null;

    private async Task RunTypeAsync(long portalId, SyncTypeResult result, AssociationTargets associationTargets,
        IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var type = result.ObjectType;
        var tracker = new SyncProgressTracker(type, _time, BudgetUsed);
        var typeStarted = _time.GetTimestamp();
        using var typeActivity = SyncTelemetry.StartObjectType(type, portalId);
        try
        {
            await new ObjectTypeSync(this, portalId, type, associationTargets, result, progress, tracker).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HubSpotApiException e) when (e.Status is 401 or 403)
        {
            result.SkippedReason = $"the token may not read {type} (HubSpot answered {e.Status}: {e.Message}); grant the scope, or leave the type out with --objects";
            LogSkipped(type, e.Status);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result.Error = e.Message;
            LogFailed(type, e);
        }
        finally
        {
            result.Duration = _time.GetElapsedTime(typeStarted);
            SyncTelemetry.RecordType(result, portalId, typeActivity);
        }

        progress?.Report(tracker.Snapshot("done", result.Records, result.ApiCalls));
    }

    private static string Counts(List<SyncTypeResult> results) => SyncRunLog.Write(results);

    internal async Task<IReadOnlyList<string>> ResolveObjectTypesAsync(CancellationToken cancellationToken)
    {
        if (_options.ObjectTypes.Count > 0)
        {
            // The standard types in their fixed order, whatever order they were asked in: an edge is read (and stored)
            // from the earlier type of its pair, so the order must not change between runs.
            return [.. _options.ObjectTypes.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(StandardRank)];
        }

        var types = new List<string>(StandardObjectTypes);
        try
        {
            await foreach (var schema in _client.Schemas.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                types.Add(schema.ObjectTypeId);
            }
        }
        catch (HubSpotApiException e) when (e.Status is 401 or 403)
        {
            // Reading schemas needs crm.schemas.custom.read; without it there are no custom objects to mirror.
            LogNoCustomObjects(e.Status);
        }

        return types;
    }

    private static int StandardRank(string type)
    {
        for (var i = 0; i < StandardObjectTypes.Count; i++)
        {
            if (string.Equals(StandardObjectTypes[i], type, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return StandardObjectTypes.Count;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Skipping {ObjectType}: the token may not read it (HubSpot answered {Status})")]
    private partial void LogSkipped(string objectType, int status);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Syncing {ObjectType} failed")]
    private partial void LogFailed(string objectType, Exception exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "No custom objects: the token may not read schemas (HubSpot answered {Status})")]
    private partial void LogNoCustomObjects(int status);
}
