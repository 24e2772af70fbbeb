using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Emulator;

namespace Spoke.OAuth.Tests.Endpoints;

/// <summary>An ASP.NET Core app installed from the emulator's consent page through MapHubSpotOAuth.</summary>
public sealed partial class MapHubSpotOAuthTests : IAsyncLifetime
{
    private const string Callback = "http://localhost/hubspot/oauth/callback";
    private HubSpotEmulator _emulator = null!;
    private OAuthAppCredentials _app = null!;
    private WebApplication _web = null!;
    private HttpClient _browser = null!;
    private readonly List<HubSpotInstallation> _installed = [];

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero)) });
        var definition = new OAuthAppDefinition { Name = "Web app" };
        definition.RedirectUris.Add(Callback);
        definition.RequiredScopes.Add("crm.objects.contacts.read");
        _app = _emulator.CreateOAuthApp(definition);
        _web = BuildApp(_emulator, _app, o => o.OnInstalled = (_, i) =>
        {
            _installed.Add(i);
            return Task.CompletedTask;
        });
        await _web.StartAsync();
        // A browser: keeps cookies, does not follow redirects (the test follows them, across the two hosts).
        _browser = _web.GetTestServer().CreateClient();
    }

    private static WebApplication BuildApp(HubSpotEmulator emulator, OAuthAppCredentials app, Action<HubSpotOAuthEndpointOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddHubSpotOAuth(o =>
        {
            o.ClientId = app.ClientId;
            o.ClientSecret = app.ClientSecret;
            o.RedirectUri = new Uri(Callback);
            o.Scopes.Add("crm.objects.contacts.read");
            o.AuthorizeBaseUri = emulator.BaseUri;
            o.ApiBaseUri = emulator.BaseUri;
            o.TimeProvider = emulator.Clock;
        });
        var web = builder.Build();
        web.MapHubSpotOAuth("/hubspot/oauth", o =>
        {
            o.SuccessPath = "/installed";
            o.DeniedPath = "/denied";
            configure?.Invoke(o);
        });
        return web;
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _web.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    /// <summary>Starts the install and answers HubSpot's page: the callback URL HubSpot redirects the browser to.</summary>
    private async Task<(Uri Callback, string Cookie)> ConsentAsync(string install = "/hubspot/oauth/install", string decision = "connect")
    {
        var start = await _browser.GetAsync(install);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var cookie = start.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        using var hubspot = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = await (await hubspot.GetAsync(start.Headers.Location)).Content.ReadAsStringAsync();
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(_emulator.BaseUri, "/oauth/authorize/decision"))
        {
            Content = new FormUrlEncodedContent([new("request", RequestField().Match(page).Groups[1].Value), new("portalId", _emulator.PortalId.ToString()), new("decision", decision)]),
        };
        var answer = await hubspot.SendAsync(post);
        Assert.Equal(HttpStatusCode.Found, answer.StatusCode);
        return (answer.Headers.Location!, cookie.Split(';')[0]);
    }

    private async Task<HttpResponseMessage> CallbackAsync(Uri callback, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, callback.PathAndQuery);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await _browser.SendAsync(request);
    }

    [Fact]
    public async Task An_install_stores_the_installation_and_returns_to_the_page_it_started_from()
    {
        var (callback, cookie) = await ConsentAsync("/hubspot/oauth/install?returnUrl=/settings/hubspot");
        var done = await CallbackAsync(callback, cookie);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal($"/settings/hubspot?portalId={_emulator.PortalId}", done.Headers.Location!.OriginalString);
        var stored = await _web.Services.GetRequiredService<IHubSpotTokenStore>().GetAsync(new HubSpotInstallationKey(_app.ClientId, _emulator.PortalId));
        Assert.NotNull(stored);
        Assert.Equal(["crm.objects.contacts.read"], stored.Scopes);
        Assert.Single(_installed);
        // The state cookie is spent: the same callback again is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await CallbackAsync(callback, null)).StatusCode);
    }

    [Fact]
    public async Task A_callback_whose_state_is_not_the_cookies_is_refused_and_nothing_is_stored()
    {
        var (callback, cookie) = await ConsentAsync();
        var tampered = new Uri(callback.ToString().Replace("state=", "state=x", StringComparison.Ordinal));
        var refused = await CallbackAsync(tampered, cookie);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("state mismatch", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_installed);
    }

    [Fact]
    public async Task A_callback_without_the_cookie_or_after_the_install_lifetime_is_refused()
    {
        var (callback, _) = await ConsentAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await CallbackAsync(callback, null)).StatusCode);

        var (late, cookie) = await ConsentAsync();
        _emulator.Clock.Advance(TimeSpan.FromMinutes(11));
        var refused = await CallbackAsync(late, cookie);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("took too long", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_installed);
    }

    [Fact]
    public async Task Cancel_on_hubspots_page_lands_on_the_denied_page()
    {
        var (callback, cookie) = await ConsentAsync(decision: "cancel");
        var denied = await CallbackAsync(callback, cookie);

        Assert.Equal("/denied?error=access_denied", denied.Headers.Location!.OriginalString);
        Assert.Empty(_installed);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task A_return_url_off_the_site_is_ignored(string returnUrl)
    {
        var (callback, cookie) = await ConsentAsync("/hubspot/oauth/install?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var done = await CallbackAsync(callback, cookie);

        Assert.Equal($"/installed?portalId={_emulator.PortalId}", done.Headers.Location!.OriginalString);
    }

    [Fact]
    public void Mapping_checks_that_the_redirect_uri_is_the_callback()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddHubSpotOAuth(o =>
        {
            o.ClientId = "id";
            o.ClientSecret = "secret";
            o.RedirectUri = new Uri("http://localhost/elsewhere");
        });
        using var web = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => web.MapHubSpotOAuth("/hubspot/oauth"));
        Assert.Contains("/hubspot/oauth/callback", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"request\" value=\"([^\"]+)\"")]
    private static partial Regex RequestField();
}
