using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Signatures;
using Spoke.Webhooks.Tests.Infrastructure;
using static Spoke.Webhooks.Tests.Infrastructure.WebhookSender;

namespace Spoke.Webhooks.Tests.Receiver;

public sealed class ReceiverConfigurationTests : IAsyncLifetime
{
    private readonly TempInboxDirectory _directory = new("config");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HubSpot:Webhooks:ClientSecrets:0"] = "new-secret",
            ["HubSpot:Webhooks:ClientSecrets:1"] = "old-secret",
            ["HubSpot:Webhooks:Tolerance"] = "00:02:00",
            ["HubSpot:Webhooks:AcceptedSignatureVersions"] = "V3",
            ["HubSpot:Webhooks:PublicBaseUrl"] = "https://hooks.example.com/api",
            ["HubSpot:Webhooks:Inbox"] = "Postgres",
            ["HubSpot:Webhooks:PostgresConnectionString"] = "Host=127.0.0.1",
            ["HubSpot:Webhooks:MaxAttempts"] = "3",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddHubSpotWebhooks(configuration.GetSection("HubSpot:Webhooks"));
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<HubSpotWebhookOptions>>().Value;
        Assert.Equal(["new-secret", "old-secret"], options.AllSecrets());
        Assert.Equal(TimeSpan.FromMinutes(2), options.Tolerance);
        Assert.Equal(HubSpotSignatureVersions.V3, options.AcceptedSignatureVersions);
        Assert.Equal(new Uri("https://hooks.example.com/api"), options.PublicBaseUrl);
        Assert.Equal(WebhookInboxProvider.Postgres, options.Inbox);
        Assert.Equal(3, options.MaxAttempts);
        Assert.IsType<PostgresWebhookInboxStore>(provider.GetRequiredService<WebhookInboxStore>());
    }

    [Fact]
    public void A_missing_secret_is_a_clear_startup_error()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHubSpotWebhooks(_ => { });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<HubSpotWebhookOptions>>().Value);
        Assert.Contains("no client secret configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Behind_a_proxy_v3_is_checked_against_the_public_base_url()
    {
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var store = new SqliteWebhookInboxStore(_directory.File("inbox.db"));
        await using var host = await ReceiverHost.StartAsync(store, _time, configure: o =>
        {
            o.RunDispatcher = false;
            o.PublicBaseUrl = new Uri("https://hooks.example.com/api/");
            o.AcceptedSignatureVersions = HubSpotSignatureVersions.V3;
        }, secret: secret);
        var body = Body(Event("contact.creation", 1, 5));
        var publicUri = new Uri("https://hooks.example.com/api" + host.Endpoint.PathAndQuery);

        // Signed for the public URL HubSpot called, delivered to the local address the proxy forwards to.
        var viaProxy = Signed(publicUri, body, secret, _time.GetUtcNow());
        viaProxy.RequestUri = host.Endpoint;
        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(viaProxy)).StatusCode);

        var signedForLocal = Signed(host.Endpoint, body, secret, _time.GetUtcNow());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.SendAsync(signedForLocal)).StatusCode);
        Assert.Equal(new InboxCounts(1, 0, 0), await store.CountAsync());
    }

    [Fact]
    public async Task The_signed_uri_keeps_the_raw_path_and_query_as_sent()
    {
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var store = new SqliteWebhookInboxStore(_directory.File("inbox2.db"));
        await using var host = await ReceiverHost.StartAsync(store, _time, configure: o =>
        {
            o.RunDispatcher = false;
            o.AcceptedSignatureVersions = HubSpotSignatureVersions.V2 | HubSpotSignatureVersions.V3;
        }, secret: secret);
        // HubSpot signs v2 over the URI exactly as called: escapes and query order kept.
        var uri = new Uri(host.Endpoint.GetLeftPart(UriPartial.Path) + "?b=2&a=%3A1");
        var body = Body(Event("deal.creation", 2, 5));
        using var v2 = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body) };
        v2.Headers.Add("X-HubSpot-Signature", HubSpotSignature.ComputeV2(secret, "POST", uri.OriginalString, System.Text.Encoding.UTF8.GetBytes(body)));
        v2.Headers.Add("X-HubSpot-Signature-Version", "v2");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(v2)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(Signed(uri, Body(Event("deal.creation", 3, 5)), secret, _time.GetUtcNow()))).StatusCode);
        Assert.Equal(new InboxCounts(2, 0, 0), await store.CountAsync());
    }
}
