using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Emulator.Faults;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Admin;

/// <summary>
/// The admin API as a hostile web page or a sloppy path meets it: every spelling routing sends to an admin endpoint is
/// an admin request (loopback, Host, Origin and JSON rules; no token; no faults), and nothing else is.
/// Requests are raw: the path goes out exactly as written, and Host, Origin and Content-Type are set by hand.
/// </summary>
public sealed class AdminRequestRulesTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly EmulatorFixture _fixture;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public AdminRequestRulesTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        fixture.Emulator.Faults.Clear();
    }

    private int Port => _fixture.Emulator.BaseUri.Port;

    /// <summary>Spellings of <c>/_emulator/app</c> that Kestrel and routing hand to the admin endpoint.</summary>
    public static TheoryData<string> AdminSpellings() =>
    [
        "/_emulator/app", "/_EMULATOR/app", "/_Emulator/APP", "/%5Femulator/app", "/%5femulator/app", "/./_emulator/app",
        "/crm/../_EMULATOR/app", "/_emulator/app/", "/_EMULATOR/./app",
    ];

    [Theory]
    [MemberData(nameof(AdminSpellings))]
    public async Task Every_spelling_of_an_admin_path_is_an_admin_request_whatever_token_comes_with_it(string path)
    {
        var readOnly = _fixture.Emulator.CreateToken("crm.objects.contacts.read");

        // Admin rules, not CRM auth: no token needed from loopback...
        var anonymous = await Send(HttpMethod.Get, path);
        Assert.Equal(200, anonymous.Code);
        Assert.Equal(_fixture.Emulator.DeveloperApiKey, anonymous.Json!["developerApiKey"]!.GetValue<string>());

        // ...and a valid CRM token does not carry a request past them.
        var rebound = await Send(HttpMethod.Get, path, token: readOnly, host: "attacker.example");
        Assert.Equal(403, rebound.Code);
        Assert.DoesNotContain(_fixture.Emulator.DeveloperApiKey, rebound.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/_EMULATOR/tokens")]
    [InlineData("/%5Femulator/tokens")]
    [InlineData("/_Emulator/tokens/")]
    public async Task A_read_only_token_cannot_mint_tokens_through_a_case_or_encoding_variant(string path)
    {
        var readOnly = _fixture.Emulator.CreateToken("crm.objects.contacts.read");
        var before = TokenCount();

        var formPost = await Send(HttpMethod.Post, path, token: readOnly, content: Text("{}", "text/plain"));
        Assert.Equal(415, formPost.Code);
        var rebound = await Send(HttpMethod.Post, path, token: readOnly, host: "attacker.example", content: Text("{}", "application/json"));
        Assert.Equal(403, rebound.Code);
        var crossOrigin = await Send(HttpMethod.Post, path, token: readOnly, origin: "http://attacker.example", content: Text("{}", "application/json"));
        Assert.Equal(403, crossOrigin.Code);
        Assert.Equal(before, TokenCount());

        var proper = await Send(HttpMethod.Post, path, content: Text("""{"scopes":["crm.objects.deals.read"]}""", "application/json"));
        Assert.Equal(201, proper.Code);
        Assert.Equal(["crm.objects.deals.read"], proper.Json!["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/_emulator/health")]
    [InlineData("/_EMULATOR/health")]
    [InlineData("/%5Femulator/health")]
    [InlineData("/./_Emulator/health")]
    [InlineData("/_emulator/health/")]
    public async Task Fault_rules_never_apply_to_any_spelling_of_an_admin_path(string path)
    {
        _fixture.Emulator.Faults.Add(new FaultRule { Route = "*", Kind = FaultKind.Status, Status = 500 });
        var readOnly = _fixture.Emulator.CreateToken("crm.objects.contacts.read");

        Assert.Equal(200, (await Send(HttpMethod.Get, path, token: readOnly)).Code);
        Assert.Equal(500, (await Send(HttpMethod.Get, "/crm/v3/objects/contacts", token: readOnly)).Code);
    }

    [Theory]
    [InlineData("/_emulatorx/app")]
    [InlineData("//_emulator/app")]
    [InlineData("/crm/v3/objects/contacts/_emulator")]
    [InlineData("/crm/v3/objects/_EMULATOR/app")]
    public async Task A_path_that_only_contains_the_admin_prefix_text_is_a_crm_request(string path)
    {
        // CRM auth applies: no token, 401 (an admin request would not ask for one).
        var anonymous = await Send(HttpMethod.Get, path);
        Assert.Equal(401, anonymous.Code);

        _fixture.Emulator.Faults.Add(new FaultRule { Route = "*", Kind = FaultKind.Status, Status = 503 });
        Assert.Equal(503, (await Send(HttpMethod.Get, path, token: _fixture.Emulator.Token)).Code);
    }

    [Fact]
    public async Task Every_route_under_the_admin_prefix_and_only_those_follow_the_admin_rules_in_any_case()
    {
        var endpoints = _fixture.Emulator.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { Length: > 0 } raw && !raw.Contains("{*", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText!.StartsWith("/_emulator/", StringComparison.Ordinal));
        var mismatches = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var raw = endpoint.RoutePattern.RawText!;
            var path = "/" + System.Text.RegularExpressions.Regex.Replace(raw.TrimStart('/'), @"\{[^}]+\}", "1").ToUpperInvariant();
            var method = new HttpMethod(endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is [var first, ..] ? first : "GET");
            // A foreign Host and no token: an admin request is refused as rebinding (403), any other asks for a token (401).
            var reply = await Send(method, path, host: "attacker.example", content: method == HttpMethod.Get || method == HttpMethod.Delete ? null : Text("{}", "application/json"));
            var admin = raw.StartsWith("/_emulator", StringComparison.Ordinal);
            // An export's download link needs no token (it is its own credential): an unknown one is 403.
            var download = raw.StartsWith("/_export-files/", StringComparison.Ordinal);
            // OAuth's consent page and token endpoints take the app's client id and secret, never a token: no 401, no 500.
            var oauth = raw.StartsWith("/oauth/", StringComparison.Ordinal);
            if (oauth ? reply.Code is 401 or >= 500 : reply.Code != (admin || download ? 403 : 401))
            {
                mismatches.Add($"{method} {path} ({raw}) answered {reply.Code}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task A_cross_site_text_plain_or_bodiless_post_does_not_reset_the_portal()
    {
        var id = await CreateContactAsync();

        var textPlain = await Send(HttpMethod.Post, "/_emulator/reset", origin: "http://attacker.example", content: Text("x", "text/plain"));
        Assert.Equal(403, textPlain.Code);
        var sameOriginTextPlain = await Send(HttpMethod.Post, "/_emulator/reset", content: Text("x", "text/plain"));
        Assert.Equal(415, sameOriginTextPlain.Code);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", sameOriginTextPlain.Json!["category"]!.GetValue<string>());
        Assert.Contains("Content-Type: application/json", sameOriginTextPlain.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var form = await Send(HttpMethod.Post, "/_emulator/reset", content: Text("a=b", "application/x-www-form-urlencoded"));
        Assert.Equal(415, form.Code);
        var bodiless = await Send(HttpMethod.Post, "/_emulator/reset");
        Assert.Equal(415, bodiless.Code);
        Assert.Equal(200, (await Send(HttpMethod.Get, $"/crm/v3/objects/contacts/{id}", token: _fixture.Emulator.Token)).Code);

        var json = await Send(HttpMethod.Post, "/_emulator/reset", content: Text("", "application/json; charset=utf-8"));
        Assert.Equal(204, json.Code);
        Assert.Equal(404, (await Send(HttpMethod.Get, $"/crm/v3/objects/contacts/{id}", token: _fixture.Emulator.Token)).Code);
    }

    [Fact]
    public async Task A_put_with_a_non_json_body_is_415_and_changes_nothing()
    {
        _fixture.Emulator.RateLimits = RateLimitTier.Off;
        var reply = await Send(HttpMethod.Put, "/_emulator/rate-limits", content: Text("""{"tier":"free"}""", "text/plain"));
        Assert.Equal(415, reply.Code);
        Assert.Equal(RateLimitTier.Off, _fixture.Emulator.RateLimits);
    }

    [Fact]
    public async Task Bodiless_gets_and_deletes_need_no_content_type()
    {
        Assert.Equal(200, (await Send(HttpMethod.Get, "/_emulator/clock")).Code);
        Assert.Equal(204, (await Send(HttpMethod.Delete, "/_emulator/faults")).Code);
    }

    [Theory]
    [InlineData("http://attacker.example")]
    [InlineData("null")]
    [InlineData("https://127.0.0.1:{port}")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://localhost.attacker.example:{port}")]
    [InlineData("not a url")]
    public async Task A_foreign_origin_is_refused(string origin)
    {
        var reply = await Send(HttpMethod.Get, "/_emulator/app", origin: origin.Replace("{port}", Port.ToString(), StringComparison.Ordinal));
        Assert.Equal(403, reply.Code);
        Assert.Equal("FORBIDDEN", reply.Json!["category"]!.GetValue<string>());
        Assert.Contains("cross-origin", reply.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(_fixture.Emulator.DeveloperApiKey, reply.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}")]
    [InlineData("http://localhost:{port}")]
    [InlineData("http://[::1]:{port}")]
    public async Task The_emulators_own_origin_is_accepted(string origin)
    {
        var reply = await Send(HttpMethod.Post, "/_emulator/clock/unfreeze", origin: origin.Replace("{port}", Port.ToString(), StringComparison.Ordinal),
            content: Text("", "application/json"));
        Assert.Equal(200, reply.Code);
        _fixture.Emulator.Clock.Freeze(_fixture.Emulator.Clock.GetUtcNow());
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:{port}")]
    [InlineData("localhost")]
    [InlineData("localhost:1")]
    [InlineData("localhost.attacker.example:{port}")]
    [InlineData("10.0.0.1:{port}")]
    public async Task A_host_that_is_not_the_emulator_is_refused(string host)
    {
        var reply = await Send(HttpMethod.Get, "/_emulator/app", host: host.Replace("{port}", Port.ToString(), StringComparison.Ordinal));
        Assert.Equal(403, reply.Code);
        Assert.Contains("DNS rebinding", reply.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(_fixture.Emulator.DeveloperApiKey, reply.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("localhost:{port}")]
    [InlineData("LOCALHOST:{port}")]
    [InlineData("[::1]:{port}")]
    public async Task The_emulators_own_host_is_accepted(string host)
    {
        var reply = await Send(HttpMethod.Get, "/_emulator/app", host: host.Replace("{port}", Port.ToString(), StringComparison.Ordinal));
        Assert.Equal(200, reply.Code);
    }

    [Fact]
    public async Task The_crm_api_ignores_host_and_origin_as_hubspot_does()
    {
        var reply = await Send(HttpMethod.Get, "/crm/v3/objects/contacts", token: _fixture.Emulator.Token, host: "attacker.example", origin: "http://attacker.example");
        Assert.Equal(200, reply.Code);
        var created = await Send(HttpMethod.Post, "/crm/v3/objects/contacts", token: _fixture.Emulator.Token, host: "api.hubapi.com", origin: "https://app.example",
            content: Text("""{"properties":{"firstname":"Cross"}}""", "application/json"));
        Assert.Equal(201, created.Code);
    }

    private int TokenCount()
    {
        using var _ = _fixture.Emulator.Portal.Read();
        return _fixture.Emulator.Portal.Tokens.All.Count();
    }

    private async Task<string> CreateContactAsync()
    {
        var reply = await Send(HttpMethod.Post, "/crm/v3/objects/contacts", token: _fixture.Emulator.Token,
            content: Text("""{"properties":{"firstname":"Kept"}}""", "application/json"));
        Assert.Equal(201, reply.Code);
        return reply.Json!["id"]!.GetValue<string>();
    }

    private static ByteArrayContent Text(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>Sends <paramref name="rawPath"/> byte for byte (no dot-segment or percent canonicalisation on our side).</summary>
    private async Task<RawReply> Send(HttpMethod method, string rawPath, string? token = null, string? host = null, string? origin = null, HttpContent? content = null)
    {
        var uri = new Uri($"http://127.0.0.1:{Port}{rawPath}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        // The OAuth consent page and its error pages are HTML.
        var json = text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json";
        return new RawReply((int)response.StatusCode, text, json ? JsonNode.Parse(text) : null);
    }

    public void Dispose() => _http.Dispose();

    private sealed record RawReply(int Code, string Text, JsonNode? Json);
}
