namespace Spoke.Emulator;

/// <summary>Several portals (hub ids) in one emulator, for multi-tenant code (<see cref="HubSpotEmulatorOptions.AdditionalPortalIds"/>).</summary>
public sealed partial class HubSpotEmulator
{
    /// <summary>Every portal the emulator serves: <see cref="PortalId"/> first, then the additional ones.</summary>
    public IReadOnlyList<long> PortalIds => [.. Directory.All.Select(p => p.PortalId)];

    /// <summary>Creates a private-app token of portal <paramref name="portalId"/> holding exactly <paramref name="scopes"/>:
    /// requests with it act on that portal only.</summary>
    /// <exception cref="ArgumentException">The emulator serves no such portal.</exception>
    public string CreateToken(long portalId, params string[] scopes)
    {
        var portal = Directory.Find(portalId) ?? throw new ArgumentException($"The emulator serves no portal {portalId}; it serves {string.Join(", ", PortalIds)}.", nameof(portalId));
        using var _ = portal.Write();
        return portal.Tokens.Create(scopes).Token;
    }
}
