using Microsoft.Extensions.Options;
using Spoke.Auth;

namespace Spoke.DependencyInjection;

/// <summary>
/// Creates clients for multi-portal apps. Each client carries its own token provider and spends the rate-limit budget
/// of that token's <see cref="IAccessTokenProvider.BudgetKey"/> only: tokens and limits of different portals never mix.
/// </summary>
public interface IHubSpotClientFactory
{
    /// <summary>The client registered under <paramref name="name"/> (<c>""</c>: the default one).</summary>
    HubSpotClient CreateClient(string name = "");

    /// <summary>
    /// A client of the <paramref name="name"/> registration acting with <paramref name="tokenProvider"/> instead: one per
    /// tenant (e.g. an OAuth installation loaded from your database).
    /// </summary>
    HubSpotClient CreateClient(IAccessTokenProvider tokenProvider, string name = "");
}

internal sealed class HubSpotClientFactory(IHttpClientFactory httpClients, IOptionsMonitor<HubSpotClientOptions> options) : IHubSpotClientFactory
{
    public HubSpotClient CreateClient(string name = "")
    {
        ArgumentNullException.ThrowIfNull(name);
        return new HubSpotClient(httpClients.CreateClient(HubSpotServiceCollectionExtensions.HttpClientName(name)), options.Get(name));
    }

    public HubSpotClient CreateClient(IAccessTokenProvider tokenProvider, string name = "")
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        ArgumentNullException.ThrowIfNull(name);
        var tenant = options.Get(name).Clone();
        tenant.TokenProvider = tokenProvider;
        tenant.AccessToken = null;
        return new HubSpotClient(httpClients.CreateClient(HubSpotServiceCollectionExtensions.HttpClientName(name)), tenant);
    }
}
