namespace Spoke.Webhooks.Inbox;

/// <summary>An event waiting in the inbox (or being handled).</summary>
public sealed record InboxEvent(long Id, string DedupeKey, string SubscriptionType, string ObjectKey, long OccurredAtMs, string Json, int Attempts);

/// <summary>An event whose handlers failed <see cref="HubSpotWebhookOptions.MaxAttempts"/> times. <see cref="Reason"/> is the last exception's type and message.</summary>
public sealed record DeadLetter(long Id, string DedupeKey, string SubscriptionType, string ObjectKey, DateTimeOffset OccurredAt, int Attempts, string Reason, DateTimeOffset DeadLetteredAt);

/// <summary>How many events the inbox holds in each state.</summary>
public readonly record struct InboxCounts(long Pending, long Processed, long DeadLettered);

internal static class InboxStatus
{
    public const int Pending = 0;
    public const int Processed = 1;
    public const int DeadLettered = 2;
}
