using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Seeding;

/// <summary>Start-up half of <c>--seed</c>: seed only a portal that holds no records (a new or empty data file).</summary>
internal static class DemoSeeding
{
    public static void SeedIfEmpty(PortalState portal, HubSpotEmulatorOptions options)
    {
        if (options.Seed != SeedKind.Demo || portal.Stores.Values.Any(s => s.Count > 0))
        {
            return;
        }

        DemoSeeder.Seed(portal, options.SeedSize, options.SeedValue);
    }
}
