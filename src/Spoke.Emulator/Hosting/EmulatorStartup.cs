using Microsoft.AspNetCore.Builder;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Seeding;

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
        PortalPersistence.Attach(portal, options);
        DemoSeeding.SeedIfEmpty(portal, options);
    }

    public static void MapFeatureApis(WebApplication app)
    {
    }
}
