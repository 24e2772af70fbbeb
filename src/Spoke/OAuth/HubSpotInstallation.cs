namespace Spoke.OAuth;

/// <summary>Identifies one installation: an OAuth app (its client id) installed in one portal (hub id).</summary>
/// <param name="ClientId">The app's client id.</param>
/// <param name="PortalId">The portal (hub id) the app is installed in.</param>
public readonly record struct HubSpotInstallationKey(string ClientId, long PortalId)
{
    /// <summary>Never carries a secret, so it is safe in logs: <c>clientId@portalId</c>.</summary>
    public override string ToString() => $"{ClientId}@{PortalId}";
}

/// <summary>
/// What Spoke keeps of one installation: the refresh token that stands for it, the current access token and when it
/// expires, and what HubSpot said about it. <see cref="ToString"/> never prints a token.
/// </summary>
public sealed record HubSpotInstallation
{
    /// <summary>The app's client id.</summary>
    public required string ClientId { get; init; }

    /// <summary>The portal (hub id) the app is installed in.</summary>
    public required long PortalId { get; init; }

    /// <summary>The refresh token: the installation itself. Lose it and the user must install the app again.</summary>
    public required string RefreshToken { get; init; }

    /// <summary>The current access token; null when none has been obtained or it was dropped.</summary>
    public string? AccessToken { get; init; }

    /// <summary>When <see cref="AccessToken"/> expires (HubSpot's <c>expires_in</c> from when it was issued).</summary>
    public DateTimeOffset AccessTokenExpiresAt { get; init; }

    /// <summary>The scopes granted (required and the optional ones the portal has).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The portal's domain, when HubSpot said it.</summary>
    public string? HubDomain { get; init; }

    /// <summary>The user who installed the app, when HubSpot said it (an email: personal data).</summary>
    public string? User { get; init; }

    /// <summary>The installing user's id, when HubSpot said it.</summary>
    public long? UserId { get; init; }

    /// <summary>When the installation was first stored.</summary>
    public DateTimeOffset InstalledAt { get; init; }

    /// <summary>When the tokens were last stored.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The key the store files it under.</summary>
    public HubSpotInstallationKey Key => new(ClientId, PortalId);

    /// <summary>Never prints a token (records would print every property).</summary>
    public override string ToString() => $"HubSpotInstallation({Key}, access token expires {AccessTokenExpiresAt:O})";
}
