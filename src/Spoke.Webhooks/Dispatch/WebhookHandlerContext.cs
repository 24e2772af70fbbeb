using System.Data.Common;
using Spoke.Webhooks.Events;
using Spoke.Webhooks.Inbox;

namespace Spoke.Webhooks.Dispatch;

/// <summary>
/// What a handler knows about the event it handles, and the inbox transaction that marks it processed. Effects
/// written through <see cref="GetTransactionAsync"/> commit together with that mark: exactly once, even across
/// crashes. Effects anywhere else (an HTTP call, another database) are at-least-once: key them on
/// <see cref="DedupeKey"/> so a repeat is harmless.
/// </summary>
public sealed class WebhookHandlerContext
{
    private readonly InboxUnitOfWork _unit;

    internal WebhookHandlerContext(InboxUnitOfWork unit, HubSpotWebhookEvent webhookEvent, int attempt, IServiceProvider services)
    {
        _unit = unit;
        Event = webhookEvent;
        Attempt = attempt;
        Services = services;
    }

    /// <summary>The event's identity without <c>attemptNumber</c>; equal for every redelivery of the same change.</summary>
    public string DedupeKey => _unit.Event.DedupeKey;

    /// <summary>The event's row in the inbox (what <c>spoke webhooks replay --id</c> takes).</summary>
    public long InboxId => _unit.Event.Id;

    /// <summary>This handling attempt, 1 for the first.</summary>
    public int Attempt { get; }

    /// <summary>The raw event as HubSpot sent it.</summary>
    public HubSpotWebhookEvent Event { get; }

    /// <summary>The scope's services for this event.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The inbox's open connection (SqliteConnection or NpgsqlConnection).</summary>
    public DbConnection Connection => _unit.Connection;

    /// <summary>
    /// The transaction that will mark this event processed; write your effects with it (set it on your commands).
    /// On SQLite it is begun on first call and takes the file's write lock until the event completes, so make
    /// slow external calls before asking for it.
    /// </summary>
    public ValueTask<DbTransaction> GetTransactionAsync(CancellationToken cancellationToken = default) => _unit.GetTransactionAsync(cancellationToken);
}
