using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Webhooks;

/// <summary>An emulator (frozen clock, short delivery timeout) and a receiver on loopback, shared by one test class.</summary>
public sealed class WebhooksFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    public HubSpotEmulator Emulator { get; private set; } = null!;
    public Api Api { get; private set; } = null!;

    /// <summary>No bearer token: developer-key calls carry only <c>?hapikey=</c>.</summary>
    public Api Developer { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        var options = new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(Start), AppId = 777001, ClientSecret = Guid.NewGuid().ToString() };
        options.Fidelity.WebhookTimeoutMilliseconds = 1_500;
        Emulator = await HubSpotEmulator.StartAsync(options);
        Api = new Api(Emulator.BaseUri, Emulator.Token);
        Developer = Api.WithToken(null);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        Developer.Dispose();
        await Emulator.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    public string Path(string suffix, string prefix = "/webhooks/v3") => $"{prefix}/{Emulator.AppId}{suffix}?hapikey={Emulator.DeveloperApiKey}";

    /// <summary>Fresh portal, receiver answering 200, settings pointing at it, and these subscriptions active.</summary>
    public async Task<List<string>> ResetAsync(params object[] subscriptions)
    {
        Emulator.Reset();
        Receiver.Respond = (_, _) => Task.FromResult(200);
        Receiver.Clear();
        (await Developer.Put(Path("/settings"), new { targetUrl = Receiver.Url.ToString(), throttling = new { maxConcurrentRequests = 10 } })).Expect(200);
        var ids = new List<string>();
        foreach (var s in subscriptions)
        {
            var node = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(s, s.GetType(), Json.Options))!.AsObject();
            node["active"] = true;
            ids.Add((await Developer.Post(Path("/subscriptions"), node)).Expect(201)["id"].GetValue<string>());
        }

        return ids;
    }

    /// <summary>Waits for the delivery queue to drain, then returns what the receiver got, by default in eventId
    /// order (the order the changes were made: requests in flight together may arrive in any order).</summary>
    public async Task<List<JsonNode>> DeliveredAsync(bool asReceived = false)
    {
        Assert.True(await Emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(15)), "the delivery queue did not drain");
        return asReceived ? [.. Receiver.Events] : [.. Receiver.Events.OrderBy(e => e["eventId"]!.GetValue<long>())];
    }
}
