using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spoke.Webhooks.Dispatch;
using Spoke.Webhooks.Telemetry;

namespace Spoke.Webhooks.Inbox;

/// <summary>The inbox as an application sees it: counts, dead letters and replay (which wakes the dispatcher).</summary>
public sealed class HubSpotWebhookInbox
{
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    /// <summary>The inbox over <paramref name="store"/>; <paramref name="services"/> resolves the dispatcher that replay wakes.</summary>
    public HubSpotWebhookInbox(WebhookInboxStore store, IServiceProvider services, ILogger<HubSpotWebhookInbox>? logger = null)
    {
        Store = store;
        _services = services;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The store the inbox reads and writes.</summary>
    public WebhookInboxStore Store { get; }

    /// <summary>How many events are pending, processed and dead-lettered.</summary>
    public Task<InboxCounts> CountAsync(CancellationToken cancellationToken = default) => Store.CountAsync(cancellationToken);

    /// <summary>The events whose handlers failed <see cref="HubSpotWebhookOptions.MaxAttempts"/> times, with their last error.</summary>
    public Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(CancellationToken cancellationToken = default) => Store.GetDeadLettersAsync(cancellationToken);

    /// <summary>Replays the given dead letters (by <see cref="DeadLetter.Id"/>); returns how many were dead letters.</summary>
    public Task<int> ReplayAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ReplayCoreAsync(ids, cancellationToken);
    }

    /// <summary>Replays every dead letter; returns how many there were.</summary>
    public Task<int> ReplayAllAsync(CancellationToken cancellationToken = default) => ReplayCoreAsync(null, cancellationToken);

    private async Task<int> ReplayCoreAsync(IReadOnlyCollection<long>? ids, CancellationToken cancellationToken)
    {
        var count = await Store.ReplayDeadLettersAsync(ids, cancellationToken).ConfigureAwait(false);
        Log.Replayed(_logger, count);
        _services.GetService<WebhookDispatcher>()?.Wake();
        return count;
    }
}
