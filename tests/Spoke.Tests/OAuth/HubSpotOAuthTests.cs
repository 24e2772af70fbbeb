using Spoke.Errors;
using Spoke.Crm;
using Spoke.OAuth;

namespace Spoke.Tests.OAuth;

/// <summary>The app's side of the flow against the emulator's consent page and token endpoint, and every way it is refused.</summary>
public sealed class HubSpotOAuthTests : IAsyncLifetime
{
    private OAuthTestPortal _portal = null!;

    public async Task InitializeAsync() => _portal = await OAuthTestPortal.StartAsync();

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task An_install_yields_tokens_that_work_on_the_crm_with_the_scopes_granted()
    {
        var installation = await _portal.InstallAsync();

        Assert.Equal(_portal.Emulator.PortalId, installation.PortalId);
        Assert.Equal(_portal.App.ClientId, installation.ClientId);
        Assert.Equal(["crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.deals.read"], installation.Scopes.Order(StringComparer.Ordinal));
        Assert.Equal(_portal.Emulator.Clock.GetUtcNow().AddMinutes(30), installation.AccessTokenExpiresAt);
        var client = _portal.NewClient(new Auth.PrivateAppTokenProvider(installation.AccessToken!));
        var created = await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "oauth@example.com"));
        Assert.Equal("oauth@example.com", (await client.Crm.Contacts.GetAsync(created.Id)).Properties.GetString("email"));
        // Granted contacts, not companies: HubSpot's 403 MISSING_SCOPES.
        var denied = await Assert.ThrowsAsync<HubSpotAuthenticationException>(() => client.Crm.Companies.GetAsync("1"));
        Assert.Equal(403, denied.Status);

        var info = await _portal.OAuth.GetAccessTokenInfoAsync(installation.AccessToken!);
        Assert.Equal(_portal.Emulator.PortalId, info.PortalId);
        Assert.Equal(_portal.App.AppId, info.AppId);
        var refreshInfo = await _portal.OAuth.GetRefreshTokenInfoAsync(installation.RefreshToken);
        Assert.Equal(_portal.App.ClientId, refreshInfo.ClientId);
        Assert.Equal(installation.Scopes.Order(StringComparer.Ordinal), refreshInfo.Scopes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_authorization_url_carries_scopes_state_pkce_and_the_portal()
    {
        var request = _portal.OAuth.CreateAuthorizationRequest(new HubSpotAuthorizeOptions { PortalId = 42 });
        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);

        Assert.Equal("/oauth/42/authorize", request.Url.AbsolutePath);
        Assert.Equal("crm.objects.contacts.read crm.objects.contacts.write", query["scope"]);
        Assert.Equal("crm.objects.deals.read", query["optional_scope"]);
        Assert.Equal(request.State, query["state"]);
        Assert.Equal(OAuthTestPortal.Redirect, query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(HubSpotOAuth.CodeChallenge(request.CodeVerifier!), query["code_challenge"]);
        Assert.DoesNotContain(request.CodeVerifier!, request.Url.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(request.CodeVerifier!, request.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(request.State, _portal.OAuth.CreateAuthorizationRequest().State);
    }

    [Fact]
    public async Task Cancel_on_the_consent_page_comes_back_as_access_denied_with_the_state()
    {
        var request = _portal.OAuth.CreateAuthorizationRequest();
        var callback = await _portal.ConsentAsync(request.Url, decision: "cancel");

        Assert.Equal("access_denied", callback["error"]);
        Assert.True(request.IsState(callback["state"]));
        Assert.False(callback.ContainsKey("code"));
    }

    [Fact]
    public async Task A_callback_with_another_state_is_not_this_request()
    {
        var request = _portal.OAuth.CreateAuthorizationRequest();
        var callback = await _portal.ConsentAsync(request.Url);

        Assert.False(request.IsState(callback["state"] + "x"));
        Assert.False(request.IsState(null));
        Assert.False(_portal.OAuth.CreateAuthorizationRequest().IsState(callback["state"]));
    }

    [Fact]
    public async Task A_code_exchanged_with_another_redirect_uri_is_BAD_REDIRECT_URI()
    {
        var request = _portal.OAuth.CreateAuthorizationRequest();
        var code = (await _portal.ConsentAsync(request.Url))["code"];

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            _portal.OAuth.ExchangeCodeAsync(code, request.CodeVerifier, new Uri("http://localhost:5799/elsewhere")));
        Assert.Equal(400, error.Status);
        Assert.Equal("BAD_REDIRECT_URI", error.Category);
        Assert.DoesNotContain(code, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_pkce_verifier_or_none_is_BAD_AUTH_CODE()
    {
        var request = _portal.OAuth.CreateAuthorizationRequest();
        var code = (await _portal.ConsentAsync(request.Url))["code"];
        var wrong = await Assert.ThrowsAsync<HubSpotApiException>(() => _portal.OAuth.ExchangeCodeAsync(code, "not-the-verifier-" + new string('x', 40)));
        Assert.Equal("BAD_AUTH_CODE", wrong.Category);
        Assert.Contains("code_verifier", wrong.Message, StringComparison.Ordinal);

        var second = _portal.OAuth.CreateAuthorizationRequest();
        var secondCode = (await _portal.ConsentAsync(second.Url))["code"];
        var missing = await Assert.ThrowsAsync<HubSpotApiException>(() => _portal.OAuth.ExchangeCodeAsync(secondCode));
        Assert.Equal("BAD_AUTH_CODE", missing.Category);
    }

    [Fact]
    public async Task A_code_works_once()
    {
        var request = _portal.OAuth.CreateAuthorizationRequest();
        var code = (await _portal.ConsentAsync(request.Url))["code"];
        await _portal.OAuth.CompleteAuthorizationAsync(code, request);

        var reused = await Assert.ThrowsAsync<HubSpotApiException>(() => _portal.OAuth.CompleteAuthorizationAsync(code, request));
        Assert.Equal("BAD_AUTH_CODE", reused.Category);
        Assert.DoesNotContain(code, reused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_expires()
    {
        var request = _portal.OAuth.CreateAuthorizationRequest();
        var code = (await _portal.ConsentAsync(request.Url))["code"];
        _portal.Emulator.Clock.Advance(TimeSpan.FromMinutes(11));

        var expired = await Assert.ThrowsAsync<HubSpotApiException>(() => _portal.OAuth.CompleteAuthorizationAsync(code, request));
        Assert.Equal("BAD_AUTH_CODE", expired.Category);
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_client_secret_or_id_is_refused_and_the_secret_is_not_echoed()
    {
        var installation = await _portal.InstallAsync();
        var badSecret = _portal.NewOAuth(o => o.ClientSecret = "wrong-" + Guid.NewGuid());
        var secretError = await Assert.ThrowsAsync<HubSpotApiException>(() => badSecret.RefreshAsync(installation.RefreshToken));
        Assert.Equal("BAD_CLIENT_SECRET", secretError.Category);
        Assert.DoesNotContain(badSecret.Options.ClientSecret, secretError.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(installation.RefreshToken, secretError.Message, StringComparison.Ordinal);

        var badId = _portal.NewOAuth(o => o.ClientId = "no-such-app");
        Assert.Equal("BAD_CLIENT_ID", (await Assert.ThrowsAsync<HubSpotApiException>(() => badId.RefreshAsync(installation.RefreshToken))).Category);
    }

    [Fact]
    public async Task A_refresh_gives_a_new_access_token_and_keeps_the_refresh_token()
    {
        var installation = await _portal.InstallAsync();
        var refreshed = await _portal.OAuth.RefreshAsync(installation.RefreshToken);

        Assert.NotEqual(installation.AccessToken, refreshed.AccessToken);
        Assert.Equal(installation.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(_portal.Emulator.PortalId, refreshed.PortalId);
    }

    [Fact]
    public async Task A_deleted_refresh_token_is_BAD_REFRESH_TOKEN_and_the_access_token_lives_on_until_it_expires()
    {
        var installation = await _portal.InstallAsync();
        await _portal.OAuth.RevokeRefreshTokenAsync(installation.RefreshToken);

        var revoked = await Assert.ThrowsAsync<HubSpotApiException>(() => _portal.OAuth.RefreshAsync(installation.RefreshToken));
        Assert.Equal(400, revoked.Status);
        Assert.Equal("BAD_REFRESH_TOKEN", revoked.Category);
        Assert.DoesNotContain(installation.RefreshToken, revoked.Message, StringComparison.Ordinal);
        // HubSpot: deleting the refresh token does not delete access tokens made with it.
        var client = _portal.NewClient(new Auth.PrivateAppTokenProvider(installation.AccessToken!));
        await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "still@example.com"));
        _portal.Emulator.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(401, (await Assert.ThrowsAsync<HubSpotAuthenticationException>(() => client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "late@example.com")))).Status);
    }

    [Fact]
    public async Task Uninstalling_the_app_revokes_its_tokens_at_once()
    {
        var installation = await _portal.InstallAsync();
        Assert.True(_portal.Emulator.UninstallOAuthApp(_portal.App.ClientId, _portal.Emulator.PortalId));

        var client = _portal.NewClient(new Auth.PrivateAppTokenProvider(installation.AccessToken!));
        Assert.Equal(401, (await Assert.ThrowsAsync<HubSpotAuthenticationException>(() => client.Crm.Contacts.GetAsync("1"))).Status);
        Assert.Equal("BAD_REFRESH_TOKEN", (await Assert.ThrowsAsync<HubSpotApiException>(() => _portal.OAuth.RefreshAsync(installation.RefreshToken))).Category);
        Assert.False(_portal.Emulator.UninstallOAuthApp(_portal.App.ClientId, _portal.Emulator.PortalId));
    }
}
