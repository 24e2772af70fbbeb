using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Spoke.Emulator;
using Spoke.OAuth;

namespace Spoke.Tests.OAuth;

/// <summary>
/// An emulator with one public app registered, the app's <see cref="HubSpotOAuth"/> (on the emulator's clock), and a
/// way to answer the consent page the way a browser does (GET the page, POST the form) without a browser.
/// </summary>
public sealed partial class OAuthTestPortal : IAsyncDisposable
{
    public const string Redirect = "http://localhost:5799/hubspot/oauth/callback";

    private OAuthTestPortal(HubSpotEmulator emulator, OAuthAppCredentials app, TokenEndpointCounter counter, CapturingLoggerFactory logs)
    {
        Emulator = emulator;
        App = app;
        Counter = counter;
        Logs = logs;
        OAuth = NewOAuth();
    }

    public HubSpotEmulator Emulator { get; }

    public OAuthAppCredentials App { get; }

    public HubSpotOAuth OAuth { get; }

    /// <summary>Counts the token endpoint's calls of every <see cref="HubSpotOAuth"/> made by <see cref="NewOAuth"/>.</summary>
    public TokenEndpointCounter Counter { get; }

    /// <summary>Every log line of the OAuth clients and HubSpot clients made here.</summary>
    public CapturingLoggerFactory Logs { get; }

    public static async Task<OAuthTestPortal> StartAsync(Action<HubSpotEmulatorOptions>? configure = null)
    {
        var options = new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)) };
        configure?.Invoke(options);
        var emulator = await HubSpotEmulator.StartAsync(options);
        var definition = new OAuthAppDefinition { Name = "Spoke test app" };
        definition.RedirectUris.Add(Redirect);
        definition.RequiredScopes.Add("crm.objects.contacts.read");
        definition.RequiredScopes.Add("crm.objects.contacts.write");
        definition.OptionalScopes.Add("crm.objects.deals.read");
        return new OAuthTestPortal(emulator, emulator.CreateOAuthApp(definition), new TokenEndpointCounter(), new CapturingLoggerFactory());
    }

    public HubSpotOAuth NewOAuth(Action<HubSpotOAuthOptions>? configure = null)
    {
        var options = new HubSpotOAuthOptions
        {
            ClientId = App.ClientId,
            ClientSecret = App.ClientSecret,
            RedirectUri = new Uri(Redirect),
            AuthorizeBaseUri = Emulator.BaseUri,
            ApiBaseUri = Emulator.BaseUri,
            TimeProvider = Emulator.Clock,
            LoggerFactory = Logs,
        };
        options.Scopes.Add("crm.objects.contacts.read");
        options.Scopes.Add("crm.objects.contacts.write");
        options.OptionalScopes.Add("crm.objects.deals.read");
        configure?.Invoke(options);
        return new HubSpotOAuth(options, new HttpClient(new TokenEndpointCounter.Handler(Counter)));
    }

    /// <summary>A client acting with <paramref name="tokens"/>; no proactive gate (the emulator's clock is frozen).</summary>
    public HubSpotClient NewClient(Auth.IAccessTokenProvider tokens, HttpMessageHandler? handler = null) =>
        new(new HttpClient(handler ?? new HttpClientHandler()), new HubSpotClientOptions
        {
            BaseUri = Emulator.BaseUri,
            TokenProvider = tokens,
            ProactiveRateLimiting = false,
            MaxRetries = 0,
            LoggerFactory = Logs,
            TimeProvider = Emulator.Clock,
        });

    /// <summary>Opens the consent page of <paramref name="url"/> and answers it: the redirect's query (code and state, or error).</summary>
    public async Task<Dictionary<string, string>> ConsentAsync(Uri url, string decision = "connect", long? portalId = null)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = await http.GetAsync(url);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"consent page answered {(int)page.StatusCode}: {html}");
        var request = RequestField().Match(html).Groups[1].Value;
        var portal = portalId ?? long.Parse(PortalOption().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(Emulator.BaseUri, "/oauth/authorize/decision"))
        {
            Content = new FormUrlEncodedContent([new("request", request), new("portalId", portal.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("decision", decision)]),
        };
        post.Headers.Add("Origin", Emulator.BaseUri.GetLeftPart(UriPartial.Authority));
        var answer = await http.SendAsync(post);
        Assert.True(answer.StatusCode == HttpStatusCode.Found, $"decision answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        var location = answer.Headers.Location!;
        Assert.StartsWith(Redirect, location.OriginalString, StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        return query.AllKeys.ToDictionary(k => k!, k => query[k]!);
    }

    /// <summary>A whole install: authorization request, consent, code exchange, token info.</summary>
    public async Task<HubSpotInstallation> InstallAsync(HubSpotOAuth? oauth = null, long? portalId = null)
    {
        oauth ??= OAuth;
        var request = oauth.CreateAuthorizationRequest();
        var callback = await ConsentAsync(request.Url, portalId: portalId);
        Assert.True(request.IsState(callback["state"]));
        return await oauth.CompleteAuthorizationAsync(callback["code"], request);
    }

    public async ValueTask DisposeAsync() => await Emulator.DisposeAsync();

    [GeneratedRegex("name=\"request\" value=\"([^\"]+)\"")]
    private static partial Regex RequestField();

    [GeneratedRegex("<option value=\"(\\d+)\"")]
    private static partial Regex PortalOption();
}

/// <summary>Counts calls to the token endpoint (grant types) as they leave an <see cref="HubSpotOAuth"/>.</summary>
public sealed class TokenEndpointCounter
{
    private int _refreshes;
    private int _exchanges;
    private int _infos;

    public int Refreshes => Volatile.Read(ref _refreshes);

    public int Exchanges => Volatile.Read(ref _exchanges);

    public int TokenInfos => Volatile.Read(ref _infos);

    public sealed class Handler(TokenEndpointCounter counter) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/token", StringComparison.Ordinal) && request.Content is { } content)
            {
                var body = await content.ReadAsStringAsync(cancellationToken);
                Interlocked.Increment(ref body.Contains("grant_type=refresh_token", StringComparison.Ordinal) ? ref counter._refreshes : ref counter._exchanges);
            }
            else if (request.RequestUri.AbsolutePath.StartsWith("/oauth/v1/access-tokens/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref counter._infos);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
