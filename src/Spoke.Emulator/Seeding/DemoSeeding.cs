using System.Globalization;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Seeding;

/// <summary>
/// Start-up half of <c>--seed</c>: seed a portal that holds no records, finish a demo seed that was stopped part way
/// (same size and seed value, nothing else written since), and otherwise leave the portal alone, saying why.
/// </summary>
internal static class DemoSeeding
{
    public static void SeedOrResume(PortalState portal, HubSpotEmulatorOptions options, CancellationToken cancellationToken) =>
        SeedOrResume(portal, options.Seed, options.SeedSize, options.SeedValue, options.SeedProgress, cancellationToken);

    public static void SeedOrResume(PortalState portal, SeedKind seed, int seedSize, int seedValue, Action<string>? report, CancellationToken cancellationToken)
    {
        var partial = portal.DemoSeed is { Complete: false } p ? p : null;
        if (seed != SeedKind.Demo)
        {
            if (partial is not null)
            {
                report?.Invoke($"The portal holds an unfinished demo seed ({Done(partial)}); start with {Flags(partial)} to finish it.");
            }

            return;
        }

        if (portal.Stores.Values.All(s => s.Count == 0))
        {
            var plan = DemoSeeder.Plan(portal, seedSize, seedValue);
            if (seedSize > 0)
            {
                report?.Invoke(Invariant($"Seeding demo data: {string.Join(", ", plan.Types.Select(t => $"{t.Value.Total:N0} {t.Key}"))} (seed value {plan.SeedValue})..."));
            }

            Run(portal, plan, report, cancellationToken);
            return;
        }

        if (partial is null)
        {
            report?.Invoke("Not seeding: the portal already holds records (a finished demo seed or your own), which are kept.");
            return;
        }

        if (partial.Version != DemoSeedProgress.CurrentVersion)
        {
            report?.Invoke($"Not resuming the unfinished demo seed ({Done(partial)}): an older version of the emulator made it, "
                + "and this one seeds other records; its records are kept. Use a new data file for a fresh demo seed.");
            return;
        }

        if (partial.Size != seedSize || partial.SeedValue != seedValue)
        {
            report?.Invoke($"Not seeding: the portal holds an unfinished demo seed ({Done(partial)}) made with other flags; "
                + $"start with {Flags(partial)} to finish it, or use a new data file for a different seed.");
            return;
        }

        if (!Untouched(portal, partial))
        {
            report?.Invoke($"Not resuming the unfinished demo seed ({Done(partial)}): records were written since it stopped, and they are kept.");
            return;
        }

        report?.Invoke(Invariant($"Resuming demo seed: {Done(partial)} (seed value {partial.SeedValue}, dated as of {partial.Anchor:yyyy-MM-dd})..."));
        Run(portal, partial, report, cancellationToken);
    }

    private static void Run(PortalState portal, DemoSeedProgress progress, Action<string>? report, CancellationToken cancellationToken)
    {
        try
        {
            DemoSeeder.Seed(portal, progress, report, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            report?.Invoke($"Demo seed stopped at {Done(progress)}; start again with the same flags to finish it.");
            throw;
        }

        if (progress.Size > 0)
        {
            report?.Invoke("Demo seed complete.");
        }
    }

    /// <summary>Only the seeder wrote: every store holds what the seed committed and its id counter is where the seed left it.</summary>
    private static bool Untouched(PortalState portal, DemoSeedProgress progress)
    {
        foreach (var store in portal.Stores.Values)
        {
            // A custom type counts as seeded only when it is the seed's own (a user's may share a standard type's name).
            var seededType = !store.Type.IsCustom || store.Type.TypeId == progress.CustomObjectTypeId;
            if (seededType && progress.Types.TryGetValue(store.Type.Name, out var seeded))
            {
                if (store.Count != seeded.Seeded || store.NextId != seeded.NextId)
                {
                    return false;
                }
            }
            else if (store.Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string Done(DemoSeedProgress progress) =>
        string.Join(", ", progress.Types.Select(t => Invariant($"{t.Value.Seeded:N0} of {t.Value.Total:N0} {t.Key}")));

    private static string Flags(DemoSeedProgress progress) => Invariant($"--seed demo --seed-size {progress.Size} --seed-value {progress.SeedValue}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
