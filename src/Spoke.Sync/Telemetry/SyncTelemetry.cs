using System.Diagnostics;
using System.Diagnostics.Metrics;
using Spoke.Sync.Engine;

namespace Spoke.Sync.Telemetry;

/// <summary>
/// The sync engine's traces and metrics. Listen with OpenTelemetry: <c>AddSource("Spoke.Sync")</c>,
/// <c>AddMeter("Spoke.Sync")</c>. Counters are tagged with the object type and the portal id; runs and their
/// duration with the run's status. A span <c>spoke.sync.run</c> covers a run, a child span <c>spoke.sync.object_type</c>
/// each type in it.
/// </summary>
public static class SyncTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "Spoke.Sync";

    internal const string RunActivity = "spoke.sync.run";
    internal const string ObjectTypeActivity = "spoke.sync.object_type";
    internal const string ObjectTypeTag = "spoke.sync.object_type";
    internal const string PortalTag = "hubspot.portal_id";
    internal const string StatusTag = "spoke.sync.status";
    internal const string ModeTag = "spoke.sync.mode";

    internal static readonly ActivitySource Source = new(Name, typeof(SyncTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(SyncTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Records = Meter.CreateCounter<long>("spoke.sync.records", "{record}", "Records written to the mirror (inserted or changed).");

    internal static readonly Counter<long> Deletes = Meter.CreateCounter<long>("spoke.sync.deletes", "{record}", "Records that became tombstones.");

    internal static readonly Counter<long> Merges = Meter.CreateCounter<long>("spoke.sync.merges", "{merge}", "Merges recorded (an id now an alias of its survivor).");

    internal static readonly Counter<long> Associations = Meter.CreateCounter<long>("spoke.sync.associations", "{edge}", "Association edges written.");

    internal static readonly Counter<long> ApiCalls = Meter.CreateCounter<long>("spoke.sync.api_calls", "{call}", "HubSpot API calls the engine spent.");

    internal static readonly Counter<long> Runs = Meter.CreateCounter<long>("spoke.sync.runs", "{run}", "Sync runs finished, by status (succeeded, failed, cancelled).");

    internal static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("spoke.sync.run.duration", "s", "Duration of sync runs.");

    /// <summary>Starts the span of one run (null when nobody listens).</summary>
    internal static Activity? StartRun() => Source.StartActivity(RunActivity);

    /// <summary>Starts the span of one object type within a run.</summary>
    internal static Activity? StartObjectType(string objectType, long portalId)
    {
        var activity = Source.StartActivity(ObjectTypeActivity);
        activity?.SetTag(ObjectTypeTag, objectType);
        activity?.SetTag(PortalTag, portalId);
        return activity;
    }

    /// <summary>Adds what a run did to one type to the counters, and closes its span with the outcome.</summary>
    internal static void RecordType(SyncTypeResult result, long portalId, Activity? activity)
    {
        var tags = new TagList { { ObjectTypeTag, result.ObjectType }, { PortalTag, portalId } };
        Add(Records, result.Records, tags);
        Add(Deletes, result.Deletes, tags);
        Add(Merges, result.Merges, tags);
        Add(Associations, result.Associations, tags);
        Add(ApiCalls, result.ApiCalls, tags);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(ModeTag, result.Mode);
        activity.SetTag("spoke.sync.records", result.Records);
        if (result.Error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, result.Error);
        }
        else if (result.SkippedReason is not null)
        {
            activity.SetTag("spoke.sync.skipped", true);
        }
    }

    /// <summary>Counts a finished run and its duration; closes its span with the outcome.</summary>
    internal static void RecordRun(string status, long? portalId, TimeSpan duration, Activity? activity, string? error = null)
    {
        var tags = new TagList { { StatusTag, status } };
        if (portalId is { } portal)
        {
            tags.Add(PortalTag, portal);
        }

        Runs.Add(1, tags);
        RunDuration.Record(duration.TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag(StatusTag, status);
            if (portalId is { } id)
            {
                activity.SetTag(PortalTag, id);
            }

            if (status != "succeeded")
            {
                activity.SetStatus(ActivityStatusCode.Error, error ?? status);
            }
        }
    }

    private static void Add(Counter<long> counter, long value, in TagList tags)
    {
        if (value != 0)
        {
            counter.Add(value, tags);
        }
    }
}
