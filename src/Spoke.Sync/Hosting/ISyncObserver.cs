using Spoke.Sync.Engine;
using Spoke.Sync.Push;

namespace Spoke.Sync.Hosting;

/// <summary>
/// Hears what <see cref="HubSpotSyncService"/> does: register one in DI (<c>services.AddSingleton&lt;ISyncObserver, MyObserver&gt;()</c>)
/// or call <see cref="HubSpotSyncService.Subscribe"/>. Implement only what you need. Calls come from the run's own task,
/// in order; keep them quick (a slow observer slows the sync). An observer that throws is logged and ignored.
/// </summary>
public interface ISyncObserver
{
    /// <summary>A run is starting.</summary>
    void OnRunStarted()
    {
    }

    /// <summary>A type's counts so far (<see cref="SyncProgress.Phase"/> <c>done</c> when the type finished).</summary>
    void OnProgress(SyncProgress progress)
    {
    }

    /// <summary>A run finished (<see cref="SyncRunResult.Succeeded"/> is false when some types failed).</summary>
    void OnRunCompleted(SyncRunResult result)
    {
    }

    /// <summary>With <see cref="HubSpotSyncOptions.Push"/>: the run's push of local changes finished (before <see cref="OnRunCompleted"/>).</summary>
    void OnPushCompleted(SyncPushResult result)
    {
    }

    /// <summary>A run stopped with an exception (HubSpot unreachable, the token refused, the store failing, or cancelled on stop).</summary>
    void OnRunFailed(Exception exception)
    {
    }
}
