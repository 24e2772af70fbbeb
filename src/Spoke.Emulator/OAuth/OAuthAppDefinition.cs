namespace Spoke.Emulator;

/// <summary>
/// A public (OAuth) app to register with the emulator's developer account: what HubSpot's app settings page holds.
/// Leave <see cref="ClientId"/> and <see cref="ClientSecret"/> null to have them generated.
/// </summary>
public sealed class OAuthAppDefinition
{
    /// <summary>The app's name, shown on the consent page.</summary>
    public string Name { get; set; } = "Test app";

    /// <summary>The client id; null generates one (a UUID, like HubSpot's).</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret; null generates one. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The redirect URIs the app accepts; an authorization request must name one of them exactly.</summary>
    public IList<string> RedirectUris { get; } = [];

    /// <summary>Scopes the app requires: an authorization request must ask for every one of them.</summary>
    public IList<string> RequiredScopes { get; } = [];

    /// <summary>Scopes the app may ask for (<c>optional_scope</c>); granted when asked for.</summary>
    public IList<string> OptionalScopes { get; } = [];
}

/// <summary>A registered app's identity and settings, as the emulator's developer account holds it.</summary>
/// <param name="AppId">The app id (<c>app_id</c> in token info).</param>
/// <param name="Name">The app's name.</param>
/// <param name="ClientId">The client id.</param>
/// <param name="ClientSecret">The client secret (a secret: print it once, when generated).</param>
/// <param name="RedirectUris">The registered redirect URIs.</param>
/// <param name="RequiredScopes">The required scopes.</param>
/// <param name="OptionalScopes">The optional scopes.</param>
public sealed record OAuthAppCredentials(long AppId, string Name, string ClientId, string ClientSecret,
    IReadOnlyList<string> RedirectUris, IReadOnlyList<string> RequiredScopes, IReadOnlyList<string> OptionalScopes)
{
    /// <summary>Never prints the client secret.</summary>
    public override string ToString() => $"OAuthAppCredentials({Name}, client id {ClientId})";
}
