using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spoke.Emulator.Tests.OAuth;

/// <summary>Drives the emulator's OAuth endpoints over raw HTTP, the way a browser and an app's server do.</summary>
public sealed partial class OAuthFlow(HubSpotEmulator emulator, OAuthAppCredentials app) : IDisposable
{
    public const string Redirect = "http://localhost:5799/callback";

    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = emulator.BaseUri };

    public OAuthAppCredentials App { get; } = app;

    public static OAuthAppCredentials CreateApp(HubSpotEmulator emulator, string? clientId = null)
    {
        var definition = new OAuthAppDefinition { Name = "Flow <app>", ClientId = clientId };
        definition.RedirectUris.Add(Redirect);
        definition.RequiredScopes.Add("crm.objects.contacts.read");
        definition.OptionalScopes.Add("crm.objects.companies.read");
        return emulator.CreateOAuthApp(definition);
    }

    public string AuthorizeUrl(string? scope = "crm.objects.contacts.read", string? optional = "crm.objects.companies.read", string redirect = Redirect,
        string state = "st-1", string? challenge = null, long? portalId = null, string? clientId = null)
    {
        var url = new StringBuilder(portalId is { } p ? $"/oauth/{p}/authorize" : "/oauth/authorize")
            .Append("?client_id=").Append(Uri.EscapeDataString(clientId ?? App.ClientId))
            .Append("&redirect_uri=").Append(Uri.EscapeDataString(redirect))
            .Append("&state=").Append(state);
        if (scope is not null)
        {
            url.Append("&scope=").Append(Uri.EscapeDataString(scope));
        }

        if (optional is not null)
        {
            url.Append("&optional_scope=").Append(Uri.EscapeDataString(optional));
        }

        if (challenge is not null)
        {
            url.Append("&code_challenge=").Append(challenge).Append("&code_challenge_method=S256");
        }

        return url.ToString();
    }

    public async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> PageAsync(string url)
    {
        var response = await _http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<HttpResponseMessage> DecideAsync(string html, string decision = "connect", long? portalId = null, string? origin = "self")
    {
        var request = RequestField().Match(html).Groups[1].Value;
        var portal = portalId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? PortalOption().Match(html).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/oauth/authorize/decision")
        {
            Content = new FormUrlEncodedContent([new("request", request), new("portalId", portal), new("decision", decision)]),
        };
        if (origin is not null)
        {
            post.Headers.Add("Origin", origin == "self" ? emulator.BaseUri.GetLeftPart(UriPartial.Authority) : origin);
        }

        return await _http.SendAsync(post);
    }

    /// <summary>Consent with Connect: the code from the redirect.</summary>
    public async Task<string> CodeAsync(string? challenge = null, long? portalId = null, long? choose = null)
    {
        var (status, html, _) = await PageAsync(AuthorizeUrl(challenge: challenge, portalId: portalId));
        Assert.Equal(HttpStatusCode.OK, status);
        var answer = await DecideAsync(html, portalId: choose);
        Assert.Equal(HttpStatusCode.Found, answer.StatusCode);
        return Query(answer.Headers.Location!)["code"]!;
    }

    public async Task<(int Status, JsonNode Body)> TokenAsync(string path = "/oauth/v1/token", params (string Name, string Value)[] fields)
    {
        var answer = await _http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
        return ((int)answer.StatusCode, JsonNode.Parse(await answer.Content.ReadAsStringAsync())!);
    }

    public Task<(int Status, JsonNode Body)> ExchangeAsync(string code, string? verifier = null, string redirect = Redirect, string path = "/oauth/v1/token")
    {
        var fields = new List<(string, string)> { ("grant_type", "authorization_code"), ("client_id", App.ClientId), ("client_secret", App.ClientSecret), ("redirect_uri", redirect), ("code", code) };
        if (verifier is not null)
        {
            fields.Add(("code_verifier", verifier));
        }

        return TokenAsync(path, [.. fields]);
    }

    public Task<(int Status, JsonNode Body)> RefreshAsync(string refreshToken) =>
        TokenAsync("/oauth/v1/token", ("grant_type", "refresh_token"), ("client_id", App.ClientId), ("client_secret", App.ClientSecret), ("refresh_token", refreshToken));

    /// <summary>A whole install into the portal the page offers first (or <paramref name="choose"/>): the token answer.</summary>
    public async Task<JsonNode> InstallAsync(long? choose = null)
    {
        var (status, body) = await ExchangeAsync(await CodeAsync(choose: choose));
        Assert.Equal(200, status);
        return body;
    }

    public static System.Collections.Specialized.NameValueCollection Query(Uri location) => System.Web.HttpUtility.ParseQueryString(location.Query);

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (verifier, challenge);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"request\" value=\"([^\"]+)\"")]
    private static partial Regex RequestField();

    [GeneratedRegex("<option value=\"(\\d+)\"")]
    private static partial Regex PortalOption();
}
