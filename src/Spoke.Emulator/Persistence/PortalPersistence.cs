using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Persistence;

/// <summary>Start-up half of <c>--data</c>: load what the file holds, then journal every change into it.</summary>
internal static class PortalPersistence
{
    public static void Attach(PortalState portal, HubSpotEmulatorOptions options) => Attach(portal, options.DataFile);

    public static void Attach(PortalState portal, string? dataFile)
    {
        if (dataFile is not { } file)
        {
            return;
        }

        var journal = SqlitePortalJournal.Open(file);
        try
        {
            bool loaded;
            using (portal.Read())
            {
                loaded = journal.LoadInto(portal);
            }

            portal.Journal = journal;
            if (!loaded)
            {
                // A new file gets the fresh portal's definitions at once, so it is a portal from the first moment.
                using var _ = portal.Write();
                foreach (var feature in portal.Features)
                {
                    feature.MarkDirty();
                }
            }
        }
        catch
        {
            portal.Journal = null;
            journal.Dispose();
            throw;
        }
    }
}
