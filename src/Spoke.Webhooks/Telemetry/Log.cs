using Microsoft.Extensions.Logging;

namespace Spoke.Webhooks.Telemetry;

/// <summary>Every log line of the receiver. None carries a secret, a signature or a body.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "HubSpot webhook request rejected: {Failure} ({Reason})")]
    public static partial void SignatureRejected(ILogger logger, string failure, string reason);

    [LoggerMessage(2, LogLevel.Warning, "HubSpot webhook request rejected: malformed body ({Reason})")]
    public static partial void MalformedBody(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Debug, "HubSpot webhook request stored: {Count} events, {New} new, {Duplicates} duplicates")]
    public static partial void Stored(ILogger logger, int count, int @new, int duplicates);

    [LoggerMessage(4, LogLevel.Warning, "Handler failed for inbox event {Id} ({Type}, attempt {Attempt}); retry at {RetryAt:o}: {Reason}")]
    public static partial void HandlerRetry(ILogger logger, long id, string type, int attempt, DateTimeOffset retryAt, string reason);

    [LoggerMessage(5, LogLevel.Error, "Handler failed for inbox event {Id} ({Type}) {Attempts} times; dead-lettered: {Reason}")]
    public static partial void DeadLettered(ILogger logger, long id, string type, int attempts, string reason);

    [LoggerMessage(6, LogLevel.Error, "The webhook dispatcher could not read the inbox; trying again")]
    public static partial void DispatcherFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "Could not commit {Count} webhook requests to the inbox; they are answered 500 so HubSpot retries")]
    public static partial void CommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(8, LogLevel.Information, "Replayed {Count} dead-lettered webhook events")]
    public static partial void Replayed(ILogger logger, int count);

    [LoggerMessage(9, LogLevel.Warning, "HubSpot webhook request refused with 503: the bodies in flight already hold the budget of {Budget} bytes (MaxBodyBytesInFlight)")]
    public static partial void BodyBudgetExhausted(ILogger logger, long budget);

    [LoggerMessage(10, LogLevel.Warning, "HubSpot webhook request refused with 408: its body did not arrive within {Seconds} s (BodyReadTimeout)")]
    public static partial void BodyReadTimedOut(ILogger logger, double seconds);
}
