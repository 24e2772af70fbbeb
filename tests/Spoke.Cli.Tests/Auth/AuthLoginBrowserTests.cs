using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Spoke.Cli.Tests.Auth;

/// <summary>
/// `spoke auth login --emulator` as a user runs it: a real CLI process, a real headless Chromium (Debian's, driven by
/// Playwright; no browser download) on the consent page, the loopback callback, then the login used by a data command
/// and removed by logout. A screenshot of the consent page is kept in .artifacts/oauth/.
/// </summary>
public sealed class AuthLoginBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_login_in_a_real_browser_is_stored_used_by_a_data_command_and_removed_by_logout_without_a_secret_in_any_output()
    {
        var folder = SpokeProcess.NewAuthDirectory();
        var environment = new Dictionary<string, string> { ["SPOKE_AUTH_DIR"] = folder };
        var outputs = new List<string>();
        try
        {
            string? code = null;
            await using (var login = SpokeProcess.StartWith(environment, "auth", "login", "--emulator", "--no-browser", "--timeout", "120"))
            {
                var (authorizeUrl, callback) = AuthFolder.Printed(await login.WaitForAsync("Waiting up to", Step));

                // A callback that is not this login's (a forged link, a stale tab) is refused, and the login keeps waiting.
                using (var http = new HttpClient())
                using (var forged = await http.GetAsync(new Uri(callback, "?code=forged-code&state=not-this-login")))
                {
                    Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
                }

                await login.WaitForAsync("Refused a callback whose state does not match");

                using var playwright = await Playwright.CreateAsync();
                await using var browser = await LaunchAsync(playwright);
                var page = await browser.NewPageAsync();
                page.Request += (_, request) =>
                {
                    if (request.Url.StartsWith(callback.ToString(), StringComparison.Ordinal) && Regex.Match(request.Url, "[?&]code=([^&]+)") is { Success: true } m)
                    {
                        code = Uri.UnescapeDataString(m.Groups[1].Value);
                    }
                };
                var consent = await page.GotoAsync(authorizeUrl);
                Assert.Equal(200, consent!.Status);
                await page.GetByLabel("Portal").SelectOptionAsync("12345678");
                var artifacts = Path.Combine(SpokeProcess.FindRepositoryRoot(), ".artifacts", "oauth");
                Directory.CreateDirectory(artifacts);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "consent-page.png"), FullPage = true });
                Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).IsVisibleAsync());

                await page.GetByRole(AriaRole.Button, new() { Name = "Connect" }).ClickAsync();
                await page.WaitForURLAsync(new Regex("/oauth-callback"), new() { Timeout = (float)Step.TotalMilliseconds });
                await page.GetByText("Spoke is connected to HubSpot portal 12345678").WaitForAsync(new() { Timeout = (float)Step.TotalMilliseconds });
                Assert.Equal(0, await login.WaitForExitAsync(Step));
                Assert.Contains("Logged in to portal 12345678", login.Output, StringComparison.Ordinal);
                outputs.Add(login.Output);
            }

            Assert.NotNull(code);
            var installation = Assert.Single(await AuthFolder.InstallationsAsync(folder));
            Assert.Equal(12345678, installation.PortalId);
            var secrets = new List<string?> { code, installation.AccessToken, installation.RefreshToken, AuthFolder.ClientSecret(folder) };

            await using (var status = SpokeProcess.StartWith(environment, "auth", "status"))
            {
                Assert.Equal(0, await status.WaitForExitAsync(Step));
                Assert.Contains("Logged in to portal 12345678", status.Output, StringComparison.Ordinal);
                Assert.Contains("crm.objects.contacts.read", status.Output, StringComparison.Ordinal);
                Assert.Contains("refreshed automatically", status.Output, StringComparison.Ordinal);
                outputs.Add(status.Output);
            }

            // The data commands use the login when no token is given: the login's portal is the demo portal (100 contacts).
            var work = Directory.CreateTempSubdirectory("spoke-auth-export-");
            var csv = Path.Combine(work.FullName, "contacts.csv");
            await using (var export = SpokeProcess.StartWith(environment, "export", "contacts", "--properties", "email", "--out", csv))
            {
                Assert.Equal(0, await export.WaitForExitAsync(Step));
                Assert.Contains("Using the stored login", export.Output, StringComparison.Ordinal);
                Assert.Equal(101, File.ReadAllLines(csv).Length);
                outputs.Add(export.Output);
            }

            await using (var logout = SpokeProcess.StartWith(environment, "auth", "logout"))
            {
                Assert.Equal(0, await logout.WaitForExitAsync(Step));
                Assert.Contains("HubSpot revoked its refresh token", logout.Output, StringComparison.Ordinal);
                outputs.Add(logout.Output);
            }

            Assert.Empty(await AuthFolder.InstallationsAsync(folder));
            await using (var after = SpokeProcess.StartWith(environment, "auth", "status"))
            {
                Assert.Equal(1, await after.WaitForExitAsync(Step));
                Assert.Contains("Not logged in", after.Output, StringComparison.Ordinal);
                outputs.Add(after.Output);
            }

            AuthFolder.AssertNoSecret(string.Join('\n', outputs), secrets);
        }
        finally
        {
            TryDelete(folder);
        }
    }

    [Fact]
    public async Task Cancel_on_the_consent_page_ends_the_login_with_access_denied_and_stores_nothing()
    {
        var folder = SpokeProcess.NewAuthDirectory();
        try
        {
            await using var login = SpokeProcess.StartWith(new Dictionary<string, string> { ["SPOKE_AUTH_DIR"] = folder }, "auth", "login", "--emulator", "--no-browser", "--timeout", "120");
            var (authorizeUrl, _) = AuthFolder.Printed(await login.WaitForAsync("Waiting up to", Step));
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await LaunchAsync(playwright);
            var page = await browser.NewPageAsync();
            await page.GotoAsync(authorizeUrl);
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await page.GetByText("Access was not granted").WaitForAsync(new() { Timeout = (float)Step.TotalMilliseconds });

            Assert.Equal(1, await login.WaitForExitAsync(Step));
            Assert.Contains("did not grant access (access_denied", login.Errors, StringComparison.Ordinal);
            Assert.Contains("Nothing was stored", login.Errors, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "login.json")));
            Assert.Empty(await AuthFolder.InstallationsAsync(folder));
        }
        finally
        {
            TryDelete(folder);
        }
    }

    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Chromium), $"The consent-flow test needs Debian's Chromium at {Chromium}: apt-get install chromium (.ci/run installs it).");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    private static void TryDelete(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
