using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spoke.Auth;
using Spoke.DependencyInjection;
using Spoke.RateLimiting;
using Spoke.Tests.Http;

namespace Spoke.Tests.DependencyInjection;

public sealed class HubSpotServiceCollectionTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task Two_hosts_in_one_process_with_one_token_do_not_share_a_budget()
    {
        await using var h = fixture.Harness();
        ServiceProvider Host()
        {
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(h.Time);
            services.AddHubSpotClient(o => (o.BaseUri, o.AccessToken, o.ApiVersion, o.ExpectedBurstLimit) =
                (h.Emulator.BaseUri, h.Token, HubSpotApiVersion.Classic, 2));
            return services.BuildServiceProvider();
        }

        await using var firstHost = Host();
        await using var secondHost = Host();
        var first = firstHost.GetRequiredService<HubSpotClient>();
        var sameHost = firstHost.GetRequiredService<IHubSpotClientFactory>().CreateClient();
        var otherHost = secondHost.GetRequiredService<HubSpotClient>();
        Assert.Same(first.Http.Gate, sameHost.Http.Gate);
        Assert.NotSame(first.Http.Gate, otherHost.Http.Gate);

        // The first host's budget of 2 is held by two calls in flight: its next call waits, the other host's does not.
        using var a = await first.Http.Gate!.AcquireAsync(search: false, default);
        using var b = await first.Http.Gate.AcquireAsync(search: false, default);
        var held = PipelineHarness.ListContactsAsync(sameHost);
        await PipelineHarness.WaitUntilAsync(() => first.Http.Gate.Waiting(search: false) == 1, "the first host's budget is spent");

        await PipelineHarness.ListContactsAsync(otherHost).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(held.IsCompleted);
        a.Dispose();
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await held.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AddHubSpotClient_binds_the_HubSpot_section_and_serves_working_clients()
    {
        await using var h = fixture.Harness();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HubSpot:BaseUri"] = h.Emulator.BaseUri.ToString(),
            ["HubSpot:AccessToken"] = h.Token,
            ["HubSpot:ApiVersion"] = "Classic",
            ["HubSpot:RateLimitTier"] = "Professional",
            ["HubSpot:AttemptTimeout"] = "00:00:07",
            ["HubSpot:TotalTimeout"] = "00:01:00",
            ["HubSpot:MaxRetries"] = "2",
            ["HubSpot:DailyBudgetReserve"] = (0.1).ToString(CultureInfo.InvariantCulture),
            ["HubSpot:eu:BaseUri"] = h.Emulator.BaseUri.ToString(),
            ["HubSpot:eu:AccessToken"] = h.SecondToken,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(h.Time);
        services.AddHubSpotClient();
        services.AddHubSpotClient("eu", o => o.ExpectedBurstLimit = 42);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<HubSpotClientOptions>>().Get(Options.DefaultName);
        Assert.Equal(h.Emulator.BaseUri, options.BaseUri);
        Assert.Equal(HubSpotApiVersion.Classic, options.ApiVersion);
        Assert.Equal(HubSpotRateLimitTier.Professional, options.RateLimitTier);
        Assert.Equal(TimeSpan.FromSeconds(7), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.TotalTimeout);
        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(0.1, options.DailyBudgetReserve);
        Assert.Same(h.Time, options.TimeProvider);
        var eu = provider.GetRequiredService<IOptionsMonitor<HubSpotClientOptions>>().Get("eu");
        Assert.Equal(h.SecondToken, eu.AccessToken);
        Assert.Equal(42, eu.ExpectedBurstLimit);

        var client = provider.GetRequiredService<HubSpotClient>();
        var euClient = provider.GetRequiredService<IHubSpotClientFactory>().CreateClient("eu");
        // The configured starting figure, until the first answer's headers replace it.
        Assert.Equal(42, euClient.Http.Gate!.BurstLimit);
        Assert.True((await PipelineHarness.ListContactsAsync(client)).TryGetProperty("results", out _));
        Assert.True((await PipelineHarness.ListContactsAsync(euClient)).TryGetProperty("results", out _));
        Assert.NotSame(client.Http.Gate, euClient.Http.Gate);
    }

    [Fact]
    public async Task The_factory_keeps_each_tenant_on_its_own_token_and_budget()
    {
        await using var h = fixture.Harness();
        var services = new ServiceCollection();
        services.AddHubSpotClient(o =>
        {
            o.BaseUri = h.Emulator.BaseUri;
            o.TimeProvider = h.Time;
        });
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHubSpotClientFactory>();

        var first = factory.CreateClient(new PrivateAppTokenProvider(h.Token));
        var second = factory.CreateClient(new PrivateAppTokenProvider(h.SecondToken));

        Assert.NotSame(first.Http.Gate, second.Http.Gate);
        Assert.Same(first.Http.Gate, factory.CreateClient(new PrivateAppTokenProvider(h.Token)).Http.Gate);
        Assert.True((await PipelineHarness.ListContactsAsync(first)).TryGetProperty("results", out _));
        Assert.True((await PipelineHarness.ListContactsAsync(second)).TryGetProperty("results", out _));
        // The registered options are not changed by a tenant's client.
        Assert.Null(provider.GetRequiredService<IOptions<HubSpotClientOptions>>().Value.TokenProvider);
    }

    [Fact]
    public async Task The_default_client_takes_HUBSPOT_ACCESS_TOKEN_when_the_section_gives_no_token()
    {
        await using var h = fixture.Harness();
        // With a host, HUBSPOT_ACCESS_TOKEN reaches configuration from the environment under exactly this key.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HubSpot:BaseUri"] = h.Emulator.BaseUri.ToString(),
            ["HubSpot:eu:BaseUri"] = h.Emulator.BaseUri.ToString(),
            [HubSpotServiceCollectionExtensions.AccessTokenVariable] = h.Token,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(h.Time);
        services.AddHubSpotClient();
        services.AddHubSpotClient("eu");
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<HubSpotClient>();
        Assert.True((await PipelineHarness.ListContactsAsync(client)).TryGetProperty("results", out _));
        // A named client is one portal of several: it never borrows the single variable's token.
        Assert.Null(provider.GetRequiredService<IOptionsMonitor<HubSpotClientOptions>>().Get("eu").AccessToken);
    }

    [Fact]
    public async Task The_HubSpot_section_token_wins_over_HUBSPOT_ACCESS_TOKEN()
    {
        await using var h = fixture.Harness();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HubSpot:AccessToken"] = h.Token,
            [HubSpotServiceCollectionExtensions.AccessTokenVariable] = h.SecondToken,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddHubSpotClient();
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(h.Token, provider.GetRequiredService<IOptions<HubSpotClientOptions>>().Value.AccessToken);
    }
}
