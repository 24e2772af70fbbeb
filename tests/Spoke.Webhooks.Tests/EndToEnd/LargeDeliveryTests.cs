namespace Spoke.Webhooks.Tests.EndToEnd;

/// <summary>
/// HubSpot text properties hold up to 65,536 characters, and a request carries up to 100 events: a full request of
/// long propertyChange values must be accepted with the receiver's defaults, or it is refused (413) on every retry
/// until HubSpot gives up and the events are lost.
/// </summary>
public sealed class LargeDeliveryTests : IAsyncLifetime
{
    private EmulatorToReceiver _e2e = null!;

    // A 19.7 MB request takes seconds to sign, send and commit on a busy 2-core machine: this test is about size, not speed.
    public async Task InitializeAsync() => _e2e = await EmulatorToReceiver.StartAsync(o => o.Fidelity.WebhookTimeoutMilliseconds = 120_000);

    public async Task DisposeAsync() => await _e2e.DisposeAsync();

    [Fact]
    public async Task A_request_of_100_events_with_maximum_length_values_is_acknowledged_and_handled()
    {
        var inputs = Enumerable.Range(0, 100).Select(i => new { properties = new { email = $"long{i}@example.com" } }).ToList();
        var created = (await _e2e.CallAsync(HttpMethod.Post, "/crm/v3/objects/contacts/batch/create", new { inputs }, 201))!["results"]!.AsArray()
            .Select(r => r!["id"]!.GetValue<string>()).ToList();
        await _e2e.SubscribeAsync(10, ("contact.propertyChange", "address", null));

        // 65,536 characters each, three UTF-8 bytes apiece: the largest values HubSpot stores, in one batch update → one
        // request of about 19.7 MB (the receiver's old 1 MiB limit refused it; \uXXXX escapes would double it).
        var value = string.Concat(Enumerable.Repeat("東京の天気は晴れ", 65_536 / 8));
        await _e2e.CallAsync(HttpMethod.Post, "/crm/v3/objects/contacts/batch/update",
            new { inputs = created.Select(id => new { id, properties = new { address = value } }) }, 200);
        await _e2e.DrainAsync();

        var log = _e2e.Emulator.Webhooks.Deliveries;
        Assert.True(log.All(d => d.Outcome == "delivered"), "refused deliveries: " + DeliveryLog.Describe(log));
        Assert.Contains(log, d => d.EventCount == 100);
        _e2e.AssertGenericSawEachAcknowledgedEventOnce();
        var handled = _e2e.HandledBy(EmulatorToReceiver.Generic).ToList();
        Assert.Equal(100, handled.Count);
        Assert.All(handled, h => Assert.Equal(value, h.Raw.PropertyValue));
    }
}
