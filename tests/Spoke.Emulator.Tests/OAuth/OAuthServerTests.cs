using System.Net;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Persistence;

namespace Spoke.Emulator.Tests.OAuth;

/// <summary>The emulator's OAuth server: consent page, the authorization rules HubSpot applies, the token endpoint's answers and errors.</summary>
public sealed class OAuthServerTests : IAsyncLifetime
{
    private EmulatorFixture _fixture = null!;
    private OAuthFlow _flow = null!;

    private HubSpotEmulator Emulator => _fixture.Emulator;

    public async Task InitializeAsync()
    {
        _fixture = new EmulatorFixture();
        await _fixture.InitializeAsync();
        _flow = new OAuthFlow(Emulator, OAuthFlow.CreateApp(Emulator));
    }

    public async Task DisposeAsync()
    {
        _flow.Dispose();
        await _fixture.DisposeAsync();
    }

    [Fact]
    public async Task The_consent_page_is_plain_accessible_html_naming_the_app_portal_and_scopes()
    {
        var (status, html, response) = await _flow.PageAsync(_flow.AuthorizeUrl());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("Flow &lt;app&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Flow <app>", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"portal\">Portal</label><select id=\"portal\" name=\"portalId\">", html, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{Emulator.PortalId}\">", html, StringComparison.Ordinal);
        Assert.Contains(">Connect</button>", html, StringComparison.Ordinal);
        Assert.Contains(">Cancel</button>", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"required-scopes\">Required access</h2>", html, StringComparison.Ordinal);
        Assert.Contains("crm.objects.contacts.read", html, StringComparison.Ordinal);
        Assert.Contains("crm.objects.companies.read", html, StringComparison.Ordinal);
        // No script and no external asset: everything is on the page, and the policy forbids the rest.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self' http://localhost:5799", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_redirects_with_a_code_and_the_state_and_cancel_with_access_denied()
    {
        var (_, html, _) = await _flow.PageAsync(_flow.AuthorizeUrl(state: "abc 123"));
        var connect = await _flow.DecideAsync(html);
        Assert.Equal(HttpStatusCode.Found, connect.StatusCode);
        Assert.StartsWith(OAuthFlow.Redirect + "?code=", connect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal("abc 123", OAuthFlow.Query(connect.Headers.Location)["state"]);

        var (_, again, _) = await _flow.PageAsync(_flow.AuthorizeUrl(state: "s2"));
        var cancel = await _flow.DecideAsync(again, decision: "cancel");
        var query = OAuthFlow.Query(cancel.Headers.Location!);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("s2", query["state"]);
        Assert.Null(query["code"]);
    }

    [Theory]
    [InlineData("unknown-client", null, "Unknown app")]
    [InlineData(null, "http://localhost:5799/callback/", "Redirect URI mismatch")]
    [InlineData(null, "http://localhost:5800/callback", "Redirect URI mismatch")]
    public async Task An_unknown_app_or_a_redirect_that_is_not_an_exact_match_gets_an_error_page_and_no_redirect(string? clientId, string? redirect, string title)
    {
        var (status, html, response) = await _flow.PageAsync(_flow.AuthorizeUrl(clientId: clientId, redirect: redirect ?? OAuthFlow.Redirect));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"<h1>{title}</h1>", html, StringComparison.Ordinal);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("crm.objects.contacts.read crm.objects.nonsense.read", null, "Unknown scope")]
    [InlineData("crm.objects.deals.read", null, "Scope mismatch")]
    [InlineData("crm.objects.contacts.read", "crm.objects.deals.read", "Scope mismatch")]
    [InlineData(null, null, "Scope mismatch")]
    public async Task Unknown_scopes_and_a_missing_required_scope_are_refused(string? scope, string? optional, string title)
    {
        var (status, html, _) = await _flow.PageAsync(_flow.AuthorizeUrl(scope: scope, optional: optional));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"<h1>{title}</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_portal_path_offers_only_that_portal_and_an_unknown_one_is_404()
    {
        var (status, html, _) = await _flow.PageAsync(_flow.AuthorizeUrl(portalId: Emulator.PortalId));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<option "));

        Assert.Equal(HttpStatusCode.NotFound, (await _flow.PageAsync(_flow.AuthorizeUrl(portalId: 1))).Status);
        var other = await _flow.DecideAsync(html, portalId: 1);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task A_decision_from_another_origin_or_a_used_page_is_refused()
    {
        var (_, html, _) = await _flow.PageAsync(_flow.AuthorizeUrl());
        var foreign = await _flow.DecideAsync(html, origin: "http://attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Null(foreign.Headers.Location);

        Assert.Equal(HttpStatusCode.Found, (await _flow.DecideAsync(html)).StatusCode);
        var replay = await _flow.DecideAsync(html);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("expired or was already answered", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/oauth/v1/token")]
    [InlineData("/oauth/v3/token")]
    [InlineData("/oauth/2026-03/token")]
    [InlineData("/oauth/2026-09/token")]
    public async Task The_token_endpoint_answers_hubspots_fields_on_every_path(string path)
    {
        var (status, body) = await _flow.ExchangeAsync(await _flow.CodeAsync(), path: path);

        Assert.Equal(200, status);
        Assert.Equal("bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(1800, body["expires_in"]!.GetValue<long>());
        Assert.Equal(Emulator.PortalId, body["hub_id"]!.GetValue<long>());
        Assert.Equal(["crm.objects.contacts.read", "crm.objects.companies.read"], body["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.InRange(body["access_token"]!.GetValue<string>().Length, 64, 512);
        Assert.NotEmpty(body["refresh_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_errors_carry_hubspots_codes_and_oauths_error()
    {
        var noGrant = await _flow.TokenAsync("/oauth/v1/token", ("client_id", _flow.App.ClientId));
        Assert.Equal((400, "BAD_GRANT_TYPE", "unsupported_grant_type"), (noGrant.Status, noGrant.Body["status"]!.GetValue<string>(), noGrant.Body["error"]!.GetValue<string>()));
        var badClient = await _flow.TokenAsync("/oauth/v1/token", ("grant_type", "refresh_token"), ("client_id", "nope"), ("client_secret", "x"), ("refresh_token", "r"));
        Assert.Equal("BAD_CLIENT_ID", badClient.Body["status"]!.GetValue<string>());
        var badSecret = await _flow.TokenAsync("/oauth/v1/token", ("grant_type", "refresh_token"), ("client_id", _flow.App.ClientId), ("client_secret", "x"), ("refresh_token", "r"));
        Assert.Equal("BAD_CLIENT_SECRET", badSecret.Body["status"]!.GetValue<string>());
        var badRefresh = await _flow.RefreshAsync("na1-unknown");
        Assert.Equal(400, badRefresh.Status);
        Assert.Equal("BAD_REFRESH_TOKEN", badRefresh.Body["status"]!.GetValue<string>());
        Assert.Equal("missing or unknown refresh token", badRefresh.Body["message"]!.GetValue<string>());
        Assert.Equal("invalid_grant", badRefresh.Body["error"]!.GetValue<string>());
        Assert.NotNull(badRefresh.Body["correlationId"]);
        var badCode = await _flow.ExchangeAsync("no-such-code");
        Assert.Equal("BAD_AUTH_CODE", badCode.Body["status"]!.GetValue<string>());

        using var http = new HttpClient { BaseAddress = Emulator.BaseUri };
        var json = await http.PostAsync("/oauth/v1/token", new StringContent("""{"grant_type":"refresh_token"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Contains("x-www-form-urlencoded", await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var huge = await http.PostAsync("/oauth/v1/token", new FormUrlEncodedContent([new("grant_type", new string('x', 100_000))]));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
    }

    [Fact]
    public async Task Pkce_is_enforced_when_the_request_carried_a_challenge()
    {
        var (verifier, challenge) = OAuthFlow.Pkce();
        Assert.Equal("BAD_AUTH_CODE", (await _flow.ExchangeAsync(await _flow.CodeAsync(challenge))).Body["status"]!.GetValue<string>());
        Assert.Equal("BAD_AUTH_CODE", (await _flow.ExchangeAsync(await _flow.CodeAsync(challenge), OAuthFlow.Pkce().Verifier)).Body["status"]!.GetValue<string>());
        Assert.Equal(200, (await _flow.ExchangeAsync(await _flow.CodeAsync(challenge), verifier)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _flow.PageAsync(_flow.AuthorizeUrl() + "&code_challenge=" + challenge + "&code_challenge_method=plain")).Status);
    }

    [Fact]
    public async Task Codes_are_single_use_bound_to_their_redirect_and_expire()
    {
        var code = await _flow.CodeAsync();
        Assert.Equal("BAD_REDIRECT_URI", (await _flow.ExchangeAsync(code, redirect: "http://localhost:5799/other")).Body["status"]!.GetValue<string>());
        // A failed exchange used the code up: no second try for whoever holds it.
        Assert.Equal("BAD_AUTH_CODE", (await _flow.ExchangeAsync(code)).Body["status"]!.GetValue<string>());

        var fresh = await _flow.CodeAsync();
        Assert.Equal(200, (await _flow.ExchangeAsync(fresh)).Status);
        Assert.Equal("BAD_AUTH_CODE", (await _flow.ExchangeAsync(fresh)).Body["status"]!.GetValue<string>());

        var late = await _flow.CodeAsync();
        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await _flow.ExchangeAsync(late);
        Assert.Equal("BAD_AUTH_CODE", expired.Body["status"]!.GetValue<string>());
        Assert.Contains("expired", expired.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_tokens_work_on_crm_endpoints_with_their_scopes_and_expire_on_the_emulator_clock()
    {
        var tokens = await _flow.InstallAsync();
        using var api = new Api(Emulator.BaseUri, tokens["access_token"]!.GetValue<string>());
        (await api.Get("/crm/v3/objects/contacts")).Expect(200);
        (await api.Get("/crm/v3/objects/companies")).Expect(200);
        Assert.Equal(403, (await api.Get("/crm/v3/objects/deals")).Code);
        var limits = (await api.Get("/crm/v3/objects/contacts")).Headers;
        Assert.DoesNotContain(limits.Keys, k => k.Contains("Daily", StringComparison.OrdinalIgnoreCase));

        Emulator.Clock.Advance(TimeSpan.FromMinutes(30));
        var expired = await api.Get("/crm/v3/objects/contacts");
        Assert.Equal(401, expired.Code);
        Assert.Contains("expired", expired["message"].GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_info_endpoints_describe_the_installation_and_forget_expired_tokens()
    {
        var tokens = await _flow.InstallAsync();
        var access = tokens["access_token"]!.GetValue<string>();
        var refresh = tokens["refresh_token"]!.GetValue<string>();
        using var api = new Api(Emulator.BaseUri, "");

        var info = (await api.Get($"/oauth/v1/access-tokens/{access}")).Expect(200);
        Assert.Equal(Emulator.PortalId, info["hub_id"].GetValue<long>());
        Assert.Equal(_flow.App.AppId, info["app_id"].GetValue<long>());
        Assert.Equal(1800, info["expires_in"].GetValue<long>());
        Assert.Equal("access", info["token_type"].GetValue<string>());
        var refreshInfo = (await api.Get($"/oauth/v1/refresh-tokens/{refresh}")).Expect(200);
        Assert.Equal(_flow.App.ClientId, refreshInfo["client_id"].GetValue<string>());
        Assert.Equal("refresh", refreshInfo["token_type"].GetValue<string>());

        Emulator.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(404, (await api.Get($"/oauth/v1/access-tokens/{access}")).Code);
        Assert.Equal(404, (await api.Get("/oauth/v1/refresh-tokens/na1-nothing")).Code);
        Assert.Equal(204, (await api.Delete($"/oauth/v1/refresh-tokens/{refresh}")).Code);
        Assert.Equal(404, (await api.Get($"/oauth/v1/refresh-tokens/{refresh}")).Code);
        Assert.Equal("BAD_REFRESH_TOKEN", (await _flow.RefreshAsync(refresh)).Body["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task V3_introspect_and_revoke_answer_for_the_apps_own_tokens_only()
    {
        var tokens = await _flow.InstallAsync();
        var access = tokens["access_token"]!.GetValue<string>();
        (string, string)[] Form(string token) => [("client_id", _flow.App.ClientId), ("client_secret", _flow.App.ClientSecret), ("token", token)];

        var active = await _flow.TokenAsync("/oauth/v3/token/introspect", Form(access));
        Assert.True(active.Body["active"]!.GetValue<bool>());
        Assert.Equal("access_token", active.Body["token_use"]!.GetValue<string>());
        var refresh = await _flow.TokenAsync("/oauth/2026-09/token/introspect", Form(tokens["refresh_token"]!.GetValue<string>()));
        Assert.Equal("refresh_token", refresh.Body["token_use"]!.GetValue<string>());
        Assert.False((await _flow.TokenAsync("/oauth/v3/token/introspect", Form("nothing"))).Body["active"]!.GetValue<bool>());
        var other = new OAuthFlow(Emulator, OAuthFlow.CreateApp(Emulator));
        Assert.False((await other.TokenAsync("/oauth/v3/token/introspect", [("client_id", other.App.ClientId), ("client_secret", other.App.ClientSecret), ("token", access)])).Body["active"]!.GetValue<bool>());

        using var http = new HttpClient { BaseAddress = Emulator.BaseUri };
        (await http.PostAsync("/oauth/v3/token/revoke", new FormUrlEncodedContent(Form(access).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))))).EnsureSuccessStatusCode();
        Assert.False((await _flow.TokenAsync("/oauth/v3/token/introspect", Form(access))).Body["active"]!.GetValue<bool>());
        using var api = new Api(Emulator.BaseUri, access);
        Assert.Equal(401, (await api.Get("/crm/v3/objects/contacts")).Code);
    }

    [Fact]
    public async Task Rotation_hands_out_a_new_refresh_token_and_keeps_the_old_one_until_the_new_one_is_used()
    {
        using var admin = new Api(Emulator.BaseUri, "");
        (await admin.Put("/_emulator/oauth/settings", new { rotateRefreshTokens = true })).Expect(200);
        var first = (await _flow.InstallAsync())["refresh_token"]!.GetValue<string>();

        var second = (await _flow.RefreshAsync(first)).Body["refresh_token"]!.GetValue<string>();
        Assert.NotEqual(first, second);
        // A client that crashed before storing the second still holds the first: it still works.
        var third = (await _flow.RefreshAsync(first)).Body["refresh_token"]!.GetValue<string>();
        Assert.Equal(200, (await _flow.RefreshAsync(third)).Status);
        Assert.Equal("BAD_REFRESH_TOKEN", (await _flow.RefreshAsync(first)).Body["status"]!.GetValue<string>());
        Assert.Equal("BAD_REFRESH_TOKEN", (await _flow.RefreshAsync(second)).Body["status"]!.GetValue<string>());

        (await admin.Put("/_emulator/oauth/settings", new { rotateRefreshTokens = false })).Expect(200);
        Assert.False(Emulator.RotateRefreshTokens);
    }

    [Fact]
    public async Task The_oauth_app_limit_is_110_requests_per_10_seconds_per_installation()
    {
        Emulator.RateLimits = RateLimitTier.Free;
        try
        {
            using var api = new Api(Emulator.BaseUri, (await _flow.InstallAsync())["access_token"]!.GetValue<string>());
            for (var i = 0; i < 110; i++)
            {
                (await api.Get("/crm/v3/objects/contacts?limit=1")).Expect(200);
            }

            var refused = await api.Get("/crm/v3/objects/contacts?limit=1");
            Assert.Equal(429, refused.Code);
            Assert.Equal("TEN_SECONDLY_ROLLING", refused["policyName"].GetValue<string>());
            Emulator.Clock.Advance(TimeSpan.FromSeconds(10));
            var again = (await api.Get("/crm/v3/objects/contacts?limit=1")).Expect(200);
            Assert.Equal("110", again.Headers["X-HubSpot-RateLimit-Max"]);
        }
        finally
        {
            Emulator.RateLimits = RateLimitTier.Off;
        }
    }

    [Fact]
    public async Task The_token_endpoint_can_be_made_to_fail_with_a_fault_rule()
    {
        using var admin = new Api(Emulator.BaseUri, "");
        (await admin.Post("/_emulator/faults", new { route = "POST /oauth/v1/token", kind = "status", status = 503, count = 1 })).Expect(201);

        var refused = await _flow.ExchangeAsync(await _flow.CodeAsync());
        Assert.Equal(503, refused.Status);
        Assert.Equal(200, (await _flow.ExchangeAsync(await _flow.CodeAsync())).Status);
    }

    [Fact]
    public async Task The_admin_api_registers_lists_and_uninstalls_apps()
    {
        using var admin = new Api(Emulator.BaseUri, "");
        var bad = await admin.Post("/_emulator/oauth/apps", new { name = "No redirect", requiredScopes = new[] { "crm.objects.contacts.read", "crm.objects.bogus.read" } });
        Assert.Equal(400, bad.Code);
        Assert.Contains("at least one redirect URI", bad["message"].GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("crm.objects.bogus.read", bad["message"].GetValue<string>(), StringComparison.Ordinal);

        var created = (await admin.Post("/_emulator/oauth/apps", new { name = "Admin app", clientId = "admin-app", redirectUris = new[] { OAuthFlow.Redirect }, requiredScopes = new[] { "crm.objects.contacts.read" } })).Expect(201);
        Assert.Equal("admin-app", created["clientId"].GetValue<string>());
        Assert.False(string.IsNullOrEmpty(created["clientSecret"].GetValue<string>()));
        Assert.Equal(400, (await admin.Post("/_emulator/oauth/apps", new { clientId = "admin-app", redirectUris = new[] { OAuthFlow.Redirect } })).Code);
        Assert.Contains((await admin.Get("/_emulator/oauth/apps")).Expect(200)["results"].AsArray(), a => a!["clientId"]!.GetValue<string>() == "admin-app");

        var tokens = await _flow.InstallAsync();
        Assert.Single((await admin.Get("/_emulator/oauth/installations")).Expect(200)["results"].AsArray());
        Assert.Equal(204, (await admin.Delete($"/_emulator/oauth/apps/{_flow.App.ClientId}/installations/{Emulator.PortalId}")).Code);
        Assert.Equal(404, (await admin.Delete($"/_emulator/oauth/apps/{_flow.App.ClientId}/installations/{Emulator.PortalId}")).Code);
        Assert.Equal("BAD_REFRESH_TOKEN", (await _flow.RefreshAsync(tokens["refresh_token"]!.GetValue<string>())).Body["status"]!.GetValue<string>());
        using var api = new Api(Emulator.BaseUri, tokens["access_token"]!.GetValue<string>());
        Assert.Equal(401, (await api.Get("/crm/v3/objects/contacts")).Code);
    }
}

/// <summary>Apps, installations and access tokens live in the data file: a restarted emulator still honours them.</summary>
public sealed class OAuthPersistenceTests : IDisposable
{
    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Apps_refresh_tokens_and_access_tokens_survive_a_restart()
    {
        OAuthAppCredentials app;
        string access, refresh;
        await using (var emulator = await _file.StartAsync())
        {
            app = OAuthFlow.CreateApp(emulator, clientId: "persisted-app");
            using var flow = new OAuthFlow(emulator, app);
            var tokens = await flow.InstallAsync();
            (access, refresh) = (tokens["access_token"]!.GetValue<string>(), tokens["refresh_token"]!.GetValue<string>());
        }

        await using (var emulator = await _file.StartAsync())
        {
            Assert.Equal(app, emulator.OAuthApps.Single(), new CredentialsComparer());
            using var flow = new OAuthFlow(emulator, app);
            using var api = new Api(emulator.BaseUri, access);
            (await api.Get("/crm/v3/objects/contacts")).Expect(200);
            Assert.Equal(200, (await flow.RefreshAsync(refresh)).Status);
        }
    }

    private sealed class CredentialsComparer : IEqualityComparer<OAuthAppCredentials>
    {
        public bool Equals(OAuthAppCredentials? x, OAuthAppCredentials? y) =>
            x!.ClientId == y!.ClientId && x.ClientSecret == y.ClientSecret && x.AppId == y.AppId && x.RedirectUris.SequenceEqual(y.RedirectUris);

        public int GetHashCode(OAuthAppCredentials obj) => obj.ClientId.GetHashCode(StringComparison.Ordinal);
    }
}
