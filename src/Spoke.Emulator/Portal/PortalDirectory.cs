using Spoke.Emulator.Auth;
using Spoke.Emulator.Exports;
using Spoke.Emulator.Faults;
using Spoke.Emulator.Imports;
using Spoke.Emulator.RateLimits;
using Spoke.Emulator.Webhooks;

namespace Spoke.Emulator.Portal;

/// <summary>One portal and the services that hold its state: its own rate-limit budget, webhook delivery, bulk jobs.</summary>
internal sealed record PortalServices(PortalState Portal, RateLimiter Limiter, ArchiveRetention Retention, WebhookDelivery Webhooks,
    ImportJobs Imports, ExportJobs Exports);

/// <summary>
/// Which portal the request in flight acts on (scoped): the pipeline sets it from the token (or an admin request's
/// <c>?portalId=</c>) before any handler runs, and the per-portal services resolve from it.
/// </summary>
internal sealed class CurrentPortal(PortalServices services)
{
    public PortalServices Services { get; set; } = services;
}

/// <summary>
/// Every portal (hub) the emulator serves. Requests are routed to the portal their token belongs to, so tokens of one
/// portal never see another's records. The primary portal is the one <see cref="HubSpotEmulatorOptions.PortalId"/>
/// names; it also holds what belongs to the developer account rather than a portal (the OAuth apps, the developer key).
/// </summary>
internal sealed class PortalDirectory(IReadOnlyList<PortalServices> portals)
{
    public PortalServices PrimaryServices { get; } = portals[0];

    public PortalState Primary => PrimaryServices.Portal;

    /// <summary>Every portal, the primary first.</summary>
    public IReadOnlyList<PortalState> All { get; } = [.. portals.Select(p => p.Portal)];

    public IReadOnlyList<PortalServices> Services => portals;

    /// <summary>The portal with hub id <paramref name="portalId"/>, or null when the emulator serves none such.</summary>
    public PortalState? Find(long portalId) => ServicesOf(portalId)?.Portal;

    public PortalServices? ServicesOf(long portalId) => portals.FirstOrDefault(p => p.Portal.PortalId == portalId);

    /// <summary>The portal that accepts <paramref name="token"/> (private-app or OAuth access token), and its grant.</summary>
    public (PortalServices Services, TokenGrant Grant)? FindToken(string token)
    {
        foreach (var services in portals)
        {
            if (services.Portal.Tokens.Find(token) is { } grant)
            {
                return (services, grant);
            }
        }

        return null;
    }
}
