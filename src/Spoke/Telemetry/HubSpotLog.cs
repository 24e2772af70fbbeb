using Microsoft.Extensions.Logging;

namespace Spoke.Telemetry;

/// <summary>
/// The client's log lines. They carry the method, path template, status, category, attempt, delays and correlation id;
/// never a token, a body, an id or any other personal data.
/// </summary>
internal static partial class HubSpotLog
{
    [LoggerMessage(1001, LogLevel.Debug, "HubSpot {Method} {PathTemplate} answered {Status} in {ElapsedMs} ms (attempt {Attempt}, correlation id {CorrelationId})")]
    public static partial void Answered(ILogger logger, string method, string pathTemplate, int status, long elapsedMs, int attempt, string? correlationId);

    [LoggerMessage(1002, LogLevel.Warning, "HubSpot {Method} {PathTemplate} failed ({Category}, status {Status}, attempt {Attempt}, correlation id {CorrelationId}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string method, string pathTemplate, string category, int status, int attempt, string? correlationId, long delayMs);

    [LoggerMessage(1003, LogLevel.Error, "HubSpot {Method} {PathTemplate} failed for good ({Category}, status {Status}, after {Attempts} attempts, correlation id {CorrelationId})")]
    public static partial void Failed(ILogger logger, string method, string pathTemplate, string category, int status, int attempts, string? correlationId);

    [LoggerMessage(1004, LogLevel.Warning, "HubSpot {Method} {PathTemplate}: a create that may have reached HubSpot was not re-sent ({Category}, correlation id {CorrelationId})")]
    public static partial void NotResent(ILogger logger, string method, string pathTemplate, string category, string? correlationId);
}
