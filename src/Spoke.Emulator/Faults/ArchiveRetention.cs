using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Emulator.Hosting;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Faults;

/// <summary>
/// HubSpot keeps archived records restorable for 90 days, then they are gone. Archived records wait in a queue ordered
/// by archive time; each API request compares the clock with the earliest due time (one read, no lock) and only when
/// something is due purges what has expired. So advancing the emulator clock past 90 days makes them disappear.
/// </summary>
internal sealed class ArchiveRetention
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(90);

    private readonly PortalState _portal;
    // Guarded by the portal lock: archive events arrive inside write scopes.
    private readonly PriorityQueue<(ObjectStore Store, CrmRecord Record, DateTimeOffset ArchivedAt), DateTimeOffset> _queue = new();
    private long _nextDueTicks = long.MaxValue;

    public ArchiveRetention(PortalState portal)
    {
        _portal = portal;
        using (portal.Read())
        {
            foreach (var store in portal.Stores.Values)
            {
                Watch(store);
            }
        }

        portal.StoreAdded += Watch;
        portal.WasReset += Rebuild;
    }

    /// <summary>Purges expired archived records when one is due; O(1) otherwise.</summary>
    public void SweepIfDue()
    {
        if (_portal.Now.UtcTicks < Volatile.Read(ref _nextDueTicks))
        {
            return;
        }

        using var _ = _portal.Write();
        var cutoff = _portal.Now - Period;
        while (_queue.TryPeek(out var entry, out var archivedAt) && archivedAt <= cutoff)
        {
            _queue.Dequeue();
            var (store, record, at) = entry;
            // Skip records restored (or re-archived later), deleted, or whose type is gone.
            if (record.Archived && !record.Deleted && record.ArchivedAt == at &&
                _portal.Stores.TryGetValue(store.Type.TypeId, out var current) && current == store)
            {
                store.Delete(record);
                _portal.Touch(store, record);
            }
        }

        UpdateNextDue();
    }

    private void Watch(ObjectStore store)
    {
        store.LivenessChanged += record => Enqueue(store, record);
        foreach (var record in store.All())
        {
            Enqueue(store, record);
        }
    }

    private void Enqueue(ObjectStore store, CrmRecord record)
    {
        if (record is { Archived: true, Deleted: false, ArchivedAt: { } at })
        {
            _queue.Enqueue((store, record, at), at);
            UpdateNextDue();
        }
    }

    private void Rebuild()
    {
        using var _ = _portal.Read();
        _queue.Clear();
        foreach (var store in _portal.Stores.Values)
        {
            foreach (var record in store.All())
            {
                Enqueue(store, record);
            }
        }

        UpdateNextDue();
    }

    private void UpdateNextDue() =>
        Volatile.Write(ref _nextDueTicks, _queue.TryPeek(out _, out var earliest) ? (earliest + Period).UtcTicks : long.MaxValue);
}

/// <summary>Wires <see cref="ArchiveRetention"/> into the request pipeline.</summary>
internal static class ArchiveRetentionMiddleware
{
    public static void UseArchiveRetention(this IApplicationBuilder app) =>
        app.Use(async (ctx, next) =>
        {
            if (!AdminRequests.IsAdminPath(ctx.Request.Path))
            {
                ctx.RequestServices.GetRequiredService<ArchiveRetention>().SweepIfDue();
            }

            await next(ctx).ConfigureAwait(false);
        });
}
