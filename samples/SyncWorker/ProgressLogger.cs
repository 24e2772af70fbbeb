using Microsoft.Extensions.Logging;
using Spoke.Sync.Engine;
using Spoke.Sync.Hosting;

namespace SyncWorker;

/// <summary>Logs each type's progress and each run's result: what an app would send to its own dashboard.</summary>
internal sealed partial class ProgressLogger(ILogger<ProgressLogger> logger) : ISyncObserver
{
    public void OnRunStarted() => LogStarted();

    public void OnProgress(SyncProgress progress) => LogProgress(progress.ObjectType, progress.Phase, progress.Records, progress.ApiCalls);

    public void OnRunCompleted(SyncRunResult result)
    {
        foreach (var type in result.Types)
        {
            LogType(type.ObjectType, type.Mode, type.Records, type.Associations, type.Deletes, type.Merges, type.Error ?? type.SkippedReason ?? "ok");
        }
    }

    public void OnRunFailed(Exception exception) => LogFailed(exception.GetType().Name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync run starting")]
    private partial void LogStarted();

    [LoggerMessage(Level = LogLevel.Information, Message = "{ObjectType}: {Phase}, {Records} records, {ApiCalls} API calls")]
    private partial void LogProgress(string objectType, string phase, long records, long apiCalls);

    [LoggerMessage(Level = LogLevel.Information, Message = "{ObjectType} ({Mode}): {Records} records, {Associations} edges, {Deletes} deletes, {Merges} merges: {Outcome}")]
    private partial void LogType(string objectType, string mode, long records, long associations, long deletes, long merges, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync run stopped ({Reason}); the next interval tries again")]
    private partial void LogFailed(string reason);
}
