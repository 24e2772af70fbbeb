using Spoke.Webhooks.Dispatch;
using Spoke.Webhooks.Events;

namespace WebhookReceiverSample;

/// <summary>Runs once per new contact (a redelivery of the same event is absorbed by the inbox).</summary>
internal sealed partial class GreetNewContact(ILogger<GreetNewContact> logger) : IHubSpotWebhookHandler<ContactCreated>
{
    public Task HandleAsync(ContactCreated webhookEvent, WebhookHandlerContext context, CancellationToken cancellationToken)
    {
        // A real handler would call out here; key the call on context.DedupeKey so a retry after a crash is harmless.
        LogNewContact(webhookEvent.ObjectId, webhookEvent.OccurredAt, context.DedupeKey);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "New contact {ContactId} at {OccurredAt} (dedupe key {DedupeKey})")]
    private partial void LogNewContact(long contactId, DateTimeOffset occurredAt, string dedupeKey);
}

/// <summary>Runs for every deal propertyChange the app is subscribed to; reacts to <c>amount</c>.</summary>
internal sealed partial class TrackDealAmount(ILogger<TrackDealAmount> logger) : IHubSpotWebhookHandler<DealPropertyChanged>
{
    public Task HandleAsync(DealPropertyChanged webhookEvent, WebhookHandlerContext context, CancellationToken cancellationToken)
    {
        if (webhookEvent.PropertyName == "amount")
        {
            LogAmount(webhookEvent.ObjectId, webhookEvent.PropertyValue ?? "");
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deal {DealId} amount is now {Amount}")]
    private partial void LogAmount(long dealId, string amount);
}
