using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Spoke.Webhooks.Telemetry;

/// <summary>The <c>Spoke.Webhooks</c> ActivitySource and Meter.</summary>
public static class WebhookTelemetry
{
    /// <summary>The name of the ActivitySource and Meter (<c>Spoke.Webhooks</c>): add it to OpenTelemetry's sources and meters.</summary>
    public const string Name = "Spoke.Webhooks";

    /// <summary>Spans for each delivery received and each event handled.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Received = Meter.CreateCounter<long>("spoke.webhooks.events.received", "{event}", "Events in verified requests");
    internal static readonly Counter<long> Rejected = Meter.CreateCounter<long>("spoke.webhooks.requests.rejected", "{request}", "Requests refused, by reason");
    internal static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("spoke.webhooks.events.duplicates", "{event}", "Events already in the inbox");
    internal static readonly Counter<long> Handled = Meter.CreateCounter<long>("spoke.webhooks.events.handled", "{event}", "Events whose handlers committed");
    internal static readonly Counter<long> Retried = Meter.CreateCounter<long>("spoke.webhooks.events.retried", "{event}", "Handler failures scheduled for a retry");
    internal static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("spoke.webhooks.events.dead_lettered", "{event}", "Events that exhausted their attempts");
    internal static readonly Histogram<double> AckLatency = Meter.CreateHistogram<double>("spoke.webhooks.ack.duration", "ms", "From request start to the committed 200");
}
