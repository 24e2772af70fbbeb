using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Spoke.Emulator;
using Spoke.OAuth.Stores;
using Spoke.OAuth.Tests.Infrastructure;

namespace Spoke.OAuth.Tests.Crash;

/// <summary>
/// kill -9 of a real process in the middle of a refresh, with HubSpot rotating refresh tokens: right after the token
/// endpoint answered (the new tokens only in memory), and right after the store saved them (not yet used). Either way
/// the installation in the SQLite store still works: a later process refreshes with it and reads the CRM.
/// </summary>
public sealed partial class RefreshCrashTests : IAsyncLifetime
{
    private const string Redirect = "http://localhost:5799/callback";
    private readonly TempDirectory _dir = new();
    private HubSpotEmulator _emulator = null!;
    private OAuthAppCredentials _app = null!;

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { RotateRefreshTokens = true });
        var definition = new OAuthAppDefinition { Name = "Crash app" };
        definition.RedirectUris.Add(Redirect);
        definition.RequiredScopes.Add("crm.objects.contacts.read");
        _app = _emulator.CreateOAuthApp(definition);
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _dir.Dispose();
    }

    private SqliteHubSpotTokenStore Store() =>
        new(_dir.File("installations.db"), DataProtectionProvider.Create(new DirectoryInfo(_dir.File("keys")), b => b.SetApplicationName("spoke-oauth-crash-test")));

    [Fact]
    public async Task A_kill_between_receiving_and_storing_a_rotated_token_or_right_after_storing_it_loses_no_installation()
    {
        var oauth = new HubSpotOAuth(new HubSpotOAuthOptions
        {
            ClientId = _app.ClientId, ClientSecret = _app.ClientSecret, RedirectUri = new Uri(Redirect),
            AuthorizeBaseUri = _emulator.BaseUri, ApiBaseUri = _emulator.BaseUri, Scopes = { "crm.objects.contacts.read" },
        });
        var request = oauth.CreateAuthorizationRequest();
        var installation = await oauth.CompleteAuthorizationAsync(await ConsentAsync(request.Url), request);
        await ExpireAndSaveAsync(installation);

        // 1: the token endpoint rotated the refresh token and answered; the process dies before storing anything.
        Assert.Equal("RECEIVED", await RunAsync("after-receive", expectMarker: true));
        var afterFirst = (await Store().GetAsync(installation.Key))!;
        Assert.Equal(installation.RefreshToken, afterFirst.RefreshToken);

        // 2: the next process refreshes with the old token (the unused rotated one never reached a store), saves, dies.
        Assert.Equal("SAVED", await RunAsync("after-save", expectMarker: true));
        var afterSecond = (await Store().GetAsync(installation.Key))!;
        Assert.NotEqual(installation.RefreshToken, afterSecond.RefreshToken);

        // 3: the saved token is the installation now: it works as stored, and refreshes again once expired.
        Assert.Equal("OK", await RunAsync("none", expectMarker: false));
        await ExpireAndSaveAsync(afterSecond);
        Assert.Equal("OK", await RunAsync("none", expectMarker: false));
        Assert.NotEqual(afterSecond.RefreshToken, (await Store().GetAsync(installation.Key))!.RefreshToken);
    }

    private async Task ExpireAndSaveAsync(HubSpotInstallation installation) =>
        await Store().SaveAsync(installation with { AccessTokenExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });

    /// <summary>Runs the test host; with a marker expected, kills it with SIGKILL as soon as it prints it.</summary>
    private async Task<string> RunAsync(string crashAt, bool expectMarker)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { HostDll(), "--api", _emulator.BaseUri.ToString(), "--client-id", _app.ClientId, "--store", _dir.File("installations.db"),
                     "--keys", _dir.File("keys"), "--portal", _emulator.PortalId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--crash-at", crashAt })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["SPOKE_OAUTH_CLIENT_SECRET"] = _app.ClientSecret;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (expectMarker)
        {
            process.Kill(); // SIGKILL on Unix: nothing runs after the marker.
        }

        await process.WaitForExitAsync(timeout.Token);
        Assert.True(line is not null, $"the test host printed nothing: {await stderr}");
        if (!expectMarker)
        {
            Assert.True(process.ExitCode == 0, $"the test host failed: {await stderr}");
        }

        return line!;
    }

    private static string HostDll()
    {
        var configuration = typeof(RefreshCrashTests).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        var dll = Path.Combine(dir!.FullName, "tests", "Spoke.OAuth.TestHost", "bin", configuration, "net10.0", "Spoke.OAuth.TestHost.dll");
        Assert.True(File.Exists(dll), $"the test host is not built at {dll}");
        return dll;
    }

    private async Task<string> ConsentAsync(Uri url)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = await (await http.GetAsync(url)).Content.ReadAsStringAsync();
        var answer = await http.PostAsync(new Uri(_emulator.BaseUri, "/oauth/authorize/decision"), new FormUrlEncodedContent(
            [new("request", RequestField().Match(page).Groups[1].Value), new("portalId", _emulator.PortalId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("decision", "connect")]));
        return System.Web.HttpUtility.ParseQueryString(answer.Headers.Location!.Query)["code"]!;
    }

    [GeneratedRegex("name=\"request\" value=\"([^\"]+)\"")]
    private static partial Regex RequestField();
}
