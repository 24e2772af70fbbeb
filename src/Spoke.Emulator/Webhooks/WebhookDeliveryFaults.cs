namespace Spoke.Emulator.Webhooks;

/// <summary>
/// Delivery misbehaviour on demand (<c>emulator.Webhooks.Faults</c>, <c>PUT /_emulator/webhooks/faults</c>,
/// <see cref="HubSpotEmulatorOptions.WebhookFaults"/>): HubSpot documents that events may arrive twice and out of order.
/// Each switch looks at every request the emulator forms; it fires with <c>Probability</c> while it has
/// <c>Count</c> requests left (null: no end). Draws come from one <c>Random(Seed)</c>: the same seed and the same
/// sequence of batches give the same faults.
/// </summary>
public sealed record WebhookDeliveryFaults
{
    /// <summary>A fired request is sent a second time, same body and attempt number, as its own request.</summary>
    public WebhookFaultSwitch? Duplicates { get; init; }

    /// <summary>A fired request carries the newest waiting events, newest first.</summary>
    public WebhookFaultSwitch? OutOfOrder { get; init; }

    /// <summary>Seed of the draws; chosen when absent.</summary>
    public int? Seed { get; init; }
}

/// <summary>One switch: fires with <see cref="Probability"/> on each of the next <see cref="Count"/> requests.</summary>
public sealed record WebhookFaultSwitch
{
    /// <summary>The chance, 0 to 1, that the switch fires on a delivery (default 1: always).</summary>
    public double Probability { get; init; } = 1;

    /// <summary>How many deliveries the switch applies to; null: until switched off.</summary>
    public int? Count { get; init; }

    internal string? Problem(string name) =>
        Probability is < 0 or > 1 || double.IsNaN(Probability) ? $"{name}.probability must be between 0 and 1."
        : Count is < 0 ? $"{name}.count must be zero or more."
        : null;
}

/// <summary>One POST the emulator made (or failed to make) to the target URL. Never holds the body or the secret.</summary>
/// <param name="Sequence">The attempt's place in the delivery log, from 1.</param>
/// <param name="At">When it was sent (emulator clock).</param>
/// <param name="TargetUrl">Where it was sent.</param>
/// <param name="EventIds">The events it carried.</param>
/// <param name="AttemptNumber">HubSpot's attempt number of those events (0 first).</param>
/// <param name="Outcome"><c>delivered</c> (2xx), <c>status</c> (4xx/5xx or another non-2xx), <c>timeout</c>, <c>connection</c>.</param>
/// <param name="Status">The HTTP status the target answered; null when it did not answer.</param>
/// <param name="NextRetryAt">When the events go again; null when delivered, given up, or a duplicate.</param>
/// <param name="GaveUp">True when the events will not be sent again.</param>
/// <param name="Duplicate">True when a fault switch sent it a second time.</param>
/// <param name="OutOfOrder">True when a fault switch held it back behind later events.</param>
/// <param name="ElapsedMilliseconds">How long the target took to answer.</param>
public sealed record WebhookDeliveryAttempt(
    long Sequence,
    DateTimeOffset At,
    string TargetUrl,
    IReadOnlyList<long> EventIds,
    int AttemptNumber,
    string Outcome,
    int? Status,
    DateTimeOffset? NextRetryAt,
    bool GaveUp,
    bool Duplicate,
    bool OutOfOrder,
    long ElapsedMilliseconds)
{
    /// <summary>How many events the attempt carried.</summary>
    public int EventCount => EventIds.Count;
}
