namespace Spoke.Emulator;

/// <summary>The emulator's developer account: public (OAuth) apps to install into its portals.</summary>
public sealed partial class HubSpotEmulator
{
    /// <summary>
    /// Registers a public app (as HubSpot's developer account does): the consent page and the token endpoint accept it
    /// from now on. A null client id or secret is generated; the answer carries both.
    /// </summary>
    /// <exception cref="ArgumentException">The definition is not valid (no redirect URI, an unknown scope, a client id in use); the message says what.</exception>
    public OAuthAppCredentials CreateOAuthApp(OAuthAppDefinition definition)
    {
        using var _ = Portal.Write();
        return Portal.OAuth.Register(definition).Credentials;
    }

    /// <summary>
    /// Changes a registered app's settings (name, redirect URIs, scopes), as HubSpot's app settings page does: the app
    /// is the one with <see cref="OAuthAppDefinition.ClientId"/>; it keeps its app id, its installations and, unless the
    /// definition gives a new one, its client secret.
    /// </summary>
    /// <exception cref="ArgumentException">No app has that client id, or the settings are not valid; the message says what.</exception>
    public OAuthAppCredentials UpdateOAuthApp(OAuthAppDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var _ = Portal.Write();
        if (Portal.OAuth.FindApp(definition.ClientId) is null)
        {
            throw new ArgumentException($"No OAuth app with client id {definition.ClientId ?? "(none given)"} is registered: create it with CreateOAuthApp.", nameof(definition));
        }

        return Portal.OAuth.Register(definition, replace: true).Credentials;
    }

    /// <summary>Every registered public app.</summary>
    public IReadOnlyList<OAuthAppCredentials> OAuthApps
    {
        get
        {
            using var _ = Portal.Read();
            return [.. Portal.OAuth.Apps.Select(a => a.Credentials)];
        }
    }

    /// <summary>
    /// Uninstalls an app from a portal, as a portal admin does in HubSpot: its refresh tokens stop working and its access
    /// tokens are refused at once. False when the app was not installed there.
    /// </summary>
    public bool UninstallOAuthApp(string clientId, long portalId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var portal = Directory.Find(portalId) ?? throw new ArgumentException($"The emulator serves no portal {portalId}.", nameof(portalId));
        using var _ = Portal.Write();
        return Portal.OAuth.Uninstall(clientId, portal);
    }

    /// <summary>Hand out a new refresh token on every refresh (see <see cref="HubSpotEmulatorOptions.RotateRefreshTokens"/>).</summary>
    public bool RotateRefreshTokens
    {
        get => Portal.OAuth.RotateRefreshTokens;
        set
        {
            using var _ = Portal.Write();
            Portal.OAuth.RotateRefreshTokens = value;
        }
    }

    /// <summary>How long access tokens issued from now on live (emulator clock).</summary>
    public TimeSpan OAuthAccessTokenLifetime
    {
        get => Portal.OAuth.AccessTokenLifetime;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            using var _ = Portal.Write();
            Portal.OAuth.AccessTokenLifetime = value;
        }
    }
}
