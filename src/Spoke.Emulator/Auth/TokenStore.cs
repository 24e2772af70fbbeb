using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Spoke.Emulator.Auth;

/// <summary>A bearer token the emulator accepts, with its scopes.</summary>
internal sealed record TokenGrant(string Token, IReadOnlySet<string> Scopes, bool AllScopes, DateTimeOffset? ExpiresAt = null);

/// <summary>Private-app tokens (and, later, OAuth access tokens) known to the portal.</summary>
internal sealed class TokenStore
{
    private readonly ConcurrentDictionary<string, TokenGrant> _tokens = new(StringComparer.Ordinal);

    public IEnumerable<TokenGrant> All => _tokens.Values;

    /// <summary>Registers a token that holds every scope.</summary>
    public TokenGrant AddAllScopes(string token) => _tokens[token] = new TokenGrant(token, new HashSet<string>(), true);

    /// <summary>Creates a fresh private-app token with exactly <paramref name="scopes"/>.</summary>
    public TokenGrant Create(IEnumerable<string> scopes)
    {
        var grant = new TokenGrant(NewToken(), new HashSet<string>(scopes, StringComparer.Ordinal), false);
        _tokens[grant.Token] = grant;
        return grant;
    }

    public void Add(TokenGrant grant) => _tokens[grant.Token] = grant;

    public TokenGrant? Find(string token) => _tokens.GetValueOrDefault(token);

    public void Clear() => _tokens.Clear();

    /// <summary>A token shaped like HubSpot's private-app tokens (<c>pat-na1-uuid</c>), random per call.</summary>
    public static string NewToken() => $"pat-na1-{Guid.NewGuid()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
