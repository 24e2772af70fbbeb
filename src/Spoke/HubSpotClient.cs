using Spoke.Auth;
using Spoke.Crm;
using Spoke.Http;

namespace Spoke;

/// <summary>
/// The entry point: a typed, async HubSpot client. Area clients hang off it (<see cref="Crm"/>).
/// <code>
/// var client = new HubSpotClient(new HubSpotClientOptions { AccessToken = token });
/// var contact = await client.Crm.Contacts.GetAsync("123");
/// </code>
/// </summary>
public class HubSpotClient
{
    /// <summary>For mocking.</summary>
    protected HubSpotClient()
    {
        Crm = null!;
    }

    /// <summary>A client with its own <see cref="HttpClient"/>. In apps prefer DI (<c>services.AddHubSpotClient</c>).</summary>
    public HubSpotClient(HubSpotClientOptions options) : this(new HttpClient(), options)
    {
    }

    public HubSpotClient(HttpClient httpClient, HubSpotClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var tokens = options.TokenProvider
            ?? (options.AccessToken is { Length: > 0 } token
                ? new PrivateAppTokenProvider(token)
                : throw new ArgumentException("Set HubSpotClientOptions.AccessToken (a private-app token) or TokenProvider.", nameof(options)));
        var http = new HubSpotHttp(httpClient, options, tokens);
        Crm = new CrmClient(http);
    }

    public virtual CrmClient Crm { get; }
}
