using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Spoke.Sync.Hosting;

/// <summary>
/// Runs <see cref="HubSpotSyncService.RunAsync"/> on start (if <see cref="HubSpotSyncOptions.RunOnStart"/>) and then
/// every <see cref="HubSpotSyncOptions.Interval"/> on the app's <see cref="TimeProvider"/>. A failing run is logged and
/// the next interval tries again; stopping the app cancels the run in flight (it resumes from its last committed page).
/// </summary>
internal sealed partial class HubSpotSyncWorker(HubSpotSyncService service, TimeProvider time, ILogger<HubSpotSyncWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = service.Options;
        if (!options.Scheduled)
        {
            return;
        }

        // The timer starts before the first run, so runs start every Interval whatever they take; a tick missed while a
        // run goes on is taken once, straight after it (PeriodicTimer coalesces them): never two runs at once.
        using var timer = new PeriodicTimer(options.Interval, time);
        try
        {
            if (options.RunOnStart)
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }

            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogStopped();
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            var run = await service.RunAsync(stoppingToken).ConfigureAwait(false);
            var failed = run.Types.Count(t => t.Error is not null);
            if (failed == 0)
            {
                var records = run.Types.Sum(t => t.Records);
                LogRunSucceeded(run.PortalId, records, run.Duration.TotalSeconds);
            }
            else if (failed > 0 && logger.IsEnabled(LogLevel.Warning))
            {
                LogRunPartlyFailed(run.PortalId, failed, string.Join("; ", run.Types.Where(t => t.Error is not null).Select(t => $"{t.ObjectType}: {t.Error}")));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogRunFailed(service.Options.Interval, e);
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Sync of portal {PortalId} done: {Records} records written in {Seconds:0.0} s")]
    private partial void LogRunSucceeded(long portalId, long records, double seconds);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Sync of portal {PortalId} done with {Failed} failed types ({Errors}); they resume at the next run")]
    private partial void LogRunPartlyFailed(long portalId, int failed, string errors);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Error, Message = "Sync run failed; retrying in {Interval}")]
    private partial void LogRunFailed(TimeSpan interval, Exception exception);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "Sync stopped")]
    private partial void LogStopped();
}
