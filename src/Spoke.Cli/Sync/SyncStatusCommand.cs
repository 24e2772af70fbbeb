using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spoke.Sync.Push;
using Spoke.Sync.Status;
using Spoke.Sync.Store;

namespace Spoke.Cli.Sync;

/// <summary><c>spoke sync status</c>: each object type's state in the mirror, its checkpoint and last run, and the last runs.</summary>
internal static class SyncStatusCommand
{
    public static Command Create()
    {
        var connection = new SyncConnectionOptions();
        var portalId = new Option<long?>("--portal-id")
        {
            Description = "The portal whose mirror to show (default: the token's portal; without a token, the embedded demo portal's)",
        };
        var objects = new Option<string[]>("--objects")
        {
            Description = "Object types to show even if never synced, comma-separated (every type with a checkpoint or in a logged run is shown anyway)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "contacts,companies,…",
        };
        var command = new Command("status", "Show each object type's sync state (never synced, backfilling, incremental, failed), its checkpoint and last run, and the last runs");
        connection.AddTo(command);
        command.Options.Add(portalId);
        command.Options.Add(objects);
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
            var status = await new SyncStatusReader(store).ReadAsync(portal, SyncConnectionOptions.SplitList(parse.GetValue(objects)), cancellationToken: cancellationToken).ConfigureAwait(false);
            Write(status, database);
            await WriteOutboxAsync(store, portal, cancellationToken).ConfigureAwait(false);
            var conflicts = await SyncConflicts.CountOpenAsync(store, portal, cancellationToken).ConfigureAwait(false);
            if (conflicts > 0)
            {
                Console.WriteLine($"open conflicts: {N(conflicts)} (local values held, not pushed) · list and resolve them with `spoke sync conflicts`");
            }
            await WriteEdgeOutboxAsync(store, portal, cancellationToken).ConfigureAwait(false);
            return SyncCommand.ExitCodes.Succeeded;
        });
        return command;
    }

    private static readonly string[] Columns = ["type", "state", "records", "tombstones", "checkpoint", "last run"];

    private static void Write(SyncPortalStatus status, SyncDatabase database)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        if (status.Types.Count == 0)
        {
            console.WriteLine($"Portal {status.PortalId}: never synced into {database}.");
        }
        else
        {
            var table = new Table().Title($"Portal {status.PortalId} in {Markup.Escape(database.ToString())}");
            foreach (var column in Columns)
            {
                table.AddColumn(column);
            }

            foreach (var type in status.Types)
            {
                table.AddRow(Markup.Escape(type.ObjectType), Markup.Escape(State(type)), N(type.Records), N(type.Tombstones),
                    Markup.Escape(Checkpoint(type)), Markup.Escape(LastRun(type.LastRun)));
            }

            console.Write(table);
        }

        foreach (var run in status.RecentRuns)
        {
            var finished = run.FinishedAt is { } f ? $", finished {U(f)}" : "";
            console.WriteLine($"run {run.RunId[..Math.Min(8, run.RunId.Length)]}: {run.Status.ToString().ToLowerInvariant()}, started {U(run.StartedAt)}{finished}{(run.Error is null ? "" : " · " + run.Error)}");
        }
    }

    private const int ChangesListed = 20;

    // Local changes waiting for `spoke sync --push`, and the ones HubSpot (or the capture) refused, with the reason.
    private static async Task WriteOutboxAsync(ISyncStore store, long portal, CancellationToken cancellationToken)
    {
        var counts = await SyncOutbox.CountAsync(store, portal, cancellationToken).ConfigureAwait(false);
        if (counts == default)
        {
            return;
        }

        Console.WriteLine($"local changes: {N(counts.Pending)} pending, {N(counts.Pushed)} pushed, {N(counts.Rejected)} rejected");
        foreach (var state in new[] { SyncChangeState.Pending, SyncChangeState.Rejected })
        {
            var changes = await SyncOutbox.ListAsync(store, portal, state, ChangesListed, cancellationToken).ConfigureAwait(false);
            foreach (var change in changes)
            {
                var what = change.Kind == SyncChangeKind.Delete ? "" : " " + string.Join(", ", change.Properties.Keys.Order(StringComparer.Ordinal));
                var reason = change.Reason is null ? "" : " · " + change.Reason;
                Console.WriteLine($"  {state.ToString().ToLowerInvariant()} #{change.ChangeId} {change.Kind.ToString().ToLowerInvariant()} {change.ObjectType} {change.RecordId}{what} (captured {U(change.CapturedAt)}){reason}");
            }

            var total = state == SyncChangeState.Pending ? counts.Pending : counts.Rejected;
            if (total > changes.Count)
            {
                Console.WriteLine($"  … and {N(total - changes.Count)} more {state.ToString().ToLowerInvariant()} (query sync_outbox)");
            }
        }
    }

    // Local association changes (rows added to or removed from sync_associations, or queued through SyncEdgeOutbox).
    private static async Task WriteEdgeOutboxAsync(ISyncStore store, long portal, CancellationToken cancellationToken)
    {
        var counts = await SyncEdgeOutbox.CountAsync(store, portal, cancellationToken).ConfigureAwait(false);
        if (counts == default)
        {
            return;
        }

        Console.WriteLine($"local edge changes: {N(counts.Pending)} pending, {N(counts.Pushed)} pushed, {N(counts.Rejected)} rejected");
        foreach (var state in new[] { SyncChangeState.Pending, SyncChangeState.Rejected })
        {
            var changes = await SyncEdgeOutbox.ListAsync(store, portal, state, ChangesListed, cancellationToken).ConfigureAwait(false);
            foreach (var change in changes)
            {
                var e = change.Edge;
                var what = change.Kind == SyncChangeKind.Delete ? "remove" : "add";
                var reason = change.Reason is null ? "" : " · " + change.Reason;
                Console.WriteLine($"  {state.ToString().ToLowerInvariant()} #{change.ChangeId} {what} {e.FromType} {e.FromId} → {e.ToType} {e.ToId} type {e.Category} {e.TypeId} (captured {U(change.CapturedAt)}){reason}");
            }

            var total = state == SyncChangeState.Pending ? counts.Pending : counts.Rejected;
            if (total > changes.Count)
            {
                Console.WriteLine($"  … and {N(total - changes.Count)} more {state.ToString().ToLowerInvariant()} (query sync_edge_outbox)");
            }
        }
    }

    private static string State(SyncTypeStatus type) => type.State switch
    {
        SyncTypeState.Failed => $"failed: {type.FailureReason}",
        SyncTypeState.Backfilling => "backfilling",
        SyncTypeState.Incremental => "incremental",
        _ => type.SkippedReason is { } skipped ? $"never synced (skipped: {skipped})" : "never synced",
    };

    private static string Checkpoint(SyncTypeStatus type)
    {
        if (type.ChangesSince is { } since)
        {
            return $"changes since {U(since)}";
        }

        if (type.CheckpointUpdatedAt is { } saved)
        {
            var started = type.BackfillStartedAt is { } s ? $"backfill from {U(s)}, " : "";
            return $"{started}{N(type.Records)} so far; page saved {U(saved)}";
        }

        return "";
    }

    private static string LastRun(SyncTypeLastRun? run)
    {
        if (run is null)
        {
            return "";
        }

        var c = run.Counts;
        var when = U(run.FinishedAt ?? run.StartedAt);
        if (c.SkippedReason is not null)
        {
            return $"{when} skipped";
        }

        var parts = new List<string> { "+" + Count(c.Records, "record") };
        foreach (var (count, what) in new[] { (c.Associations, "edge"), (c.Deletes, "delete"), (c.Merges, "merge") })
        {
            if (count > 0)
            {
                parts.Add(Count(count, what));
            }
        }

        parts.Add(Count(c.ApiCalls, "call"));
        return $"{when} {(c.Mode.Length == 0 ? "" : c.Mode + " ")}{string.Join(", ", parts)}";
    }

    private static string Count(long value, string what) => $"{N(value)} {what}{(value == 1 ? "" : "s")}";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string U(DateTimeOffset value) => value.ToString("u", CultureInfo.InvariantCulture);
}
