using System.CommandLine;
using System.Globalization;
using Spoke.Sync.Push;
using Spoke.Sync.Store;

namespace Spoke.Cli.Sync;

/// <summary>
/// <c>spoke sync conflicts</c>: the open conflicts (policy manual) between pending local changes and HubSpot, and
/// <c>spoke sync conflicts resolve ID|--all --take local|hubspot</c> (or <c>--value V</c> for one id).
/// </summary>
internal static class SyncConflictsCommand
{
    private const int Listed = 200;

    public static Command Create()
    {
        var connection = new SyncConnectionOptions();
        var portalId = PortalOption();
        var all = new Option<bool>("--all") { Description = "Also list decided conflicts (every policy records its decisions), not only open ones" };
        var command = new Command("conflicts", "List the open conflicts: properties changed both in the mirror and in HubSpot, held by policy manual until resolved");
        connection.AddTo(command);
        command.Options.Add(portalId);
        command.Options.Add(all);
        command.Subcommands.Add(CreateResolve());
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await OpenAsync(connection, portalId, parse, cancellationToken).ConfigureAwait(false) is not { } opened)
            {
                return SyncCommand.ExitCodes.BadInput;
            }

            await using var store = opened.Store;
            var includeDecided = parse.GetValue(all);
            var conflicts = await SyncConflicts.ListAsync(store, opened.Portal, includeDecided, Listed, cancellationToken).ConfigureAwait(false);
            if (conflicts.Count == 0)
            {
                Console.WriteLine(includeDecided ? $"Portal {opened.Portal}: no conflicts recorded." : $"Portal {opened.Portal}: no open conflicts.");
                return SyncCommand.ExitCodes.Succeeded;
            }

            foreach (var c in conflicts)
            {
                var outcome = c.Outcome == SyncConflictOutcome.Open ? "open" : Outcome(c.Outcome);
                Console.WriteLine($"#{c.ConflictId} {c.ObjectType} {c.RecordId} {c.Property} ({outcome}, {c.Policy}): local \"{c.LocalValue}\" ({U(c.LocalAt)}) vs HubSpot \"{c.RemoteValue}\" ({U(c.RemoteAt)}); agreed before \"{c.BaseValue}\"");
            }

            if (conflicts.Count == Listed)
            {
                Console.WriteLine($"… only the first {Listed} are listed (query sync_conflicts for the rest).");
            }

            if (conflicts.Any(c => c.Outcome == SyncConflictOutcome.Open))
            {
                Console.WriteLine("Resolve with `spoke sync conflicts resolve ID --take local|hubspot` (or --value V, or --all), then `spoke sync --push`.");
            }

            return SyncCommand.ExitCodes.Succeeded;
        });
        return command;
    }

    private static Command CreateResolve()
    {
        var connection = new SyncConnectionOptions();
        var portalId = PortalOption();
        var id = new Argument<string?>("ID") { Description = "The conflict's number (from `spoke sync conflicts`)", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Resolve every open conflict the same way" };
        var take = new Option<string?>("--take") { Description = "local: push the local value; hubspot: keep HubSpot's value and drop the local change", HelpName = "local|hubspot" };
        var value = new Option<string?>("--value") { Description = "Resolve one conflict with this value instead: written to the mirror and pushed", HelpName = "V" };
        var command = new Command("resolve", "Resolve open conflicts: take the local value, HubSpot's, or a given one") { id };
        connection.AddTo(command);
        command.Options.Add(portalId);
        command.Options.Add(all);
        command.Options.Add(take);
        command.Options.Add(value);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var idText = parse.GetValue(id);
            var takeText = parse.GetValue(take);
            var given = parse.GetValue(value);
            var everything = parse.GetValue(all);
            long conflictId = 0;
            SyncConflictResolution side = default;
            string? problem = null;
            if (everything == (idText is not null))
            {
                problem = "Name one conflict by its number (spoke sync conflicts resolve 12 --take local) or give --all, not both or neither.";
            }
            else if (idText is not null && !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out conflictId))
            {
                problem = $"\"{idText}\" is not a conflict number: use the # number `spoke sync conflicts` lists, e.g. 12.";
            }
            else if ((takeText is null) == (given is null))
            {
                problem = "Say which side wins: --take local or --take hubspot, or --value V for one conflict.";
            }
            else if (given is not null && everything)
            {
                problem = "--value resolves one conflict: name it by its number instead of --all.";
            }
            else if (takeText is not null)
            {
                switch (takeText.Trim().ToLowerInvariant())
                {
                    case "local": side = SyncConflictResolution.Local; break;
                    case "hubspot": side = SyncConflictResolution.HubSpot; break;
                    default: problem = $"--take \"{takeText}\": write --take local or --take hubspot."; break;
                }
            }

            if (problem is not null)
            {
                Console.Error.WriteLine(problem);
                return SyncCommand.ExitCodes.BadInput;
            }

            if (await OpenAsync(connection, portalId, parse, cancellationToken).ConfigureAwait(false) is not { } opened)
            {
                return SyncCommand.ExitCodes.BadInput;
            }

            await using var store = opened.Store;
            if (everything)
            {
                var count = await SyncConflicts.ResolveAllAsync(store, opened.Portal, side, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Resolved {count} conflict{(count == 1 ? "" : "s")} ({(side == SyncConflictResolution.Local ? "local values kept" : "HubSpot's values taken")}).{Next(side)}");
                return SyncCommand.ExitCodes.Succeeded;
            }

            try
            {
                var resolved = given is not null
                    ? await SyncConflicts.ResolveWithValueAsync(store, opened.Portal, conflictId, given, cancellationToken).ConfigureAwait(false)
                    : await SyncConflicts.ResolveAsync(store, opened.Portal, conflictId, side, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Resolved #{resolved.ConflictId} {resolved.ObjectType} {resolved.RecordId} {resolved.Property}: {Outcome(resolved.Outcome)}.{Next(given is null ? side : SyncConflictResolution.Local)}");
                return SyncCommand.ExitCodes.Succeeded;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message);
                return SyncCommand.ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static string Next(SyncConflictResolution side) => side == SyncConflictResolution.Local ? " Run `spoke sync --push` to send it." : "";

    private static Option<long?> PortalOption() => new("--portal-id")
    {
        Description = "The portal whose mirror to use (default: the token's portal; without a token, the embedded demo portal's)",
    };

    private static async Task<(ISyncStore Store, long Portal)?> OpenAsync(SyncConnectionOptions connection, Option<long?> portalId, ParseResult parse, CancellationToken cancellationToken)
    {
        if (!connection.TryParseDatabase(parse, out var database, out var error))
        {
            Console.Error.WriteLine(error);
            return null;
        }

        if (database!.Kind == SyncDatabaseKind.Sqlite && !File.Exists(database.Target))
        {
            Console.Error.WriteLine($"{database}: no mirror there. Give the mirror's --database, or run `spoke sync` first.");
            return null;
        }

        long portal;
        if (parse.GetValue(portalId) is { } given)
        {
            portal = given;
        }
        else if (connection.ResolveToken(parse) is not null)
        {
            await using var target = await connection.ConnectAsync(parse, 0, cancellationToken).ConfigureAwait(false);
            portal = (await target.Client.Account.GetDetailsAsync(cancellationToken).ConfigureAwait(false)).PortalId;
        }
        else
        {
            portal = new Spoke.Emulator.HubSpotEmulatorOptions().PortalId;
        }

        return (await database.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false), portal);
    }

    private static string Outcome(SyncConflictOutcome outcome) => outcome switch
    {
        SyncConflictOutcome.LocalWon => "local value kept",
        SyncConflictOutcome.HubSpotWon => "HubSpot's value taken",
        SyncConflictOutcome.ValueGiven => "value given",
        SyncConflictOutcome.Agreed => "both sides agreed",
        SyncConflictOutcome.Gone => "record gone in HubSpot",
        _ => "open",
    };

    private static string U(DateTimeOffset? value) => value?.ToString("u", CultureInfo.InvariantCulture) ?? "time unknown";
}
