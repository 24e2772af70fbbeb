using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spoke.Cli.Auth;
using Spoke.Cli.Hosting;
using Spoke.Errors;
using Spoke.Sync.Store;
using Spoke.Sync.Verify;

namespace Spoke.Cli.Sync;

/// <summary>
/// <c>spoke sync verify</c>: compares the mirror with the portal (per type counts, ids on one side only, a sample of
/// property values) and prints the drift; exit code 0 only when there is none.
/// </summary>
internal static class SyncVerifyCommand
{
    private const int MaxValueLength = 60;

    public static Command Create()
    {
        var connection = new SyncConnectionOptions();
        var objects = new Option<string[]>("--objects")
        {
            Description = "Object types to compare, comma-separated (default: every type the mirror has synced)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "contacts,companies,…",
        };
        var sample = new Option<int>("--sample")
        {
            Description = "Records per type read back from the portal to compare property values",
            DefaultValueFactory = _ => 100,
        };
        var maxIds = new Option<int>("--max-ids")
        {
            Description = "Ids listed per type and side when they are present on one side only (the totals are always exact)",
            DefaultValueFactory = _ => 20,
        };
        var seedSize = new Option<int>("--seed-size") { Description = "Contacts in the embedded demo portal: the same as the `spoke sync` it checks", DefaultValueFactory = _ => 200 };
        foreach (var option in new[] { sample, maxIds })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 0)
                {
                    r.AddError($"{option.Name} must be 0 or more.");
                }
            });
        }

        var command = new Command("verify", "Compare the mirror with the portal and print the drift (exit code 0 only when there is none)")
        {
            objects, sample, maxIds, seedSize,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var cancellationToken = signals.Token;
            if (!connection.TryParseDatabase(parse, out var database, out var error))
            {
                Console.Error.WriteLine(error);
                return SyncCommand.ExitCodes.BadInput;
            }

            if (database!.Kind == SyncDatabaseKind.Sqlite && !File.Exists(database.Target))
            {
                Console.Error.WriteLine($"{database}: no mirror there. Run `spoke sync` first, or pass the --database it wrote.");
                return SyncCommand.ExitCodes.BadInput;
            }

            var options = new SyncVerifyOptions { SampleSize = parse.GetValue(sample), MaxIdsListed = parse.GetValue(maxIds) };
            foreach (var type in SyncConnectionOptions.SplitList(parse.GetValue(objects)))
            {
                options.ObjectTypes.Add(type);
            }

            await using var target = await connection.ConnectAsync(parse, parse.GetValue(seedSize), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(target.Source is null
                ? $"No HubSpot credentials: comparing {database} with a freshly seeded embedded demo portal (the same one `spoke sync` mirrors). To verify your portal, set HUBSPOT_ACCESS_TOKEN (or pass --token)."
                : $"Comparing {database} with {target.Source}.");
            await using var store = await database.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await new SyncVerifier(target.Client, store, options).VerifyAsync(null, cancellationToken).ConfigureAwait(false);
                Print(result, database);
                return result.HasDrift ? SyncCommand.ExitCodes.SomeTypesFailed : SyncCommand.ExitCodes.Succeeded;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("Verify stopped.");
                return SyncCommand.ExitCodes.Cancelled;
            }
            catch (HubSpotApiException e) when (e.Status == 401)
            {
                Console.Error.WriteLine(AuthCommand.RefusedHint(e));
                return SyncCommand.ExitCodes.Unauthorized;
            }
        });
        return command;
    }

    private static void Print(SyncVerifyResult result, SyncDatabase database)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;
        }

        if (result.Types.Count == 0)
        {
            console.WriteLine($"Portal {result.PortalId}: nothing synced into {database} yet, so nothing to compare. Run `spoke sync` first.");
            return;
        }

        var table = new Table().Title($"Portal {result.PortalId} vs {Markup.Escape(database.ToString())}");
        foreach (var column in Columns)
        {
            table.AddColumn(column);
        }

        foreach (var t in result.Types)
        {
            table.AddRow(Markup.Escape(t.ObjectType), N(t.PortalCount), N(t.MirrorCount), N(t.PortalOnlyCount), N(t.MirrorOnlyCount),
                N(t.Sampled), N(t.Differences.Count),
                Markup.Escape(t.SkippedReason is not null ? "skipped: " + t.SkippedReason : t.HasDrift ? "DRIFT" : "ok"));
        }

        console.Write(table);
        foreach (var t in result.Types.Where(t => t.HasDrift))
        {
            if (t.PortalOnlyCount > 0)
            {
                console.WriteLine($"{t.ObjectType}: {N(t.PortalOnlyCount)} only in the portal{More(t.PortalOnly.Count, t.PortalOnlyCount)}: {string.Join(", ", t.PortalOnly)}");
            }

            if (t.MirrorOnlyCount > 0)
            {
                console.WriteLine($"{t.ObjectType}: {N(t.MirrorOnlyCount)} only in the mirror{More(t.MirrorOnly.Count, t.MirrorOnlyCount)}: {string.Join(", ", t.MirrorOnly)}");
            }

            foreach (var d in t.Differences)
            {
                console.WriteLine($"{t.ObjectType} {d.Id} {d.Property}: mirror {Value(d.MirrorValue)}, portal {Value(d.PortalValue)}");
            }
        }

        var drifted = result.Types.Where(t => t.HasDrift).Select(t => t.ObjectType).ToList();
        console.WriteLine(drifted.Count == 0
            ? "No drift: the mirror matches the portal."
            : $"Drift in {string.Join(", ", drifted)}. Run `spoke sync` to catch up (`--full` to read everything again).");
    }

    private static readonly string[] Columns = ["type", "portal", "mirror", "portal only", "mirror only", "sampled", "values differing", "result"];

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string More(int listed, long total) => listed < total ? $" (the first {listed})" : "";

    private static string Value(string? value) => value is null ? "(none)"
        : value.Length > MaxValueLength ? $"\"{value[..MaxValueLength]}…\"" : $"\"{value}\"";
}
