using Microsoft.AspNetCore.Builder;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Search;

namespace Spoke.Emulator.Hosting;

/// <summary>
/// Feature wiring in one place: what state a portal loads before serving, and which feature APIs it maps.
/// Each feature folder owns a <c>MapXxxApi(prefix)</c> extension; add it here.
/// </summary>
internal static class EmulatorStartup
{
    /// <summary>Loads persisted state and seeds demo data before the first request.</summary>
    public static void Prepare(PortalState portal, HubSpotEmulatorOptions options)
    {
    }

    public static void MapFeatureApis(WebApplication app)
    {
        foreach (var prefix in new[] { "/crm/v3/objects", "/crm/objects/2026-03", "/crm/objects/2026-09" }) { app.MapSearchApi(prefix); }
    }
}
