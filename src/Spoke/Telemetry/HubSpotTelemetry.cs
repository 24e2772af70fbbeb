using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Spoke.Telemetry;

/// <summary>
/// The client's traces and metrics. Listen with OpenTelemetry: <c>AddSource("Spoke")</c>, <c>AddMeter("Spoke")</c>.
/// Tags carry the method, the path template (never ids or emails), status, attempt, category and correlation id.
/// </summary>
public static class HubSpotTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "Spoke";

    internal static readonly ActivitySource Source = new(Name, typeof(HubSpotTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(HubSpotTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>HTTP attempts sent, by method, template and status.</summary>
    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>("spoke.hubspot.requests", "{request}", "HTTP attempts sent to HubSpot.");

    /// <summary>Failed attempts by category: rate_limit, server, client, transport, timeout.</summary>
    internal static readonly Counter<long> Errors = Meter.CreateCounter<long>("spoke.hubspot.errors", "{error}", "Failed attempts by category.");

    /// <summary>429 answers by policy.</summary>
    internal static readonly Counter<long> RateLimited = Meter.CreateCounter<long>("spoke.hubspot.rate_limited", "{response}", "429 answers from HubSpot.");

    /// <summary>The last <c>X-HubSpot-RateLimit-Remaining</c> (and daily remaining) seen.</summary>
    internal static readonly Gauge<long> RateLimitRemaining = Meter.CreateGauge<long>("spoke.hubspot.rate_limit.remaining", "{request}",
        "Requests left in HubSpot's window, from its headers.");

    /// <summary>Duration of each attempt, in seconds.</summary>
    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("spoke.hubspot.request.duration", "s",
        "Duration of HTTP attempts to HubSpot.");

    internal const string MethodTag = "http.request.method";
    internal const string TemplateTag = "url.template";
    internal const string StatusTag = "http.response.status_code";
    internal const string AttemptTag = "spoke.attempt";
    internal const string CorrelationTag = "hubspot.correlation_id";
    internal const string CategoryTag = "error.type";
    internal const string PolicyTag = "hubspot.rate_limit.policy";
    internal const string WindowTag = "hubspot.rate_limit.window";
}
