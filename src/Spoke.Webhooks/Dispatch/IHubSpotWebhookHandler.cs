using Spoke.Webhooks.Events;

namespace Spoke.Webhooks.Dispatch;

/// <summary>
/// Handles one typed event (<c>ContactCreated</c>, <c>DealPropertyChanged</c>, ...) or a base of several
/// (<c>PropertyChangeEvent</c>, <c>HubSpotObjectEvent</c>). Throwing makes the event retry later; it is dead-lettered
/// after <see cref="HubSpotWebhookOptions.MaxAttempts"/>. See the README for the exactly-once rules.
/// </summary>
public interface IHubSpotWebhookHandler<in TEvent>
    where TEvent : HubSpotObjectEvent
{
    /// <summary>Handles one event. Return to mark it processed (in the same transaction as the store's own unit of work); throw to retry it later.</summary>
    Task HandleAsync(TEvent webhookEvent, WebhookHandlerContext context, CancellationToken cancellationToken);
}

/// <summary>Handles every event, typed or not (<c>conversation.*</c>, <c>event.completed</c>, types added later).</summary>
public interface IHubSpotWebhookHandler
{
    /// <summary>Handles one event. Return to mark it processed; throw to retry it later.</summary>
    Task HandleAsync(HubSpotWebhookEvent webhookEvent, WebhookHandlerContext context, CancellationToken cancellationToken);
}
