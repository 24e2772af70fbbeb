// A process the OAuth crash test can kill -9: it loads an installation from a SQLite token store, refreshes its access
// token through HubSpotOAuthTokenProvider and makes one CRM call. --crash-at stops it (printing a marker, then hanging
// until killed) right after the token endpoint's answer arrived, or right after the store saved the refreshed token.
// The client secret comes in SPOKE_OAUTH_CLIENT_SECRET, never on the command line.
using Microsoft.AspNetCore.DataProtection;
using Spoke;
using Spoke.OAuth;
using Spoke.OAuth.Stores;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

var crashAt = options.GetValueOrDefault("crash-at", "none");
var api = new Uri(options["api"]);
var keys = DataProtectionProvider.Create(new DirectoryInfo(options["keys"]), b => b.SetApplicationName("spoke-oauth-crash-test"));
var store = new CrashingStore(new SqliteHubSpotTokenStore(options["store"], keys), crashAt == "after-save");
var oauth = new HubSpotOAuth(new HubSpotOAuthOptions
{
    ClientId = options["client-id"],
    ClientSecret = Environment.GetEnvironmentVariable("SPOKE_OAUTH_CLIENT_SECRET")!,
    ApiBaseUri = api,
    AuthorizeBaseUri = api,
}, new HttpClient(new CrashAfterTokenAnswer(crashAt == "after-receive")));
var key = new HubSpotInstallationKey(options["client-id"], long.Parse(options["portal"], System.Globalization.CultureInfo.InvariantCulture));
var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = api, TokenProvider = new HubSpotOAuthTokenProvider(oauth, store, key), ProactiveRateLimiting = false });
await foreach (var _ in client.Crm.Contacts.ListAsync())
{
}

Console.WriteLine("OK");
return 0;

internal sealed class CrashAfterTokenAnswer(bool crash) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (crash && request.RequestUri!.AbsolutePath.EndsWith("/token", StringComparison.Ordinal))
        {
            // The new tokens are in this process's memory and nowhere else.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            Console.WriteLine("RECEIVED");
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        }

        return response;
    }
}

internal sealed class CrashingStore(IHubSpotTokenStore inner, bool crashAfterSave) : IHubSpotTokenStore
{
    public ValueTask<HubSpotInstallation?> GetAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public async ValueTask SaveAsync(HubSpotInstallation installation, CancellationToken cancellationToken = default)
    {
        await inner.SaveAsync(installation, cancellationToken);
        if (crashAfterSave)
        {
            // Saved, and not yet used for any request.
            Console.WriteLine("SAVED");
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    public ValueTask<bool> DeleteAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public IAsyncEnumerable<HubSpotInstallation> ListAsync(string? clientId = null, CancellationToken cancellationToken = default) => inner.ListAsync(clientId, cancellationToken);
}
