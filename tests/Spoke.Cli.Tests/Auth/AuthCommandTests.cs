using System.Net;
using System.Text.Json.Nodes;

namespace Spoke.Cli.Tests.Auth;

/// <summary>
/// `spoke auth` against a running `spoke emulator --oauth-app` (the way a public app's developer logs in to HubSpot:
/// their client id and secret, a redirect URL on localhost), driven over plain HTTP; the browser flow is in
/// <see cref="AuthLoginBrowserTests"/>.
/// </summary>
public sealed class AuthCommandTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Status_without_a_login_says_how_to_log_in_exits_1_and_creates_nothing()
    {
        var folder = SpokeProcess.NewAuthDirectory();
        await using var status = SpokeProcess.StartWith(new Dictionary<string, string> { ["SPOKE_AUTH_DIR"] = folder }, "auth", "status");
        Assert.Equal(1, await status.WaitForExitAsync(Step));
        Assert.Contains("Not logged in", status.Output, StringComparison.Ordinal);
        Assert.Contains("spoke auth login", status.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Login_without_the_app_or_its_scopes_is_refused_with_what_to_pass()
    {
        await using var login = SpokeProcess.StartWith(new Dictionary<string, string> { ["HUBSPOT_CLIENT_SECRET"] = "" }, "auth", "login");
        Assert.Equal(2, await login.WaitForExitAsync(Step));
        Assert.Contains("--client-id is required", login.Errors, StringComparison.Ordinal);
        Assert.Contains("HUBSPOT_CLIENT_SECRET", login.Errors, StringComparison.Ordinal);
        Assert.Contains("--scopes is required", login.Errors, StringComparison.Ordinal);

        await using var mixed = SpokeProcess.Start("auth", "login", "--emulator", "--client-id", "mine");
        Assert.Equal(2, await mixed.WaitForExitAsync(Step));
        Assert.Contains("leave out --client-id", mixed.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_emulators_oauth_app_prints_its_secret_once_and_keeps_its_client_id_on_its_data_file()
    {
        var data = Path.Combine(Directory.CreateTempSubdirectory("spoke-oauth-app-").FullName, "emulator.db");
        string clientId;
        string secret;
        await using (var first = SpokeProcess.Start("emulator", "--port", "0", "--data", data, "--oauth-app", "Billing sync",
            "--redirect-uri", "http://localhost:3000/oauth-callback", "--scopes", "crm.objects.contacts.read", "--extra-portal", "222"))
        {
            var output = await first.WaitForAsync("Ctrl+C stops", Step);
            clientId = Value(output, "OAuth app \"Billing sync\": client id ").Split(';')[0];
            secret = Value(output, "OAuth client secret: ");
            Assert.Contains("Portals 12345678, 222", output, StringComparison.Ordinal);
            first.Signal("TERM");
            Assert.Equal(0, await first.WaitForExitAsync(Step));
        }

        await using var again = SpokeProcess.Start("emulator", "--port", "0", "--data", data, "--oauth-app", "Billing sync",
            "--redirect-uri", "http://localhost:3001/oauth-callback", "--scopes", "crm.objects.contacts.read");
        var restarted = await again.WaitForAsync("Ctrl+C stops", Step);
        Assert.Equal(clientId, Value(restarted, "OAuth app \"Billing sync\": client id ").Split(';')[0]);
        Assert.Contains("http://localhost:3001/oauth-callback", restarted, StringComparison.Ordinal);
        Assert.Contains("client secret stored in", restarted, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, restarted, StringComparison.Ordinal);

        await using var bad = SpokeProcess.Start("emulator", "--port", "0", "--oauth-app", "No redirect");
        Assert.Equal(2, await bad.WaitForExitAsync(Step));
        Assert.Contains("--oauth-app needs at least one --redirect-uri", bad.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_login_to_a_second_portal_serves_the_data_commands_that_portals_records_until_the_app_is_uninstalled()
    {
        var callbackPort = Sync.SyncWatchCommandTests.FreePort();
        var redirect = $"http://localhost:{callbackPort}/oauth-callback";
        await using var emulator = SpokeProcess.Start("emulator", "--port", "0", "--seed", "demo", "--seed-size", "20", "--extra-portal", "222",
            "--oauth-app", "Multi-tenant app", "--redirect-uri", redirect, "--scopes", "crm.objects.contacts.read");
        var baseUri = await emulator.ListeningUriAsync();
        var started = await emulator.WaitForAsync("Ctrl+C stops", Step);
        var clientId = Value(started, "OAuth app \"Multi-tenant app\": client id ").Split(';')[0];
        var clientSecret = Value(started, "OAuth client secret: ");
        var emulatorToken = Value(started, "Access token (all scopes): ");

        var folder = SpokeProcess.NewAuthDirectory();
        var environment = new Dictionary<string, string> { ["SPOKE_AUTH_DIR"] = folder, ["HUBSPOT_CLIENT_SECRET"] = clientSecret };
        var outputs = new List<string>();
        string? code;
        await using (var login = SpokeProcess.StartWith(environment, "auth", "login", "--client-id", clientId, "--scopes", "crm.objects.contacts.read",
            "--port", callbackPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--base-url", baseUri.ToString(), "--no-browser", "--timeout", "60"))
        {
            var (authorizeUrl, callback) = AuthFolder.Printed(await login.WaitForAsync("Waiting up to", Step));
            Assert.Equal(new Uri(redirect), callback);
            var (status, html, redirected) = await AuthFolder.ConsentOverHttpAsync(authorizeUrl, 222);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("connected to HubSpot portal 222", html, StringComparison.Ordinal);
            code = System.Web.HttpUtility.ParseQueryString(redirected.Query)["code"];
            Assert.Equal(0, await login.WaitForExitAsync(Step));
            outputs.Add(login.Output);
        }

        var installation = Assert.Single(await AuthFolder.InstallationsAsync(folder));
        Assert.Equal(222, installation.PortalId);

        // The login's portal (222) is empty; the primary portal (12345678) holds the 20 demo contacts.
        Assert.Equal(0, await ExportCountAsync(environment, outputs));
        var withToken = new Dictionary<string, string>(environment) { ["HUBSPOT_ACCESS_TOKEN"] = emulatorToken };
        Assert.Equal(20, await ExportCountAsync(withToken, outputs, "--base-url", baseUri.ToString()));

        // spoke sync uses the login too: it mirrors portal 222, not the primary portal's demo records.
        var mirror = Path.Combine(Directory.CreateTempSubdirectory("spoke-auth-sync-").FullName, "mirror.db");
        await using (var sync = SpokeProcess.StartWith(environment, "sync", "--database", "sqlite:" + mirror, "--objects", "contacts"))
        {
            Assert.Equal(0, await sync.WaitForExitAsync(Step));
            Assert.Contains("Syncing the stored login (spoke auth login) to portal 222", sync.Output, StringComparison.Ordinal);
            outputs.Add(sync.Output);
        }

        // Uninstalled in the portal: the next command says to log in again, and exits with the credentials code.
        using (var http = new HttpClient { BaseAddress = baseUri })
        using (var uninstall = await http.DeleteAsync($"_emulator/oauth/apps/{clientId}/installations/222"))
        {
            Assert.Equal(HttpStatusCode.NoContent, uninstall.StatusCode);
        }

        var csv = Path.Combine(Directory.CreateTempSubdirectory("spoke-auth-revoked-").FullName, "c.csv");
        await using (var refused = SpokeProcess.StartWith(environment, "export", "contacts", "--properties", "email", "--out", csv))
        {
            Assert.Equal(3, await refused.WaitForExitAsync(Step));
            Assert.Contains("no longer works", refused.Errors, StringComparison.Ordinal);
            Assert.Contains("spoke auth login", refused.Errors, StringComparison.Ordinal);
            outputs.Add(refused.Output);
        }

        await using (var logout = SpokeProcess.StartWith(environment, "auth", "logout"))
        {
            Assert.Equal(0, await logout.WaitForExitAsync(Step));
            Assert.Contains("already revoked", logout.Output, StringComparison.Ordinal);
            outputs.Add(logout.Output);
        }

        AuthFolder.AssertNoSecret(string.Join('\n', outputs), [code, installation.AccessToken, installation.RefreshToken, clientSecret]);
    }

    private static async Task<int> ExportCountAsync(Dictionary<string, string> environment, List<string> outputs, params string[] extra)
    {
        var csv = Path.Combine(Directory.CreateTempSubdirectory("spoke-auth-export-").FullName, "c.csv");
        await using var export = SpokeProcess.StartWith(environment, ["export", "contacts", "--properties", "email", "--out", csv, .. extra]);
        Assert.Equal(0, await export.WaitForExitAsync(Step));
        outputs.Add(export.Output);
        return File.ReadAllLines(csv).Length - 1;
    }

    private static string Value(string output, string prefix) =>
        output.Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();
}
