using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Crm;
using Spoke.DependencyInjection;
using Spoke.Errors;
using Spoke.OAuth;

namespace Spoke.Tests.OAuth;

/// <summary>The token lifecycle: refresh ahead of expiry, once for any number of callers, stored before use, 401s checked, revocation surfaced.</summary>
public sealed class HubSpotOAuthTokenProviderTests : IAsyncLifetime
{
    private OAuthTestPortal _portal = null!;

    public async Task InitializeAsync() => _portal = await OAuthTestPortal.StartAsync();

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task<(InMemoryHubSpotTokenStore Store, HubSpotInstallation Installation)> InstalledAsync()
    {
        var installation = await _portal.InstallAsync();
        var store = new InMemoryHubSpotTokenStore();
        await store.SaveAsync(installation);
        return (store, installation);
    }

    [Fact]
    public async Task A_hundred_concurrent_calls_across_an_expiry_refresh_once_and_all_succeed()
    {
        var (store, installation) = await InstalledAsync();
        var provider = new HubSpotOAuthTokenProvider(_portal.OAuth, store, installation.Key);
        var client = _portal.NewClient(provider);
        var contact = await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "many@example.com"));
        Assert.Equal(0, _portal.Counter.Refreshes);

        _portal.Emulator.Clock.Advance(TimeSpan.FromMinutes(31));
        var reads = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => client.Crm.Contacts.GetAsync(contact.Id))));

        Assert.All(reads, r => Assert.Equal(contact.Id, r.Id));
        Assert.Equal(1, _portal.Counter.Refreshes);
        var stored = await store.GetAsync(installation.Key);
        Assert.NotEqual(installation.AccessToken, stored!.AccessToken);
        Assert.Equal(_portal.Emulator.Clock.GetUtcNow().AddMinutes(30), stored.AccessTokenExpiresAt);
    }

    [Fact]
    public async Task It_refreshes_ahead_of_expiry_not_at_it()
    {
        var (store, installation) = await InstalledAsync();
        var provider = new HubSpotOAuthTokenProvider(_portal.OAuth, store, installation.Key);

        _portal.Emulator.Clock.Advance(TimeSpan.FromMinutes(24));
        Assert.Equal(installation.AccessToken, await provider.GetTokenAsync(default));
        _portal.Emulator.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.NotEqual(installation.AccessToken, await provider.GetTokenAsync(default));
        Assert.Equal(1, _portal.Counter.Refreshes);
    }

    [Fact]
    public async Task Two_clients_of_one_installation_share_one_refresh()
    {
        var (store, installation) = await InstalledAsync();
        var first = _portal.NewClient(new HubSpotOAuthTokenProvider(_portal.OAuth, store, installation.Key));
        var second = _portal.NewClient(new HubSpotOAuthTokenProvider(_portal.NewOAuth(), store, installation.Key));
        var contact = await first.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "shared@example.com"));

        _portal.Emulator.Clock.Advance(TimeSpan.FromHours(1));
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? first : second).Crm.Contacts.GetAsync(contact.Id)));

        Assert.Equal(1, _portal.Counter.Refreshes);
    }

    [Fact]
    public async Task A_refreshed_token_is_stored_before_it_is_used()
    {
        var (store, installation) = await InstalledAsync();
        var failing = new FailingStore(store);
        var requests = new RequestLog();
        var client = _portal.NewClient(new HubSpotOAuthTokenProvider(_portal.OAuth, failing, installation.Key), requests);
        _portal.Emulator.Clock.Advance(TimeSpan.FromHours(1));

        failing.Fail = true;
        await Assert.ThrowsAsync<IOException>(() => client.Crm.Contacts.GetAsync("1"));
        Assert.Equal(1, _portal.Counter.Refreshes);
        // The token that could not be stored was never sent.
        Assert.Empty(requests.Authorizations);

        failing.Fail = false;
        await Assert.ThrowsAsync<HubSpotApiException>(() => client.Crm.Contacts.GetAsync("1"));
        var sent = Assert.Single(requests.Authorizations);
        Assert.Equal("Bearer " + (await store.GetAsync(installation.Key))!.AccessToken, sent);
    }

    [Fact]
    public async Task A_401_on_a_token_hubspot_no_longer_accepts_refreshes_once_and_sends_again()
    {
        var (store, installation) = await InstalledAsync();
        var client = _portal.NewClient(new HubSpotOAuthTokenProvider(_portal.OAuth, store, installation.Key));
        var contact = await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "renew@example.com"));
        // HubSpot dropped the access token early (revoked through v3): the stored one still looks good for 30 minutes.
        await RevokeAccessTokenAsync(installation.AccessToken!);
        var infos = _portal.Counter.TokenInfos;

        Assert.Equal(contact.Id, (await client.Crm.Contacts.GetAsync(contact.Id)).Id);
        Assert.Equal(1, _portal.Counter.Refreshes);
        Assert.Equal(infos + 1, _portal.Counter.TokenInfos);
    }

    [Fact]
    public async Task A_401_on_a_token_hubspot_still_accepts_is_not_a_reason_to_refresh()
    {
        var (store, installation) = await InstalledAsync();
        var handler = new Unauthorized();
        var client = _portal.NewClient(new HubSpotOAuthTokenProvider(_portal.OAuth, store, installation.Key), handler);
        var infos = _portal.Counter.TokenInfos;

        var error = await Assert.ThrowsAsync<HubSpotAuthenticationException>(() => client.Crm.Contacts.GetAsync("1"));
        Assert.Equal(401, error.Status);
        Assert.Equal(0, _portal.Counter.Refreshes);
        Assert.Equal(infos + 1, _portal.Counter.TokenInfos);
        Assert.Equal(1, handler.Sent);
    }

    [Fact]
    public async Task An_uninstalled_app_surfaces_as_one_exception_naming_the_installation()
    {
        var (store, installation) = await InstalledAsync();
        var client = _portal.NewClient(new HubSpotOAuthTokenProvider(_portal.OAuth, store, installation.Key));
        _portal.Emulator.UninstallOAuthApp(_portal.App.ClientId, _portal.Emulator.PortalId);

        // The access token is refused at once; the refresh that follows is refused too.
        var now = await Assert.ThrowsAsync<HubSpotInstallationRevokedException>(() => client.Crm.Contacts.GetAsync("1"));
        Assert.Equal(installation.Key, now.Key);
        Assert.Equal(HubSpotInstallationRevokedException.RevokedCategory, now.Category);
        Assert.Contains(installation.Key.ToString(), now.Message, StringComparison.Ordinal);
        _portal.Emulator.Clock.Advance(TimeSpan.FromHours(1));
        await Assert.ThrowsAsync<HubSpotInstallationRevokedException>(() => client.Crm.Contacts.GetAsync("1"));
    }

    [Fact]
    public async Task The_factory_hands_out_a_client_per_installed_portal_with_its_own_budget()
    {
        var installation = await _portal.InstallAsync();
        var services = new ServiceCollection();
        services.AddHubSpotClient(o =>
        {
            o.BaseUri = _portal.Emulator.BaseUri;
            o.ProactiveRateLimiting = false;
            o.TimeProvider = _portal.Emulator.Clock;
        });
        services.AddHubSpotOAuth(o =>
        {
            o.ClientId = _portal.App.ClientId;
            o.ClientSecret = _portal.App.ClientSecret;
            o.RedirectUri = new Uri(OAuthTestPortal.Redirect);
            o.ApiBaseUri = _portal.Emulator.BaseUri;
            o.TimeProvider = _portal.Emulator.Clock;
        });
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IHubSpotTokenStore>().SaveAsync(installation);
        var factory = provider.GetRequiredService<IHubSpotInstallationClientFactory>();

        var client = factory.CreateClient(installation.PortalId);
        _portal.Emulator.Clock.Advance(TimeSpan.FromHours(1));
        await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "factory@example.com"));

        Assert.Same(factory.TokenProvider(installation.PortalId), factory.TokenProvider(installation.PortalId));
        Assert.Equal($"oauth:{_portal.App.ClientId}:{installation.PortalId}", factory.TokenProvider(installation.PortalId).BudgetKey);
        Assert.Equal(1, factory.TokenProvider(installation.PortalId).Refreshes);
        await Assert.ThrowsAsync<HubSpotInstallationRevokedException>(() => factory.CreateClient(999).Crm.Contacts.GetAsync("1"));
    }

    [Fact]
    public async Task Clients_of_two_installed_portals_never_see_each_others_records()
    {
        await using var portal = await OAuthTestPortal.StartAsync(o => o.AdditionalPortalIds.Add(77_777_777));
        var first = await portal.InstallAsync(portalId: portal.Emulator.PortalId);
        var second = await portal.InstallAsync(portalId: 77_777_777);
        var store = new InMemoryHubSpotTokenStore();
        await store.SaveAsync(first);
        await store.SaveAsync(second);
        var a = portal.NewClient(new HubSpotOAuthTokenProvider(portal.OAuth, store, first.Key));
        var b = portal.NewClient(new HubSpotOAuthTokenProvider(portal.OAuth, store, second.Key));

        var mine = await a.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "tenant@example.com").Set("firstname", "A"));
        await b.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "tenant@example.com").Set("firstname", "B"));
        portal.Emulator.Clock.Advance(TimeSpan.FromHours(1));

        var seenByB = new List<CrmObject>();
        await foreach (var c in b.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["firstname"] }))
        {
            seenByB.Add(c);
        }

        Assert.Equal(["B"], seenByB.Select(c => c.Properties.GetString("firstname")));
        Assert.Equal("A", (await a.Crm.Contacts.GetAsync(mine.Id, new CrmReadOptions { Properties = ["firstname"] })).Properties.GetString("firstname"));
        Assert.Equal(77_777_777, (await store.GetAsync(second.Key))!.PortalId);
        Assert.Equal(2, portal.Counter.Refreshes);
    }

    [Fact]
    public async Task No_token_secret_or_code_appears_in_any_log_line_or_exception_message()
    {
        var request = _portal.OAuth.CreateAuthorizationRequest();
        var code = (await _portal.ConsentAsync(request.Url))["code"];
        var installation = await _portal.OAuth.CompleteAuthorizationAsync(code, request);
        var store = new InMemoryHubSpotTokenStore();
        await store.SaveAsync(installation);
        var provider = new HubSpotOAuthTokenProvider(_portal.OAuth, store, installation.Key);
        var client = _portal.NewClient(provider);
        var messages = new List<string>();
        await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "scan@example.com"));
        _portal.Emulator.Clock.Advance(TimeSpan.FromHours(1));
        await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "scan2@example.com"));
        var refreshed = (await store.GetAsync(installation.Key))!;
        messages.Add((await Assert.ThrowsAsync<HubSpotApiException>(() => _portal.OAuth.CompleteAuthorizationAsync(code, request))).ToString());
        messages.Add((await Assert.ThrowsAsync<HubSpotApiException>(() => _portal.NewOAuth(o => o.ClientSecret = "x").RefreshAsync(refreshed.RefreshToken))).ToString());
        _portal.Emulator.UninstallOAuthApp(_portal.App.ClientId, _portal.Emulator.PortalId);
        messages.Add((await Assert.ThrowsAsync<HubSpotInstallationRevokedException>(() => client.Crm.Contacts.GetAsync("1"))).ToString());
        messages.Add(installation.ToString());
        messages.Add(refreshed.ToString());
        messages.Add(provider.ToString());
        messages.Add(request.ToString());

        var secrets = new[] { code, _portal.App.ClientSecret, installation.AccessToken!, installation.RefreshToken, refreshed.AccessToken!, request.CodeVerifier! };
        var lines = _portal.Logs.Lines.Concat(messages).ToList();
        Assert.Contains(lines, l => l.Contains("Refreshed the access token", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_refresh_token_another_process_rotated_between_read_and_refresh_is_taken_from_the_store_not_reported_revoked()
    {
        _portal.Emulator.RotateRefreshTokens = true;
        var (store, installation) = await InstalledAsync();
        // The other process refreshes twice in the window: its second refresh retires the refresh token this one read.
        var racing = new RacingStore(store, async () =>
        {
            var other = _portal.NewOAuth();
            var once = await other.RefreshAsync(installation.RefreshToken);
            var twice = await other.RefreshAsync(once.RefreshToken);
            await store.SaveAsync(installation with { RefreshToken = twice.RefreshToken, AccessToken = twice.AccessToken, AccessTokenExpiresAt = twice.ExpiresAt });
        });
        var provider = new HubSpotOAuthTokenProvider(_portal.OAuth, racing, installation.Key);
        _portal.Emulator.Clock.Advance(TimeSpan.FromMinutes(31));

        var token = await provider.GetTokenAsync(default);

        var stored = (await store.GetAsync(installation.Key))!;
        Assert.Equal(stored.AccessToken, token);
        var contact = await _portal.NewClient(provider).Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "raced@example.com"));
        Assert.NotNull(contact.Id);
    }

    private async Task RevokeAccessTokenAsync(string token)
    {
        using var http = new HttpClient();
        var answer = await http.PostAsync(new Uri(_portal.Emulator.BaseUri, "/oauth/v3/token/revoke"), new FormUrlEncodedContent(
            [new("client_id", _portal.App.ClientId), new("client_secret", _portal.App.ClientSecret), new("token", token)]));
        answer.EnsureSuccessStatusCode();
    }

    /// <summary>Runs <paramref name="race"/> once, right after the first read, and answers that read's (now stale) installation.</summary>
    private sealed class RacingStore(IHubSpotTokenStore inner, Func<Task> race) : IHubSpotTokenStore
    {
        private int _raced;

        public async ValueTask<HubSpotInstallation?> GetAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default)
        {
            var read = await inner.GetAsync(key, cancellationToken);
            if (Interlocked.Exchange(ref _raced, 1) == 0)
            {
                await race();
            }

            return read;
        }

        public ValueTask SaveAsync(HubSpotInstallation installation, CancellationToken cancellationToken = default) => inner.SaveAsync(installation, cancellationToken);

        public ValueTask<bool> DeleteAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<HubSpotInstallation> ListAsync(string? clientId = null, CancellationToken cancellationToken = default) => inner.ListAsync(clientId, cancellationToken);
    }

    private sealed class FailingStore(IHubSpotTokenStore inner) : IHubSpotTokenStore
    {
        public bool Fail { get; set; }

        public ValueTask<HubSpotInstallation?> GetAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public ValueTask SaveAsync(HubSpotInstallation installation, CancellationToken cancellationToken = default) =>
            Fail ? throw new IOException("disk full") : inner.SaveAsync(installation, cancellationToken);

        public ValueTask<bool> DeleteAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<HubSpotInstallation> ListAsync(string? clientId = null, CancellationToken cancellationToken = default) => inner.ListAsync(clientId, cancellationToken);
    }

    private sealed class RequestLog() : DelegatingHandler(new HttpClientHandler())
    {
        public List<string> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Authorizations)
            {
                Authorizations.Add(request.Headers.Authorization!.ToString());
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Answers 401 to every CRM request without sending it (a proxy or HubSpot hiccup, the token itself fine).</summary>
    private sealed class Unauthorized : HttpMessageHandler
    {
        private int _sent;

        public int Sent => _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized)
            {
                Content = new StringContent("""{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION"}"""),
            });
        }
    }
}
