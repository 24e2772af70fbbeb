using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Spoke.OAuth;
using Spoke.OAuth.Stores;

namespace Spoke.Cli.Tests.Auth;

/// <summary>What `spoke auth login` left in an auth folder, read the way the CLI reads it (to scan output for the secrets).</summary>
internal static partial class AuthFolder
{
    public static async Task<List<HubSpotInstallation>> InstallationsAsync(string folder)
    {
        if (!File.Exists(Path.Combine(folder, "installations.db")))
        {
            return [];
        }

        await using var store = new SqliteHubSpotTokenStore(Path.Combine(folder, "installations.db"), Protection(folder));
        var all = new List<HubSpotInstallation>();
        await foreach (var installation in store.ListAsync())
        {
            all.Add(installation);
        }

        return all;
    }

    /// <summary>The client secret login.json keeps encrypted.</summary>
    public static string ClientSecret(string folder)
    {
        var login = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "login.json")))!;
        return Protection(folder).CreateProtector("Spoke.Cli.Login.ClientSecret").Unprotect(login["protectedClientSecret"]!.GetValue<string>());
    }

    /// <summary>Fails when any of <paramref name="secrets"/> appears in <paramref name="output"/>.</summary>
    public static void AssertNoSecret(string output, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets.OfType<string>().Where(s => s.Length > 0))
        {
            Assert.False(output.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..Math.Min(4, secret.Length)]}…) appeared in the output");
        }
    }

    /// <summary>The authorize URL and the redirect URL `spoke auth login` printed.</summary>
    public static (string AuthorizeUrl, Uri Callback) Printed(string output)
    {
        var url = output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("http", StringComparison.Ordinal) && l.Contains("/oauth/", StringComparison.Ordinal));
        var callback = new Uri(RedirectsTo().Match(output).Groups[1].Value);
        return (url, callback);
    }

    /// <summary>Chooses <paramref name="portalId"/> and a decision on the consent page over plain HTTP (a browser's form post), then follows the redirect to the callback.</summary>
    public static async Task<(HttpStatusCode Status, string Html, Uri Redirect)> ConsentOverHttpAsync(string authorizeUrl, long portalId, string decision = "connect")
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = await http.GetStringAsync(authorizeUrl);
        var request = RequestField().Match(page).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(request), "the consent page has no request field");
        var origin = new Uri(authorizeUrl).GetLeftPart(UriPartial.Authority);
        using var post = new HttpRequestMessage(HttpMethod.Post, origin + "/oauth/authorize/decision")
        {
            Content = new FormUrlEncodedContent([new("request", WebUtility.HtmlDecode(request)), new("portalId", portalId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("decision", decision)]),
        };
        post.Headers.Add("Origin", origin);
        using var decided = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        var redirect = decided.Headers.Location!;
        using var answer = await http.GetAsync(redirect);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync(), redirect);
    }

    private static IDataProtectionProvider Protection(string folder) =>
        DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(folder, "keys")), b => b.SetApplicationName("spoke-cli"));

    [GeneratedRegex("name=\"request\" value=\"([^\"]+)\"")]
    private static partial Regex RequestField();

    [GeneratedRegex(@"redirects to (http://localhost:\d+/oauth-callback)")]
    private static partial Regex RedirectsTo();
}
