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
    // The client's own timeouts (AttemptTimeout, TotalTimeout) govern; HttpClient's 100 s default would cut across them.
    public HubSpotClient(HubSpotClientOptions options) : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options)
    {
    }

    /// <summary>
    /// A client on a given <see cref="HttpClient"/> (e.g. from <c>IHttpClientFactory</c>). The rate-limit gate, retries,
    /// timeouts, circuit breaker and telemetry run inside the client either way.
    /// </summary>
    public HubSpotClient(HttpClient httpClient, HubSpotClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var tokens = options.TokenProvider
            ?? (options.AccessToken is { Length: > 0 } token
                ? new PrivateAppTokenProvider(token)
                : throw new ArgumentException("Set HubSpotClientOptions.AccessToken (a private-app token) or TokenProvider.", nameof(options)));
        var http = new HubSpotHttp(httpClient, options, tokens);
        Http = http;
        Crm = new CrmClient(http);
    }

    /// <summary>The send path (tests and area clients).</summary>
    internal HubSpotHttp Http { get; } = null!;

    public virtual CrmClient Crm { get; }
}
