using Microsoft.Extensions.DependencyInjection;
using Spoke.Webhooks.Events;

namespace Spoke.Webhooks.Dispatch;

/// <summary>The handlers registered through <see cref="HubSpotWebhooksBuilder"/>, in registration order.</summary>
internal sealed class WebhookHandlerRegistry
{
    public delegate Task TypedInvoker(IServiceProvider services, HubSpotObjectEvent e, WebhookHandlerContext context, CancellationToken cancellationToken);

    public delegate Task RawInvoker(IServiceProvider services, HubSpotWebhookEvent e, WebhookHandlerContext context, CancellationToken cancellationToken);

    public List<(Type EventType, TypedInvoker Invoke)> Typed { get; } = [];

    public List<RawInvoker> Raw { get; } = [];

    public void AddTyped<TEvent, THandler>()
        where TEvent : HubSpotObjectEvent
        where THandler : class, IHubSpotWebhookHandler<TEvent> =>
        Typed.Add((typeof(TEvent), (sp, e, c, ct) => sp.GetRequiredService<THandler>().HandleAsync((TEvent)e, c, ct)));

    public void AddTyped<TEvent>(Func<TEvent, WebhookHandlerContext, CancellationToken, Task> handler)
        where TEvent : HubSpotObjectEvent =>
        Typed.Add((typeof(TEvent), (_, e, c, ct) => handler((TEvent)e, c, ct)));

    public void AddRaw<THandler>()
        where THandler : class, IHubSpotWebhookHandler =>
        Raw.Add((sp, e, c, ct) => sp.GetRequiredService<THandler>().HandleAsync(e, c, ct));

    public void AddRaw(Func<HubSpotWebhookEvent, WebhookHandlerContext, CancellationToken, Task> handler) =>
        Raw.Add((_, e, c, ct) => handler(e, c, ct));

    public async Task InvokeAsync(IServiceProvider services, HubSpotWebhookEvent raw, WebhookHandlerContext context, CancellationToken cancellationToken)
    {
        foreach (var invoke in Raw)
        {
            await invoke(services, raw, context, cancellationToken).ConfigureAwait(false);
        }

        if (Typed.Count == 0 || !TypedEvents.ByType.TryGetValue(raw.SubscriptionType, out var typed))
        {
            return;
        }

        var typedEvent = typed.Create(raw);
        foreach (var (eventType, invoke) in Typed)
        {
            if (eventType.IsAssignableFrom(typed.Type))
            {
                await invoke(services, typedEvent, context, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
