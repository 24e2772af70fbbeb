using Spoke.Sync.Push;

namespace Spoke.Sync.Watch;

/// <summary>How <see cref="SyncWatcher"/> keeps a mirror current (<c>spoke sync --watch</c>).</summary>
public sealed class SyncWatchOptions
{
    /// <summary>
    /// Time between the engine's incremental passes. With webhooks they only catch what no event announced (a missed
    /// webhook, a property without a subscription); without webhooks they are the only source. Default 5 minutes.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the inbox (and the clock, for the next pass) is looked at when nothing signals an append (events written
    /// by another process). Default 1 s.
    /// </summary>
    public TimeSpan InboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most inbox events one batch takes (their records are read 100 per batch read). Default 1,000.</summary>
    public int MaxEventsPerBatch { get; set; } = 1000;

    /// <summary>How long after a failed batch (HubSpot or the database down) the same events are tried again. Default 5 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When set, local changes are pushed while watching (<c>spoke sync --watch --push</c>): every
    /// <see cref="PushPollInterval"/> the outbox is checked for pending changes and, when it has some, this pusher runs.
    /// Pushes take turns with event batches and passes (never two at once), so the echo of a push (its webhook events,
    /// its records in the next incremental read) is read only after the pusher wrote HubSpot's answer into the mirror,
    /// and finds nothing to change. Default null: no pushing.
    /// </summary>
    public SyncPusher? Pusher { get; set; }

    /// <summary>How often the outbox is checked for pending changes when <see cref="Pusher"/> is set (an indexed lookup). Default 250 ms.</summary>
    public TimeSpan PushPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
