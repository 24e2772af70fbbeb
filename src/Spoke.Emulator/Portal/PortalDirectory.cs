namespace Spoke.Emulator.Portal;

/// <summary>
/// Every portal (hub) the emulator serves. Requests are routed to the portal their token belongs to, so tokens of one
/// portal never see another's records. The primary portal is the one <see cref="HubSpotEmulatorOptions.PortalId"/>
/// names; it also holds what belongs to the developer account rather than a portal (the OAuth apps).
/// </summary>
internal sealed class PortalDirectory(PortalState primary)
{
    private readonly List<PortalState> _portals = [primary];

    public PortalState Primary { get; } = primary;

    /// <summary>Every portal, the primary first.</summary>
    public IReadOnlyList<PortalState> All => _portals;

    /// <summary>The portal with hub id <paramref name="portalId"/>, or null when the emulator serves none such.</summary>
    public PortalState? Find(long portalId) => _portals.Find(p => p.PortalId == portalId);
}
