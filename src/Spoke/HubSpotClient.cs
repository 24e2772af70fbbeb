using Spoke.Account;
using Spoke.Associations;
using Spoke.Auth;
using Spoke.Crm;
using Spoke.Exports;
using Spoke.Http;
using Spoke.Imports;
using Spoke.Lists;
using Spoke.Owners;
using Spoke.Pipelines;
using Spoke.Properties;
using Spoke.Schemas;
using Spoke.Timeline;

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
        Associations = null!;
        Properties = null!;
        Schemas = null!;
        Account = null!;
        Pipelines = null!;
        Owners = null!;
        Lists = null!;
        Timeline = null!;
        Imports = null!;
        Exports = null!;
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
        (Crm, Associations, Properties, Schemas, Pipelines, Owners, Lists, Account, Timeline) = Areas(http);
        (Imports, Exports) = (new ImportsClient(http), new ExportsClient(http));
    }

    /// <summary>A client on another client's pipeline (same gate, breaker and transport).</summary>
    private HubSpotClient(HubSpotHttp http)
    {
        Http = http;
        (Crm, Associations, Properties, Schemas, Pipelines, Owners, Lists, Account, Timeline) = Areas(http);
        (Imports, Exports) = (new ImportsClient(http), new ExportsClient(http));
    }

    private static (CrmClient, AssociationsClient, PropertiesClient, SchemasClient, PipelinesClient, OwnersClient, ListsClient, AccountClient, TimelineClient) Areas(HubSpotHttp http)
    {
        var options = http.Options;
        return (new CrmClient(http), new AssociationsClient(http), new PropertiesClient(http), new SchemasClient(http),
            new PipelinesClient(http), new OwnersClient(http), new ListsClient(http), new AccountClient(http),
            new TimelineClient(http, options.DeveloperApiKey is { Length: > 0 } key ? http.WithDeveloperApiKey(key) : null));
    }

    /// <summary>
    /// A client on this one's budget (the same rate-limit gate, breaker and connection) that leaves <paramref name="share"/>
    /// (0..1) of the portal's 10-second budget unused for other apps (<see cref="HubSpotClientOptions.BurstBudgetReserve"/>);
    /// its <see cref="RateLimitUsage"/> counts its own calls. This client is unchanged.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="share"/> is not between 0 and 1 (below 1).</exception>
    public virtual HubSpotClient WithBurstBudgetReserve(double share)
    {
        if (double.IsNaN(share) || share < 0 || share >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "The burst budget reserve is a share from 0 up to (not including) 1, e.g. 0.05 for 5%.");
        }

        // A mock (built with the protected constructor) has no pipeline to share: it stays as it is.
        return Http is null ? this : new HubSpotClient(Http.WithBurstBudgetReserve(share));
    }

    /// <summary>What this client spent of its budget's current 10-second window (its own calls, the window's limit, the
    /// reserve it keeps, everything the gate counts), e.g. for a progress display.</summary>
    public virtual RateLimiting.HubSpotRateLimitUsage RateLimitUsage =>
        Http?.RateLimitUsage() ?? new RateLimiting.HubSpotRateLimitUsage(0, 0, 0, 0, 0, RateLimiting.RateLimitGate.DefaultBurstInterval);

    /// <summary>The send path (tests and area clients).</summary>
    internal HubSpotHttp Http { get; } = null!;

    /// <summary>CRM records of every type: <c>client.Crm.Contacts</c>, <c>client.Crm.Objects("p_projects")</c>, typed views with <c>Objects&lt;T&gt;</c>.</summary>
    public virtual CrmClient Crm { get; }

    /// <summary>Associations v4: links between records, in bulk, and labels.</summary>
    public virtual AssociationsClient Associations { get; }

    /// <summary>Property definitions and groups.</summary>
    public virtual PropertiesClient Properties { get; }

    /// <summary>Custom object schemas.</summary>
    public virtual SchemasClient Schemas { get; }

    /// <summary>Pipelines and stages.</summary>
    public virtual PipelinesClient Pipelines { get; }

    /// <summary>Owners (the users records are assigned to).</summary>
    public virtual OwnersClient Owners { get; }

    /// <summary>Lists and their memberships.</summary>
    public virtual ListsClient Lists { get; }

    /// <summary>Timeline event templates (developer API key) and events.</summary>
    public virtual TimelineClient Timeline { get; }

    /// <summary>The Imports API: CSV files into records in the background, with counters and row errors.</summary>
    public virtual ImportsClient Imports { get; }

    /// <summary>The Exports API: records (a view or a list) out as a file to download.</summary>
    public virtual ExportsClient Exports { get; }

    /// <summary>The account (portal) the token belongs to: its portal id, time zone and currency.</summary>
    public virtual AccountClient Account { get; }
}
