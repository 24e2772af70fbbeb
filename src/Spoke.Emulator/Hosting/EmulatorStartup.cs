using Microsoft.AspNetCore.Builder;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Schemas;

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
        foreach (var prefix in PropertiesApi.Prefixes)
        {
            app.MapPropertiesApi(prefix);
        }

        foreach (var prefix in SchemasApi.Prefixes)
        {
            app.MapSchemasApi(prefix);
        }

        AssociationsApi.Map(app);
    }
}
