using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Auth;

/// <summary>A bearer token the emulator accepts, with its scopes. A handler that declares a <see cref="TokenGrant"/>
/// parameter receives the request's (the pipeline authenticates before any handler runs). <see cref="Installation"/> is the
/// client id of the OAuth app an access token was issued to; null for a private-app token.</summary>
internal sealed record TokenGrant(string Token, IReadOnlySet<string> Scopes, bool AllScopes, DateTimeOffset? ExpiresAt = null, string? Installation = null)
{
    /// <summary>Minimal API binding: the grant the pipeline's authentication stored for this request.</summary>
    public static ValueTask<TokenGrant?> BindAsync(HttpContext context) => ValueTask.FromResult(context.Items[Auth.Scopes.GrantItem] as TokenGrant);

    /// <summary>Requires one of <paramref name="anyOf"/>: HubSpot's 403 <c>MISSING_SCOPES</c> otherwise.</summary>
    public void Require(IReadOnlyList<string> anyOf)
    {
        if (!AllScopes && !anyOf.Any(Scopes.Contains))
        {
            throw Auth.Scopes.Missing(anyOf);
        }
    }

    public void Require(string scope) => Require([scope]);
}

/// <summary>Private-app tokens (and, later, OAuth access tokens) known to the portal. Tokens are definitions: with a
/// data file, every token the portal accepted stays accepted; they survive a reset. Lookups need no lock; adding a
/// token happens inside a write scope, which saves it.</summary>
internal sealed class TokenStore : PortalFeature
{
    private readonly ConcurrentDictionary<string, TokenGrant> _tokens = new(StringComparer.Ordinal);

    public override string Name => "tokens";

    public IEnumerable<TokenGrant> All => _tokens.Values;

    /// <summary>Registers a token that holds every scope.</summary>
    public TokenGrant AddAllScopes(string token) => Add(new TokenGrant(token, new HashSet<string>(), true));

    /// <summary>Creates a fresh private-app token with exactly <paramref name="scopes"/>.</summary>
    public TokenGrant Create(IEnumerable<string> scopes)
    {
        return Add(new TokenGrant(NewToken(), new HashSet<string>(scopes, StringComparer.Ordinal), false));
    }

    public TokenGrant Add(TokenGrant grant)
    {
        _tokens[grant.Token] = grant;
        MarkDirty();
        return grant;
    }

    public TokenGrant? Find(string token) => _tokens.GetValueOrDefault(token);

    /// <summary>Forgets one token (an OAuth access token revoked); false when it was not known.</summary>
    public bool Remove(string token)
    {
        if (!_tokens.TryRemove(token, out _))
        {
            return false;
        }

        MarkDirty();
        return true;
    }

    /// <summary>Forgets every access token of the OAuth app <paramref name="clientId"/> (the app was uninstalled).</summary>
    public int RemoveInstallation(string clientId)
    {
        var gone = _tokens.Values.Where(t => string.Equals(t.Installation, clientId, StringComparison.Ordinal)).Select(t => t.Token).ToList();
        foreach (var token in gone)
        {
            _tokens.TryRemove(token, out _);
        }

        if (gone.Count > 0)
        {
            MarkDirty();
        }

        return gone.Count;
    }

    /// <summary>OAuth access tokens expire for good: dropping them keeps a long-running emulator's token list bounded.</summary>
    public void PruneExpiredInstallationTokens(DateTimeOffset now)
    {
        foreach (var t in _tokens.Values.Where(t => t.Installation is not null && t.ExpiresAt <= now - TimeSpan.FromDays(1)).ToList())
        {
            _tokens.TryRemove(t.Token, out _);
            MarkDirty();
        }
    }

    public void Clear() => _tokens.Clear();

    public override void Reset(DateTimeOffset now)
    {
        // Tokens survive a reset.
    }

    public override void Save(Utf8JsonWriter writer) =>
        Write(writer, "tokens", [.. _tokens.Values.OrderBy(t => t.Token, StringComparer.Ordinal)
            .Select(t => new TokenDocument(t.Token, [.. t.Scopes.Order(StringComparer.Ordinal)], t.AllScopes, t.ExpiresAt, t.Installation))],
            PersistenceJsonContext.Default.ListTokenDocument);

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "tokens", PersistenceJsonContext.Default.ListTokenDocument, out var tokens))
        {
            foreach (var t in tokens)
            {
                _tokens[t.Token] = new TokenGrant(t.Token, new HashSet<string>(t.Scopes, StringComparer.Ordinal), t.AllScopes, t.ExpiresAt, t.Installation);
            }
        }
    }

    /// <summary>A token shaped like HubSpot's private-app tokens (<c>pat-na1-uuid</c>), random per call.</summary>
    public static string NewToken() => $"pat-na1-{Guid.NewGuid()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
