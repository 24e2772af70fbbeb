using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spoke.Webhooks.Dispatch;
using Spoke.Webhooks.Events;

namespace Spoke.Webhooks;

/// <summary>Registers the handlers the dispatcher runs for each stored event.</summary>
public sealed class HubSpotWebhooksBuilder
{
    internal HubSpotWebhooksBuilder(IServiceCollection services, WebhookHandlerRegistry registry)
    {
        Services = services;
        Registry = registry;
    }

    /// <summary>The application's service collection, for registering what handlers depend on.</summary>
    public IServiceCollection Services { get; }

    internal WebhookHandlerRegistry Registry { get; }

    /// <summary>A handler for <typeparamref name="TEvent"/> (or for a base such as <c>PropertyChangeEvent</c>), resolved per event from a scope.</summary>
    public HubSpotWebhooksBuilder AddHandler<TEvent, THandler>()
        where TEvent : HubSpotObjectEvent
        where THandler : class, IHubSpotWebhookHandler<TEvent>
    {
        Services.TryAddScoped<THandler>();
        Registry.AddTyped<TEvent, THandler>();
        return this;
    }

    /// <summary>A delegate handler for <typeparamref name="TEvent"/>.</summary>
    public HubSpotWebhooksBuilder AddHandler<TEvent>(Func<TEvent, WebhookHandlerContext, CancellationToken, Task> handler)
        where TEvent : HubSpotObjectEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        Registry.AddTyped(handler);
        return this;
    }

    /// <summary>A handler that sees every event, typed or not.</summary>
    public HubSpotWebhooksBuilder AddEventHandler<THandler>()
        where THandler : class, IHubSpotWebhookHandler
    {
        Services.TryAddScoped<THandler>();
        Registry.AddRaw<THandler>();
        return this;
    }

    /// <summary>A delegate that sees every event, typed or not.</summary>
    public HubSpotWebhooksBuilder AddEventHandler(Func<HubSpotWebhookEvent, WebhookHandlerContext, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Registry.AddRaw(handler);
        return this;
    }
}
