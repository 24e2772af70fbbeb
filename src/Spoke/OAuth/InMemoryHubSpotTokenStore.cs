using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Spoke.OAuth;

/// <summary>
/// A token store in this process's memory: for tests, tools and single-run scripts. Nothing survives the process (an
/// installation kept only here is lost with it); durable, encrypted stores are in <c>Spoke.OAuth</c>. Thread-safe.
/// </summary>
public sealed class InMemoryHubSpotTokenStore : IHubSpotTokenStore
{
    private readonly ConcurrentDictionary<HubSpotInstallationKey, HubSpotInstallation> _installations = new();

    /// <summary>How many installations the store holds.</summary>
    public int Count => _installations.Count;

    /// <inheritdoc/>
    public ValueTask<HubSpotInstallation?> GetAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_installations.TryGetValue(key, out var installation) ? installation : null);
    }

    /// <inheritdoc/>
    public ValueTask SaveAsync(HubSpotInstallation installation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentException.ThrowIfNullOrWhiteSpace(installation.ClientId, nameof(installation));
        ArgumentException.ThrowIfNullOrEmpty(installation.RefreshToken, nameof(installation));
        cancellationToken.ThrowIfCancellationRequested();
        // A copy of the scopes: the caller's list may change after the save, what is stored may not.
        var stored = installation with { Scopes = [.. installation.Scopes] };
        _installations[stored.Key] = stored;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_installations.TryRemove(key, out _));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<HubSpotInstallation> ListAsync(string? clientId = null, CancellationToken cancellationToken = default)
    {
        // A snapshot, ordered like the durable stores (client id, then portal id).
        var snapshot = _installations.Values
            .Where(i => clientId is null || string.Equals(i.ClientId, clientId, StringComparison.Ordinal))
            .OrderBy(i => i.ClientId, StringComparer.Ordinal)
            .ThenBy(i => i.PortalId)
            .ToList();
        return Enumerate(snapshot, cancellationToken);
    }

    private static async IAsyncEnumerable<HubSpotInstallation> Enumerate(List<HubSpotInstallation> snapshot,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var installation in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return installation;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
