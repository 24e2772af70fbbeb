namespace Spoke.Auth;

/// <summary>Supplies the bearer token for each request. Private-app tokens now; OAuth plugs into the same seam.</summary>
public interface IAccessTokenProvider
{
    /// <summary>The token to send. Implementations refresh ahead of expiry; the client never logs the value.</summary>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A stable, non-secret key for the portal and app this token acts for, used to share one rate-limit budget
    /// among every client in the process that uses it (never the token itself).
    /// </summary>
    string BudgetKey { get; }
}

/// <summary>A private-app token: one value, used as is.</summary>
public sealed class PrivateAppTokenProvider : IAccessTokenProvider
{
    private readonly string _token;

    /// <summary>A provider that always answers <paramref name="token"/> (a private app's access token).</summary>
    /// <exception cref="ArgumentException">The token is null, empty or white space.</exception>
    public PrivateAppTokenProvider(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _token = token;
        // A one-way digest: equal tokens share a budget, and the key reveals nothing about the token.
        BudgetKey = "pat:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..16];
    }

    /// <inheritdoc/>
    public string BudgetKey { get; }

    /// <inheritdoc/>
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_token);

    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"PrivateAppTokenProvider({BudgetKey})";
}
