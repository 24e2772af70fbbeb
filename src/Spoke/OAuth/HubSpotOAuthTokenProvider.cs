using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spoke.Auth;
using Spoke.Errors;

namespace Spoke.OAuth;

/// <summary>
/// The access token of one installation, kept fresh: refreshed ahead of expiry (<see cref="HubSpotOAuthOptions.RefreshAhead"/>),
/// once however many callers need it at the same moment, in this client and in every other one of the process (one lock
/// per installation, and the store is read again under it, so a token another instance just stored is used, not
/// refreshed again). A refreshed token is saved in the store before any caller gets it: a crash right after loses
/// nothing, whether or not HubSpot rotated the refresh token. A refused refresh token is checked against the store
/// first (another process on the same store may have rotated it: its newer token is used); a refused stored token
/// surfaces as <see cref="HubSpotInstallationRevokedException"/>.
/// </summary>
public sealed partial class HubSpotOAuthTokenProvider : IRenewableAccessTokenProvider
{
    /// <summary>One lock per installation for the whole process: two clients of one installation share a refresh.</summary>
    private static readonly ConcurrentDictionary<HubSpotInstallationKey, SemaphoreSlim> Locks = new();

    private readonly HubSpotOAuth _oauth;
    private readonly IHubSpotTokenStore _store;
    private readonly SemaphoreSlim _lock;
    private readonly ILogger _logger;
    private volatile HubSpotInstallation? _current;

    /// <summary>The provider of installation <paramref name="key"/>, which must be in <paramref name="store"/>.</summary>
    public HubSpotOAuthTokenProvider(HubSpotOAuth oauth, IHubSpotTokenStore store, HubSpotInstallationKey key)
    {
        ArgumentNullException.ThrowIfNull(oauth);
        ArgumentNullException.ThrowIfNull(store);
        if (!string.Equals(key.ClientId, oauth.Options.ClientId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The installation {key} belongs to another app than this HubSpotOAuth's ({oauth.Options.ClientId}).", nameof(key));
        }

        _oauth = oauth;
        _store = store;
        Key = key;
        _lock = Locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        _logger = oauth.Options.LoggerFactory?.CreateLogger("Spoke.OAuth") ?? NullLogger.Instance;
        BudgetKey = $"oauth:{key.ClientId}:{key.PortalId}";
    }

    /// <summary>The installation this provider acts for.</summary>
    public HubSpotInstallationKey Key { get; }

    /// <summary>One budget per installation: HubSpot limits each installed portal to 110 requests per 10 s.</summary>
    public string BudgetKey { get; }

    /// <summary>Refreshes this provider performed (diagnostics and tests).</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    private long _refreshes;

    /// <inheritdoc/>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && IsFresh(current))
        {
            return current.AccessToken!;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller (or another client of this installation) may have refreshed while this one waited.
            var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (IsFresh(stored))
            {
                _current = stored;
                return stored.AccessToken!;
            }

            return (await RefreshAsync(stored, cancellationToken).ConfigureAwait(false)).AccessToken!;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<string> RenewAsync(string rejectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejectedToken);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (stored.AccessToken is { } newer && !string.Equals(newer, rejectedToken, StringComparison.Ordinal) && IsFresh(stored))
            {
                _current = stored;
                return newer;
            }

            // A 401 is not proof of expiry: ask HubSpot about the token before spending a refresh on it.
            if (stored.AccessTokenExpiresAt > _oauth.Options.TimeProvider.GetUtcNow() && await IsLiveAsync(rejectedToken, cancellationToken).ConfigureAwait(false))
            {
                return rejectedToken;
            }

            return (await RefreshAsync(stored, cancellationToken).ConfigureAwait(false)).AccessToken!;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<bool> IsLiveAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            var info = await _oauth.GetAccessTokenInfoAsync(token, cancellationToken).ConfigureAwait(false);
            return info.PortalId == Key.PortalId && info.ExpiresAt > _oauth.Options.TimeProvider.GetUtcNow();
        }
        catch (HubSpotApiException ex) when (ex.Status is >= 400 and < 500)
        {
            return false;
        }
    }

    private async Task<HubSpotInstallation> LoadAsync(CancellationToken cancellationToken) =>
        await _store.GetAsync(Key, cancellationToken).ConfigureAwait(false)
        ?? throw new HubSpotInstallationRevokedException(Key, "it is not in the token store");

    private async Task<HubSpotInstallation> RefreshAsync(HubSpotInstallation stored, CancellationToken cancellationToken)
    {
        HubSpotOAuthTokens tokens;
        try
        {
            tokens = await _oauth.RefreshAsync(stored.RefreshToken, cancellationToken).ConfigureAwait(false);
        }
        catch (HubSpotApiException ex) when (IsRefused(ex))
        {
            // Another process on the same store (a second CLI run, another instance of a web farm) may have refreshed
            // between our read and our call, and a rotated refresh token retires ours: the store then holds a newer one.
            var latest = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (string.Equals(latest.RefreshToken, stored.RefreshToken, StringComparison.Ordinal))
            {
                throw Revoked(ex);
            }

            if (IsFresh(latest))
            {
                _current = latest;
                return latest;
            }

            try
            {
                stored = latest;
                tokens = await _oauth.RefreshAsync(latest.RefreshToken, cancellationToken).ConfigureAwait(false);
            }
            catch (HubSpotApiException again) when (IsRefused(again))
            {
                throw Revoked(again);
            }
        }

        var refreshed = stored with
        {
            AccessToken = tokens.AccessToken,
            AccessTokenExpiresAt = tokens.ExpiresAt,
            RefreshToken = tokens.RefreshToken,
            Scopes = tokens.Scopes.Count > 0 ? tokens.Scopes : stored.Scopes,
            UpdatedAt = _oauth.Options.TimeProvider.GetUtcNow(),
        };
        // Stored before anyone uses it: a rotated refresh token must never exist only in memory.
        await _store.SaveAsync(refreshed, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _refreshes);
        _current = refreshed;
        var rotated = !string.Equals(tokens.RefreshToken, stored.RefreshToken, StringComparison.Ordinal);
        LogRefreshed(_logger, Key, refreshed.AccessTokenExpiresAt, rotated);
        return refreshed;
    }

    private HubSpotInstallationRevokedException Revoked(HubSpotApiException refusal)
    {
        LogRevoked(_logger, Key);
        return new HubSpotInstallationRevokedException(Key, "HubSpot refused its refresh token: BAD_REFRESH_TOKEN", refusal.CorrelationId, refusal);
    }

    private static bool IsRefused(HubSpotApiException ex) =>
        ex.Category == "BAD_REFRESH_TOKEN" || (ex.Status == 400 && ex.Message.Contains("invalid_grant", StringComparison.Ordinal));

    private bool IsFresh(HubSpotInstallation installation) =>
        installation.AccessToken is { Length: > 0 } &&
        installation.AccessTokenExpiresAt - _oauth.Options.RefreshAhead > _oauth.Options.TimeProvider.GetUtcNow();

    /// <summary>Never prints a token.</summary>
    public override string ToString() => $"HubSpotOAuthTokenProvider({Key})";

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the access token of HubSpot installation {Installation}; it expires at {ExpiresAt:O} (refresh token rotated: {Rotated})")]
    private static partial void LogRefreshed(ILogger logger, HubSpotInstallationKey installation, DateTimeOffset expiresAt, bool rotated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HubSpot refused the refresh token of installation {Installation}: the app was uninstalled or the token revoked; install it again")]
    private static partial void LogRevoked(ILogger logger, HubSpotInstallationKey installation);
}
