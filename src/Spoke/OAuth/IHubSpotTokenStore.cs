namespace Spoke.OAuth;

/// <summary>
/// Where installations live between runs: one per (app, portal). Spoke ships an in-memory store and durable ones
/// (SQLite, PostgreSQL; encrypted at rest) in <c>Spoke.OAuth</c>. Implementations must be safe for concurrent use and
/// must make <see cref="SaveAsync"/> durable before it returns: the token provider stores a refreshed token before it
/// uses it, so a crash right after never loses the installation.
/// </summary>
public interface IHubSpotTokenStore
{
    /// <summary>The installation filed under <paramref name="key"/>, or null when there is none.</summary>
    ValueTask<HubSpotInstallation?> GetAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="installation"/>, replacing the one with the same key.</summary>
    ValueTask SaveAsync(HubSpotInstallation installation, CancellationToken cancellationToken = default);

    /// <summary>Removes the installation; false when there was none.</summary>
    ValueTask<bool> DeleteAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default);

    /// <summary>Every installation, or those of one app when <paramref name="clientId"/> is given.</summary>
    IAsyncEnumerable<HubSpotInstallation> ListAsync(string? clientId = null, CancellationToken cancellationToken = default);
}
