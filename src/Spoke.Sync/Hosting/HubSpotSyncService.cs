using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Spoke.DependencyInjection;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Status;
using Spoke.Sync.Store;

namespace Spoke.Sync.Hosting;

/// <summary>
/// The sync engine as a service of the app (<c>services.AddHubSpotSync()</c> registers it, with a background service
/// that calls <see cref="RunAsync"/> every <see cref="HubSpotSyncOptions.Interval"/>). Inject it to run a sync now, read
/// the mirror's status, or hear progress and results. One run at a time: a run asked for while one is going waits for it.
/// The store is opened on first use and kept open until the app stops.
/// </summary>
public sealed partial class HubSpotSyncService : IAsyncDisposable
{
    private readonly HubSpotSyncOptions _options;
    private readonly IHubSpotClientFactory? _clients;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _runGate = new(1, 1);
    private readonly SemaphoreSlim _storeGate = new(1, 1);
    private readonly Lock _observersLock = new();
    private ISyncObserver[] _observers;
    private ISyncStore? _store;
    private long? _portalId;

    internal HubSpotSyncService(IOptions<HubSpotSyncOptions> options, IHubSpotClientFactory? clients, IEnumerable<ISyncObserver> observers, TimeProvider? time, ILoggerFactory? loggers)
    {
        _options = options.Value;
        _clients = clients;
        _observers = [.. observers];
        _time = time ?? TimeProvider.System;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<HubSpotSyncService>();
    }

    /// <summary>The settings in force.</summary>
    public HubSpotSyncOptions Options => _options;

    /// <summary>
    /// Runs a sync now (after the one in progress, if any) and returns what it did; observers hear its progress and
    /// result. With <see cref="HubSpotSyncOptions.Push"/> the local changes are pushed after the sync. Throws what the run throws (HubSpot unreachable, the token refused, cancelled); a type that fails is
    /// reported in the result instead.
    /// </summary>
    public async Task<SyncRunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        await _runGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var store = await GetStoreAsync(cancellationToken).ConfigureAwait(false);
            var client = CreateClient();
            var engine = new SyncEngine(client, store, _options.ToSyncOptions(), _time, _loggers.CreateLogger<SyncEngine>());
            Notify(static (o, _) => o.OnRunStarted(), 0);
            try
            {
                var result = await engine.RunAsync(new ObserverProgress(this), cancellationToken).ConfigureAwait(false);
                _portalId = result.PortalId;
                if (_options.Push)
                {
                    // After the run: what was changed locally since the last one goes to HubSpot; its echo is read back
                    // by the next run and, equal to the mirror, writes nothing.
                    var push = await new SyncPusher(client, store, PushOptions()).PushAsync(cancellationToken).ConfigureAwait(false);
                    LogPushed(push.PortalId, push.Pushed, push.Rejected, push.Retrying);
                    Notify(static (o, p) => o.OnPushCompleted(p), push);
                }

                Notify(static (o, r) => o.OnRunCompleted(r), result);
                return result;
            }
            catch (Exception e)
            {
                Notify(static (o, x) => o.OnRunFailed(x), e);
                throw;
            }
        }
        finally
        {
            _runGate.Release();
        }
    }

    /// <summary>
    /// The mirror's status for the synced portal: each object type's state (never synced, backfilling, incremental,
    /// failed with the reason), checkpoint and last run. Reads the store; asks HubSpot only for the portal id, once,
    /// when no run has told it yet.
    /// </summary>
    public async Task<SyncPortalStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var store = await GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var portalId = _portalId ??= (await CreateClient().Account.GetDetailsAsync(cancellationToken).ConfigureAwait(false)).PortalId;
        var configured = _options.ToSyncOptions().ObjectTypes;
        return await new SyncStatusReader(store).ReadAsync(portalId, configured.Count > 0 ? configured : SyncEngine.StandardObjectTypes, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds an observer until the returned handle is disposed.</summary>
    public IDisposable Subscribe(ISyncObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_observersLock)
        {
            _observers = [.. _observers, observer];
        }

        return new Subscription(this, observer);
    }

    /// <summary>Closes the store (the host does this when the app stops).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
            _store = null;
        }

        _runGate.Dispose();
        _storeGate.Dispose();
    }

    // Validation at start refuses a host without a client; this guards a service resolved without starting the host.
    private HubSpotClient CreateClient() => (_clients ?? throw new InvalidOperationException(
        "No HubSpot client is registered: call services.AddHubSpotClient() before AddHubSpotSync.")).CreateClient(_options.ClientName ?? "");

    private async Task<ISyncStore> GetStoreAsync(CancellationToken cancellationToken)
    {
        if (_store is { } open)
        {
            return open;
        }

        await _storeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _store ??= await SyncDatabase.Parse(_options.Database).OpenAsync(_options.ToStoreOptions(_time), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _storeGate.Release();
        }
    }

    private void Unsubscribe(ISyncObserver observer)
    {
        lock (_observersLock)
        {
            _observers = [.. _observers.Where(o => !ReferenceEquals(o, observer))];
        }
    }

    private SyncPushOptions PushOptions()
    {
        var push = new SyncPushOptions { TimeProvider = _time };
        foreach (var (type, property) in _options.UniqueProperties)
        {
            push.UniqueProperties[type] = property;
        }

        return push;
    }

    private void Notify<T>(Action<ISyncObserver, T> call, T argument)
    {
        foreach (var observer in Volatile.Read(ref _observers))
        {
            try
            {
                call(observer, argument);
            }
            catch (Exception e)
            {
                LogObserverFailed(observer.GetType().Name, e);
            }
        }
    }

    [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "Pushed {Pushed} local changes to portal {PortalId}; {Rejected} rejected (kept with HubSpot's reason), {Retrying} left pending after failed calls")]
    private partial void LogPushed(long portalId, int pushed, int rejected, int retrying);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Sync observer {Observer} threw; ignored")]
    private partial void LogObserverFailed(string observer, Exception exception);

    // Reports synchronously on the run's task (Progress<T> would post to the thread pool and reorder them).
    private sealed class ObserverProgress(HubSpotSyncService service) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => service.Notify(static (o, p) => o.OnProgress(p), value);
    }

    private sealed class Subscription(HubSpotSyncService service, ISyncObserver observer) : IDisposable
    {
        public void Dispose() => service.Unsubscribe(observer);
    }
}
