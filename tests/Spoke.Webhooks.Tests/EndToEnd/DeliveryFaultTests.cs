using System.Globalization;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Webhooks.Tests.EndToEnd;

/// <summary>
/// The emulator misbehaving the ways HubSpot documents (duplicates, out-of-order batches, retries after a failing
/// receiver): the receiver still hands each event to its handlers once, per object in occurredAt order.
/// </summary>
public sealed class DeliveryFaultTests : IAsyncLifetime
{
    private EmulatorToReceiver _e2e = null!;

    // A held request must not time out (and go to a retry minutes away) while the test piles changes up behind it.
    public async Task InitializeAsync() => _e2e = await EmulatorToReceiver.StartAsync(o => o.Fidelity.WebhookTimeoutMilliseconds = 15_000);

    public async Task DisposeAsync() => await _e2e.DisposeAsync();

    private static long Id(string id) => long.Parse(id, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Duplicated_and_out_of_order_deliveries_are_handled_once_each_in_occurredAt_order_per_object()
    {
        // One request in flight at a time, held at the receiver's front while the changes pile up in the emulator:
        // the next request then carries them all, newest first (out of order), and every request is sent twice.
        await _e2e.SubscribeAsync(1, ("contact.creation", null, null), ("contact.propertyChange", "firstname", null), ("contact.propertyChange", "lastname", null));
        await _e2e.CallAsync(HttpMethod.Put, "/_emulator/webhooks/faults", new { duplicates = new { probability = 1.0 }, outOfOrder = new { probability = 1.0 }, seed = 5 }, 200);
        _e2e.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = await _e2e.CreateAsync("contacts", new { email = "first@example.com" });
        await Eventually.TrueAsync(() => _e2e.Emulator.Webhooks.Backlog.InFlight == 1, "the first request is held at the receiver");
        var contacts = new List<string>();
        for (var c = 0; c < 3; c++)
        {
            contacts.Add(await _e2e.CreateAsync("contacts", new { email = $"c{c}@example.com" }));
        }

        for (var round = 0; round < 4; round++)
        {
            foreach (var id in contacts)
            {
                _e2e.Advance(TimeSpan.FromSeconds(1));
                await _e2e.CallAsync(HttpMethod.Patch, $"/crm/v3/objects/contacts/{id}", new { properties = new { firstname = $"F{round}", lastname = $"L{round}" } }, 200);
            }
        }

        Assert.True(_e2e.Emulator.Webhooks.Backlog.Queued > 20, $"the changes should wait in the emulator: {_e2e.Emulator.Webhooks.Backlog}");
        _e2e.Hold.SetResult();
        await _e2e.DrainAsync();

        var log = _e2e.Emulator.Webhooks.Deliveries;
        Assert.True(log.Any(d => d.OutOfOrder && d.EventCount > 20), "no out-of-order batch: " + DeliveryLog.Describe(log));
        Assert.True(log.Count(d => d.Duplicate && d.Outcome == "delivered") >= 2, "no duplicate deliveries: " + DeliveryLog.Describe(log));
        _e2e.AssertGenericSawEachAcknowledgedEventOnce();
        var generic = _e2e.HandledBy(EmulatorToReceiver.Generic).ToList();
        Assert.Equal(1 + contacts.Count + (contacts.Count * 4 * 2), generic.Count);

        foreach (var id in contacts)
        {
            var seen = generic.Where(h => h.Raw.ObjectId == Id(id)).ToList();
            Assert.Equal(seen.Select(h => h.Raw.OccurredAtMs).Order(), seen.Select(h => h.Raw.OccurredAtMs));
            Assert.Equal("contact.creation", seen[0].Raw.SubscriptionType);
            Assert.Equal(["F0", "F1", "F2", "F3"], seen.Where(h => h.Raw.PropertyName == "firstname").Select(h => h.Raw.PropertyValue));
            Assert.Equal(["L0", "L1", "L2", "L3"], seen.Where(h => h.Raw.PropertyName == "lastname").Select(h => h.Raw.PropertyValue));
        }

        Assert.Single(generic, h => h.Raw.ObjectId == Id(first));
        // The copies reached the receiver and were absorbed by its inbox: one row per event.
        Assert.True(log.Where(d => d.Outcome == "delivered").Sum(d => d.EventCount) >= 2 * generic.Count);
        Assert.Equal(generic.Count, (await _e2e.Receiver.Inbox.CountAsync()).Processed);
    }

    [Fact]
    public async Task A_receiver_answering_500_gets_everything_once_from_the_emulators_retries_on_clock_advance()
    {
        await _e2e.SubscribeAsync(10, ("deal.creation", null, null), ("deal.propertyChange", "amount", null));
        _e2e.FailWith = 500;
        var deals = new List<string>();
        for (var d = 0; d < 5; d++)
        {
            var id = await _e2e.CreateAsync("deals", new { dealname = $"Deal {d}", pipeline = "default", dealstage = "appointmentscheduled" });
            deals.Add(id);
            await _e2e.CallAsync(HttpMethod.Patch, $"/crm/v3/objects/deals/{id}", new { properties = new { amount = (d * 100).ToString(CultureInfo.InvariantCulture) } }, 200);
        }

        Assert.True(await _e2e.Emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(20)), "the first attempts did not finish");
        Assert.True(_e2e.Emulator.Webhooks.Backlog.Scheduled > 0, "the 500s should have scheduled retries");
        // The first retry waits 1 min × 0.75–1.25 of emulator time: still failing, so a second retry is scheduled.
        _e2e.Advance(TimeSpan.FromMinutes(1.25));
        Assert.True(await _e2e.Emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(20)), "the first retries did not finish");
        Assert.Empty(_e2e.HandledBy(EmulatorToReceiver.Generic));
        var stored = await _e2e.Receiver.Inbox.CountAsync();
        Assert.Equal(0, stored.Pending + stored.Processed);

        _e2e.FailWith = null; // the receiver recovers
        _e2e.Advance(TimeSpan.FromMinutes(2.5)); // the second retry waits 2 min × 0.75–1.25
        await _e2e.DrainAsync();

        var log = _e2e.Emulator.Webhooks.Deliveries;
        Assert.Equal((0, 0, 0), _e2e.Emulator.Webhooks.Backlog);
        Assert.All(log.Where(d => d.AttemptNumber < 2), d => Assert.Equal(500, d.Status));
        Assert.All(log.Where(d => d.AttemptNumber == 2), d => Assert.Equal("delivered", d.Outcome));
        _e2e.AssertGenericSawEachAcknowledgedEventOnce();
        var generic = _e2e.HandledBy(EmulatorToReceiver.Generic).ToList();
        Assert.Equal(deals.Count * 2, generic.Count); // each deal's creation and its amount change
        Assert.All(generic, h => Assert.Equal(2, h.Raw.AttemptNumber));
    }
}
