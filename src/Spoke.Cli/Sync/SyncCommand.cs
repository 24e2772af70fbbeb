using System.CommandLine;
using Spoke.Cli.Auth;
using Spoke.Cli.Emulator;
using Spoke.Cli.Hosting;
using Spoke.Emulator;
using Spoke.Errors;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Store;

namespace Spoke.Cli.Sync;

/// <summary>
/// <c>spoke sync</c>: mirrors a portal into SQLite or PostgreSQL. Without credentials it syncs the embedded emulator's
/// demo portal, so the first run shows what it does with nothing set up.
/// </summary>
internal static class SyncCommand
{
    /// <summary>Exit codes a scheduler can act on.</summary>
    internal static class ExitCodes
    {
        public const int Succeeded = 0;
        public const int SomeTypesFailed = 1;
        public const int BadInput = 2;
        public const int Unauthorized = 3;
        public const int Cancelled = 130;
    }

    public static Command Create()
    {
        var connection = new SyncConnectionOptions();
        var objects = new Option<string[]>("--objects")
        {
            Description = "Object types to mirror, comma-separated (default: every standard CRM type the token can read and every custom object)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "contacts,companies,…",
        };
        var properties = new Option<string[]>("--properties")
        {
            Description = "Properties to mirror for a type, repeatable (default: all)",
            HelpName = "TYPE=a,b,c",
        };
        var typed = SyncTypedColumnOption.Create();
        var full = new Option<bool>("--full") { Description = "Forget every checkpoint and run a fresh full pass" };
        var reserve = new Option<string>("--reserve")
        {
            Description = "Share of the portal's 10-second API budget left unused for its other apps, e.g. 10% or 0.1 (default 5%)",
            HelpName = "SHARE",
        };
        var maxConcurrentTypes = new Option<string>("--max-concurrent-types")
        {
            Description = "Object types synced at once (default 3; 1 runs them one after another)",
            HelpName = "N",
        };
        var push = new Option<bool>("--push")
        {
            Description = "After syncing (which decides conflicts, see --conflict), push the changes made to the mirror (captured by its triggers, or queued through SyncOutbox) to HubSpot; with --watch, keep pushing them as they are made",
        };
        var conflict = new Option<string[]>("--conflict")
        {
            Description = $"Who wins when a property changed both in the mirror (not pushed yet) and in HubSpot: POLICY (the default), TYPE=POLICY or TYPE.PROPERTY=POLICY, repeatable; policies: {SyncConflictPolicies.Names} (default last-writer-wins)",
            HelpName = "[TYPE[.PROPERTY]=]POLICY",
        };
        var unique = new Option<string[]>("--unique")
        {
            Description = "With --push: the unique property a local create of TYPE is matched by (batch upsert on it, so a retry never duplicates the record), repeatable; defaults contacts=email, companies=domain; any property HubSpot marks hasUniqueValue",
            HelpName = "TYPE=PROPERTY",
        };
        var seedSize = new Option<int>("--seed-size") { Description = "Contacts in the embedded demo portal (companies N/5, deals N/2, tickets N/4)", DefaultValueFactory = _ => 200 };
        properties.Validators.Add(r =>
        {
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                var eq = value.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == value.Length - 1)
                {
                    r.AddError($"--properties \"{value}\": write TYPE=a,b,c, e.g. --properties contacts=email,firstname.");
                }
            }
        });

        var command = new Command("sync", "Mirror a HubSpot portal into SQLite or PostgreSQL: records, associations, deletes, merges, properties and pipelines")
        {
            objects, properties, typed, full, reserve, maxConcurrentTypes, push, conflict, unique, seedSize,
        };
        connection.AddTo(command);
        var watch = new SyncWatchMode();
        watch.AddTo(command);
        command.Subcommands.Add(SyncStatusCommand.Create());
        command.Subcommands.Add(SyncVerifyCommand.Create());
        command.Subcommands.Add(SyncConflictsCommand.Create());
        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var cancellationToken = signals.Token;
            if (!connection.TryParseDatabase(parse, out var database, out var error))
            {
                Console.Error.WriteLine(error);
                return ExitCodes.BadInput;
            }

            var storeOptions = new SyncStoreOptions();
            if (!SyncTypedColumnOption.TryParse(parse, typed, storeOptions, out var typedError))
            {
                Console.Error.WriteLine(typedError);
                return ExitCodes.BadInput;
            }

            if (watch.Validate(parse) is { } badWatch)
            {
                Console.Error.WriteLine(badWatch);
                return ExitCodes.BadInput;
            }

            var options = new SyncOptions { Full = parse.GetValue(full) };
            if (parse.GetValue(reserve) is { } reserveText)
            {
                if (ParseShare(reserveText) is not { } share)
                {
                    Console.Error.WriteLine($"--reserve \"{reserveText}\": write a share of the budget from 0 up to (not including) 100%, as a percentage (10%) or a fraction (0.1).");
                    return ExitCodes.BadInput;
                }

                options.BurstBudgetReserve = share;
            }

            if (parse.GetValue(maxConcurrentTypes) is { } concurrencyText)
            {
                if (!int.TryParse(concurrencyText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > 64)
                {
                    Console.Error.WriteLine($"--max-concurrent-types \"{concurrencyText}\": write a whole number from 1 to 64, e.g. --max-concurrent-types 3.");
                    return ExitCodes.BadInput;
                }

                options.MaxConcurrentTypes = n;
            }

            foreach (var entry in parse.GetValue(conflict) ?? [])
            {
                try
                {
                    options.ConflictPolicies.Add(entry);
                }
                catch (FormatException e)
                {
                    Console.Error.WriteLine($"--conflict \"{entry}\": {e.Message}");
                    return ExitCodes.BadInput;
                }
            }

            foreach (var type in SyncConnectionOptions.SplitList(parse.GetValue(objects)))
            {
                options.ObjectTypes.Add(type);
            }

            var pushOptions = new SyncPushOptions();
            foreach (var entry in parse.GetValue(unique) ?? [])
            {
                var eq = entry.IndexOf('=', StringComparison.Ordinal);
                var (type, name) = eq < 0 ? ("", "") : (entry[..eq].Trim(), entry[(eq + 1)..].Trim());
                if (type.Length == 0 || name.Length == 0 || name.Contains(',', StringComparison.Ordinal))
                {
                    Console.Error.WriteLine($"--unique \"{entry}\": write TYPE=PROPERTY, one property whose values HubSpot keeps unique (hasUniqueValue), e.g. --unique projects=project_code.");
                    return ExitCodes.BadInput;
                }

                pushOptions.UniqueProperties[type] = name;
            }

            foreach (var value in parse.GetValue(properties) ?? [])
            {
                var eq = value.IndexOf('=', StringComparison.Ordinal);
                options.Properties[value[..eq].Trim()] = [.. SyncConnectionOptions.SplitList([value[(eq + 1)..]])];
            }

            await using var target = await connection.ConnectAsync(parse, parse.GetValue(seedSize), watch.EmulatorClientSecret(parse), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(target.Banner(database!));
            await using var store = await database!.OpenAsync(storeOptions, cancellationToken).ConfigureAwait(false);
            var engine = new SyncEngine(target.Client, store, options);
            if (watch.IsOn(parse))
            {
                try
                {
                    // --watch --push: local changes are pushed while watching (SyncWatchOptions.Pusher).
                    var watchPusher = parse.GetValue(push) ? new SyncPusher(target.Client, store, pushOptions) : null;
                    return await watch.RunAsync(parse, target, database, engine, options, watchPusher, cancellationToken).ConfigureAwait(false);
                }
                catch (HubSpotApiException e) when (e.Status == 401)
                {
                    Console.Error.WriteLine(AuthCommand.RefusedHint(e));
                    return ExitCodes.Unauthorized;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    Console.WriteLine("Watch stopped before it started watching; the next run resumes from the last committed page.");
                    return ExitCodes.Succeeded; // Ctrl+C is how a watch ends
                }
            }

            using var output = new SyncOutput(Console.Out, interactive: !Console.IsOutputRedirected);
            try
            {
                var rejected = false;
                // Sync first: reading HubSpot's changes is what finds conflicts with the local ones (decided by --conflict)
                // before anything is sent; the push then writes HubSpot's answers back into the mirror.
                var run = await output.RunAsync(progress => engine.RunAsync(progress, cancellationToken)).ConfigureAwait(false);
                output.Summary(run);
                if (parse.GetValue(push))
                {
                    var pushed = await new SyncPusher(target.Client, store, pushOptions).PushAsync(cancellationToken).ConfigureAwait(false);
                    Console.WriteLine($"Pushed {pushed.Pushed} local change{(pushed.Pushed == 1 ? "" : "s")} to HubSpot"
                        + (pushed.Rejected > 0 ? $"; {pushed.Rejected} rejected (reasons: spoke sync status)" : "")
                        + (pushed.Retrying > 0 ? $"; {pushed.Retrying} left pending after failed calls, sent again next time" : "") + ".");
                    if (pushed.EdgesPushed + pushed.EdgesRejected + pushed.EdgesRetrying + pushed.EdgesWaiting > 0)
                    {
                        Console.WriteLine($"Pushed {pushed.EdgesPushed} local association change{(pushed.EdgesPushed == 1 ? "" : "s")}"
                            + (pushed.EdgesRejected > 0 ? $"; {pushed.EdgesRejected} rejected (reasons: spoke sync status)" : "")
                            + (pushed.EdgesRetrying > 0 ? $"; {pushed.EdgesRetrying} left pending after failed calls, sent again next time" : "")
                            + (pushed.EdgesWaiting > 0 ? $"; {pushed.EdgesWaiting} waiting for a local create they link to reach HubSpot" : "") + ".");
                    }

                    rejected = pushed.Rejected > 0 || pushed.EdgesRejected > 0;
                    if (pushed.Pushed + pushed.EdgesPushed > 0)
                    {
                        // HubSpot's own changes to what was pushed (hs_lastmodifieddate, calculated properties) come back in one more incremental pass.
                        Console.WriteLine("Reading the pushed records back:");
                        using var again = new SyncOutput(Console.Out, interactive: !Console.IsOutputRedirected);
                        var readBack = await again.RunAsync(progress => engine.RunAsync(progress, cancellationToken)).ConfigureAwait(false);
                        again.Summary(readBack);
                        run = readBack.Succeeded ? run : readBack;
                    }
                }

                return run.Succeeded && !rejected ? ExitCodes.Succeeded : ExitCodes.SomeTypesFailed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("Sync stopped; the next run resumes from the last committed page.");
                return ExitCodes.Cancelled;
            }
            catch (HubSpotApiException e) when (e.Status == 401)
            {
                Console.Error.WriteLine(AuthCommand.RefusedHint(e));
                return ExitCodes.Unauthorized;
            }
        });
        return command;
    }

    /// <summary><c>10%</c> or <c>0.1</c> as 0.1; null when it is neither, or not in [0, 1).</summary>
    internal static double? ParseShare(string text)
    {
        var value = text.Trim();
        var percent = value.EndsWith('%');
        if (percent)
        {
            value = value[..^1].TrimEnd();
        }

        if (!double.TryParse(value, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var share = percent ? number / 100 : number;
        return share is >= 0 and < 1 ? share : null;
    }
}
