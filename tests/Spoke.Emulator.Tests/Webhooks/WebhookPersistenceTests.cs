using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Persistence;

namespace Spoke.Emulator.Tests.Webhooks;

/// <summary>With <c>--data</c>, the app's secret and its webhook settings and subscriptions survive a restart.</summary>
public sealed class WebhookPersistenceTests : IDisposable
{
    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Settings_subscriptions_and_the_client_secret_survive_a_restart()
    {
        string secret, key, subscription;
        await using (var emulator = await _file.StartAsync(o => o.AppId = 4242))
        using (var developer = DataFile.ApiFor(emulator).WithToken(null))
        {
            secret = emulator.ClientSecret;
            key = emulator.DeveloperApiKey;
            (await developer.Put($"/webhooks/v3/4242/settings?hapikey={key}", new { targetUrl = "https://example.com/hooks", throttling = new { maxConcurrentRequests = 6 } })).Expect(200);
            subscription = (await developer.Post($"/webhooks/v3/4242/subscriptions?hapikey={key}", new { eventType = "deal.propertyChange", propertyName = "amount", active = true }))
                .Expect(201)["id"].GetValue<string>();
        }

        await using (var emulator = await _file.StartAsync())
        using (var developer = DataFile.ApiFor(emulator).WithToken(null))
        {
            Assert.Equal(4242, emulator.AppId);
            Assert.Equal(secret, emulator.ClientSecret);
            Assert.Equal(key, emulator.DeveloperApiKey);
            var settings = (await developer.Get($"/webhooks/v3/4242/settings?hapikey={key}")).Expect(200);
            Assert.Equal(6, settings["throttling"]["maxConcurrentRequests"]!.GetValue<int>());
            var sub = (await developer.Get($"/webhooks/v3/4242/subscriptions/{subscription}?hapikey={key}")).Expect(200);
            Assert.Equal("amount", sub["propertyName"].GetValue<string>());
            Assert.True(sub["active"].GetValue<bool>());
            // Ids keep counting.
            var next = (await developer.Post($"/webhooks/v3/4242/subscriptions?hapikey={key}", new { eventType = "deal.creation" })).Expect(201)["id"].GetValue<string>();
            Assert.NotEqual(subscription, next);
        }

        // Options given at start win over the file.
        await using (var emulator = await _file.StartAsync(o => o.ClientSecret = "given-" + Guid.NewGuid()))
        {
            Assert.NotEqual(secret, emulator.ClientSecret);
        }
    }
}
