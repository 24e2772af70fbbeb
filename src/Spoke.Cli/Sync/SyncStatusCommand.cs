using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;

namespace Spoke.Cli.Sync;

/// <summary><c>spoke sync status</c>: each object type's state in the mirror, its checkpoint, and the last runs.</summary>
internal static class SyncStatusCommand
{
    public static Command Create()
    {
        var connection = new SyncConnectionOptions();
        var portalId = new Option<long?>("--portal-id")
        {
            Description = "The portal whose mirror to show (default: the token's portal; without a token, the embedded demo portal's)",
        };
        var command = new Command("status", "Show each object type's sync state (never synced, backfilling, incremental, failed), its checkpoint and the last runs");
        connection.AddTo(command);
        command.Options.Add(portalId);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!connection.TryParseDatabase(parse, out var database, out var error))
            {
                Console.Error.WriteLine(error);
                return SyncCommand.ExitCodes.BadInput;
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

            if (database!.Kind == SyncDatabaseKind.Sqlite && !File.Exists(database.Target))
            {
                Console.WriteLine($"{database}: no mirror yet. Run `spoke sync` first.");
                return SyncCommand.ExitCodes.Succeeded;
            }

            await using var store = await database.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var checkpoints = await store.ListCheckpointsAsync(portal, cancellationToken).ConfigureAwait(false);
            var runs = await store.GetRecentRunsAsync(portal, 5, cancellationToken).ConfigureAwait(false);
            var types = checkpoints.Select(c => c.ObjectType).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();

            var table = new Table().Title($"Portal {portal} in {Markup.Escape(database.ToString())}");
            foreach (var column in Columns)
            {
                table.AddColumn(column);
            }

            var lastFailures = LastFailures(runs);
            foreach (var type in types)
            {
                var counts = await store.CountAsync(portal, type, cancellationToken).ConfigureAwait(false);
                var backfill = checkpoints.FirstOrDefault(c => c.ObjectType == type && c.Stream == "backfill");
                var incremental = checkpoints.FirstOrDefault(c => c.ObjectType == type && c.Stream == "incremental");
                var state = incremental is not null ? "incremental" : backfill is not null ? "backfilling" : "never synced";
                if (lastFailures.TryGetValue(type, out var failure))
                {
                    state = $"failed: {failure}";
                }

                var checkpoint = incremental is not null
                    ? "changes since " + Since(incremental.Value)
                    : backfill is not null ? "backfill resumes at its last committed page" : "";
                var updated = (incremental ?? backfill)?.UpdatedAt.ToString("u", CultureInfo.InvariantCulture) ?? "";
                table.AddRow(Markup.Escape(type), Markup.Escape(state), N(counts.Live), N(counts.Archived), Markup.Escape(checkpoint), updated);
            }

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
            if (types.Count == 0)
            {
                console.WriteLine($"Portal {portal}: never synced into {database}.");
            }
            else
            {
                console.Write(table);
            }

            foreach (var run in runs)
            {
                var finished = run.FinishedAt is { } f ? $", finished {f.ToString("u", CultureInfo.InvariantCulture)}" : "";
                console.WriteLine($"run {run.RunId[..8]}: {run.Status.ToString().ToLowerInvariant()}, started {run.StartedAt.ToString("u", CultureInfo.InvariantCulture)}{finished}{(run.Error is null ? "" : " · " + run.Error)}");
            }

            return SyncCommand.ExitCodes.Succeeded;
        });
        return command;
    }

    private static readonly string[] Columns = ["type", "state", "records", "tombstones", "checkpoint", "updated"];

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Since(string incrementalJson)
    {
        using var doc = JsonDocument.Parse(incrementalJson);
        return doc.RootElement.TryGetProperty("sinceMs", out var ms) && ms.TryGetInt64(out var value)
            ? DateTimeOffset.FromUnixTimeMilliseconds(value).ToString("u", CultureInfo.InvariantCulture)
            : "?";
    }

    /// <summary>The reason per type from the newest run, when that run failed them.</summary>
    private static Dictionary<string, string> LastFailures(IReadOnlyList<SyncRunEntry> runs)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (runs.Count > 0 && runs[0].Status == SyncRunStatus.Failed && runs[0].Error is { } error)
        {
            foreach (var part in error.Split("; ", StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = part.IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0)
                {
                    result[part[..colon]] = part[(colon + 2)..];
                }
            }
        }

        return result;
    }
}
