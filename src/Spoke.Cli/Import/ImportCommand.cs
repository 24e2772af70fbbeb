using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Spoke.Cli.Auth;
using Spoke.Cli.Hosting;
using Spoke.Cli.Portal;
using Spoke.DataTools.Import;
using Spoke.DataTools.Journal;
using Spoke.DataTools.Mapping;
using Spoke.Errors;
using Spoke.Imports;

namespace Spoke.Cli.Import;

/// <summary>
/// <c>spoke import</c>: validates a CSV against a map and the portal, writes it with a journal (resumable after a crash),
/// and rolls it back; <c>init</c> writes a starting map, <c>list</c> and <c>show</c> report what imports did.
/// </summary>
internal static partial class ImportCommand
{
    /// <summary>Exit codes a script can act on.</summary>
    internal static class ExitCodes
    {
        public const int Succeeded = 0;
        public const int SomeRowsRejected = 1;
        public const int BadInput = 2;
        public const int Unauthorized = 3;
        public const int Cancelled = 130;
    }

    public static Command Create()
    {
        var objectType = new Argument<string>("OBJECT") { Description = "The object the rows become: contacts, companies, deals, tickets, a custom object's name or 2-N id" };
        var file = new Argument<string>("FILE") { Description = "The CSV file (first line: the header)" };
        var map = new Option<string?>("--map") { Description = "The mapping file (JSON; `spoke import init` writes a starting one)", HelpName = "MAP.json" };
        var upsertBy = new Option<string?>("--upsert-by") { Description = "The unique property rows are matched by, overriding the map's upsertBy (e.g. email); without one every row is created", HelpName = "PROPERTY" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate everything and print the full report (rejected rows and reasons, properties to create); write nothing" };
        var journal = JournalOption();
        var via = new Option<string>("--via")
        {
            Description = "direct: batch calls at the rate-limit ceiling, journalled, resumable, reversible; imports-api: one upload to HubSpot's asynchronous Imports API, polled to its end (for very large files; no journal, no rollback)",
            HelpName = "direct|imports-api",
            DefaultValueFactory = _ => "direct",
        };
        via.AcceptOnlyFromAmong("direct", "imports-api");
        var rejects = new Option<string?>("--rejects") { Description = "Where rejected rows go (default FILE.rejects.csv next to FILE.csv)", HelpName = "PATH" };
        var portal = new PortalOptions();
        var command = new Command("import", "Import a CSV into HubSpot: mapped and validated before anything is written, journalled, resumable after a crash, and reversible (rollback)")
        {
            objectType, file, map, upsertBy, dryRun, via, journal, rejects,
        };
        portal.AddTo(command);
        command.Subcommands.Add(CreateInit());
        command.Subcommands.Add(CreateRollback());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateShow());
        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var cancellationToken = signals.Token;
            var csv = parse.GetValue(file)!;
            if (!File.Exists(csv))
            {
                return BadInput($"The file {csv} does not exist; give the path of the CSV to import.");
            }

            if (parse.GetValue(map) is not { } mapPath)
            {
                return BadInput($"Give the mapping file with --map MAP.json; `spoke import init {csv} --object {parse.GetValue(objectType)}` writes a starting one.");
            }

            if (!File.Exists(mapPath))
            {
                return BadInput($"The mapping file {mapPath} does not exist; `spoke import init {csv} --object {parse.GetValue(objectType)} --out {mapPath}` writes one.");
            }

            ImportMap importMap;
            try
            {
                importMap = await ImportMap.LoadAsync(mapPath, cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                return BadInput($"The mapping file {mapPath} cannot be used: {e.Message}");
            }

            await using var target = await portal.ConnectAsync(parse, Console.Out, cancellationToken).ConfigureAwait(false);

            try
            {
                ImportPlan plan;
                try
                {
                    plan = await ImportPlanner.PrepareAsync(target.Client, importMap, parse.GetValue(objectType)!, csv,
                        new ImportPlanOptions { UpsertBy = parse.GetValue(upsertBy) }, cancellationToken).ConfigureAwait(false);
                }
                catch (FormatException e)
                {
                    return BadInput($"The map does not fit this file or portal: {e.Message}");
                }

                if (parse.GetValue(dryRun))
                {
                    return await DryRunAsync(target.Client, plan, cancellationToken).ConfigureAwait(false);
                }

                if (parse.GetValue(via) == "imports-api")
                {
                    return await ViaImportsApiAsync(target.Client, plan, parse.GetValue(rejects), cancellationToken).ConfigureAwait(false);
                }

                var journalPath = parse.GetValue(journal)!;
                await using var importJournal = await ImportJournal.OpenAsync(journalPath, cancellationToken: cancellationToken).ConfigureAwait(false);
                var importer = new Importer(target.Client, importJournal, new ImportOptions { RejectsPath = parse.GetValue(rejects) });
                using var requests = new RequestCounter();
                var result = await ImportOutput.RunAsync(!Console.IsOutputRedirected, EstimateRows(csv),
                    progress => importer.RunAsync(plan, progress, cancellationToken)).ConfigureAwait(false);
                Summary(result, journalPath, requests);
                return result.Rejected > 0 ? ExitCodes.SomeRowsRejected : ExitCodes.Succeeded;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("Import stopped. Everything written is journalled: run the same command again to resume it.");
                return ExitCodes.Cancelled;
            }
            catch (HubSpotApiException e) when (e.Status is 401 or 403)
            {
                Console.Error.WriteLine(AuthCommand.RefusedHint(e));
                return ExitCodes.Unauthorized;
            }
            catch (Exception e) when (e is HubSpotApiException or HubSpotTransportException)
            {
                Console.Error.WriteLine($"HubSpot failed ({e.Message}). Everything written is journalled: run the same command again to resume the import.");
                return ExitCodes.SomeRowsRejected;
            }
        });
        return command;
    }

    private static async Task<int> ViaImportsApiAsync(HubSpotClient client, ImportPlan plan, string? rejectsPath, CancellationToken cancellationToken)
    {
        ImportsApiResult result;
        try
        {
            result = await new ImportsApiImporter(client).RunAsync(plan, rejectsPath,
                id => Console.WriteLine($"HubSpot accepted the upload as import {id}; waiting for it to finish (Ctrl+C stops waiting, not the import)."),
                cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            return BadInput(e.Message);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"HubSpot import {result.HubSpotImportId}: {result.State}. Rows: {result.Rows:N0}; sent: {result.Sent:N0}; created: {result.Created:N0}; updated: {result.Updated:N0}; rejected: {result.Rejected:N0}; {result.Elapsed.TotalSeconds:0.0} s."));
        if (result.RejectsPath is { } path)
        {
            Console.WriteLine($"Rejected rows, with every reason: {path}");
        }

        Console.WriteLine("An import through HubSpot's Imports API has no Spoke journal: HubSpot's API cannot revert it, so `spoke import rollback` does not apply. Running the same command again updates what it created (rows are matched), never duplicates.");
        return result.State != ImportState.Done ? ExitCodes.SomeRowsRejected
            : result.Rejected > 0 ? ExitCodes.SomeRowsRejected : ExitCodes.Succeeded;
    }

    private static Option<string> JournalOption() => new("--journal")
    {
        Description = $"The import journal (SQLite; default {ImportJournal.DefaultFileName} in the working directory)",
        HelpName = "PATH",
        DefaultValueFactory = _ => ImportJournal.DefaultFileName,
    };

    private static int BadInput(string message)
    {
        Console.Error.WriteLine(message);
        return ExitCodes.BadInput;
    }

    /// <summary>Lines after the header: the progress bar's length (a quoted field spanning lines makes it an overestimate).</summary>
    private static long EstimateRows(string csv)
    {
        using var reader = new StreamReader(csv);
        var lines = 0L;
        while (reader.ReadLine() is not null)
        {
            lines++;
        }

        return Math.Max(0, lines - 1);
    }

    private static async Task<int> DryRunAsync(HubSpotClient client, ImportPlan plan, CancellationToken cancellationToken)
    {
        long rows = 0, valid = 0;
        var rejected = new List<PreparedRow>();
        // The planner's checks, then the association targets' (read-only lookups).
        await foreach (var row in Importer.CheckAsync(client, plan, cancellationToken).ConfigureAwait(false))
        {
            rows++;
            if (row.IsValid)
            {
                valid++;
            }
            else
            {
                rejected.Add(new PreparedRow { LineNumber = row.LineNumber, SourceFields = [], Problems = row.Problems });
            }
        }

        Console.WriteLine($"Dry run of {plan.FilePath} into {plan.ObjectType}{(plan.UpsertBy is { } by ? $" by {by}" : " (every row created)")}: nothing was written.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Rows: {rows:N0}; valid: {valid:N0}; rejected: {rejected.Count:N0}."));
        var create = plan.PropertiesToCreate.Select(p => $"{p.Name} ({p.Type})").ToList();
        if (plan.UpsertBy is null)
        {
            create.Add($"{Importer.ImportKeyProperty} (hidden, unique: what creates are written by, so a resent batch never duplicates; created if missing)");
        }

        Console.WriteLine(create.Count == 0 ? "Properties to create: none." : "Properties to create: " + string.Join(", ", create) + ".");
        if (rejected.Count > 0)
        {
            Console.WriteLine("Rejected rows by reason:");
            foreach (var group in rejected.SelectMany(r => r.Problems).GroupBy(ReasonKind).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {group.Count(),6:N0} × {group.Key}"));
            }

            Console.WriteLine("Rejected rows:");
            foreach (var row in rejected)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  line {row.LineNumber:N0}: {string.Join("; ", row.Problems)}"));
            }
        }

        return rejected.Count > 0 ? ExitCodes.SomeRowsRejected : ExitCodes.Succeeded;
    }

    /// <summary>A reason with its quoted values and line numbers blanked, so rows rejected for the same rule count together.</summary>
    internal static string ReasonKind(string reason) => LineNumbers().Replace(QuotedValues().Replace(reason, "…"), "line …");

    [GeneratedRegex("\"[^\"]*\"|'[^']*'")]
    private static partial Regex QuotedValues();

    [GeneratedRegex(@"line \d+")]
    private static partial Regex LineNumbers();

    private static void Summary(ImportResult result, string journalPath, RequestCounter requests)
    {
        var rejected = result.Rejected > 0 ? string.Create(CultureInfo.InvariantCulture, $"{result.Rejected:N0} rejected (see {result.RejectsPath})") : "0 rejected";
        if (result.ResumedAtLine is { } line)
        {
            Console.WriteLine(ImportOutput.Resuming(result.ImportId, line) + ": done.");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Import {result.ImportId}: {result.Rows:N0} rows, {result.Created:N0} created, {result.Updated:N0} updated, {rejected}, {result.Associations:N0} associations; {result.Elapsed.TotalSeconds:0.0} s, {result.RecordsPerSecond:N0} records/s, {requests.Requests:N0} HTTP requests, {requests.RateLimited:N0} × 429."));
        var journal = journalPath == ImportJournal.DefaultFileName ? "" : $" --journal {journalPath}";
        Console.WriteLine($"To undo it: spoke import rollback {result.ImportId}{journal}");
    }

    private static Command CreateInit()
    {
        var file = new Argument<string>("FILE") { Description = "The CSV file" };
        var objectType = new Option<string>("--object") { Description = "The object the rows become (contacts, companies, …)", Required = true, HelpName = "OBJECT" };
        var output = new Option<string?>("--out") { Description = "Where to write the map (default FILE.map.json next to FILE.csv); an existing file is not overwritten", HelpName = "MAP.json" };
        var portal = new PortalOptions();
        var command = new Command("init", "Write a starting map for a CSV by matching its headers to the portal's properties (by name, then label)") { file, objectType, output };
        portal.AddTo(command);
        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var csv = parse.GetValue(file)!;
            if (!File.Exists(csv))
            {
                return BadInput($"The file {csv} does not exist; give the path of the CSV to map.");
            }

            var path = parse.GetValue(output) ?? Path.ChangeExtension(csv, null) + ".map.json";
            if (File.Exists(path))
            {
                return BadInput($"{path} exists; pass --out to write the map elsewhere, or delete it first.");
            }

            await using var target = await portal.ConnectAsync(parse, Console.Out, signals.Token).ConfigureAwait(false);

            try
            {
                var generated = await ImportMapGenerator.GenerateAsync(target.Client, parse.GetValue(objectType)!, csv, signals.Token).ConfigureAwait(false);
                await generated.SaveAsync(path, signals.Token).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                return BadInput($"Cannot map {csv}: {e.Message}");
            }

            Console.WriteLine($"Wrote {path}: review it (columns without a property are left out), then run `spoke import {parse.GetValue(objectType)} {csv} --map {path} --dry-run`.");
            return ExitCodes.Succeeded;
        });
        return command;
    }

    private static Command CreateRollback()
    {
        var id = new Argument<long>("ID") { Description = "The import's number (spoke import list)" };
        var force = new Option<bool>("--force") { Description = "Restore the previous values even of properties changed by someone else since the import" };
        var journal = JournalOption();
        var portal = new PortalOptions();
        var command = new Command("rollback", "Undo an import: archive the records it created, restore the values it changed, remove the associations it added") { id, force, journal };
        portal.AddTo(command);
        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var journalPath = parse.GetValue(journal)!;
            if (!File.Exists(journalPath))
            {
                return BadInput($"No import journal at {journalPath}; pass --journal with the one the import wrote.");
            }

            await using var importJournal = await ImportJournal.OpenAsync(journalPath, cancellationToken: signals.Token).ConfigureAwait(false);
            await using var target = await portal.ConnectAsync(parse, Console.Out, signals.Token).ConfigureAwait(false);

            try
            {
                var result = await new ImportRollback(target.Client, importJournal).RunAsync(parse.GetValue(id), parse.GetValue(force), signals.Token).ConfigureAwait(false);
                if (result.AlreadyRolledBack)
                {
                    Console.WriteLine($"Import {result.ImportId} was rolled back already; nothing to do.");
                    return ExitCodes.Succeeded;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Rolled back import {result.ImportId}: {result.Archived:N0} created records archived, {result.Restored:N0} records restored, {result.AssociationsRemoved:N0} associations removed."));
                if (result.Conflicts.Count > 0)
                {
                    Console.WriteLine($"{result.Conflicts.Count} propert{(result.Conflicts.Count == 1 ? "y was" : "ies were")} changed by someone else since the import and left as they are (--force restores them):");
                    foreach (var c in result.Conflicts)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  line {c.Line:N0}, record {c.RecordId}: {c.Property}"));
                    }

                    return ExitCodes.SomeRowsRejected;
                }

                return ExitCodes.Succeeded;
            }
            catch (ArgumentException e)
            {
                return BadInput(e.Message);
            }
            catch (InvalidOperationException e)
            {
                return BadInput(e.Message);
            }
            catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
            {
                Console.Error.WriteLine("Rollback stopped; run it again to finish it.");
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (e is HubSpotApiException or HubSpotTransportException)
            {
                Console.Error.WriteLine($"HubSpot failed ({e.Message}); run the rollback again to finish it.");
                return ExitCodes.SomeRowsRejected;
            }
        });
        return command;
    }

    private static Command CreateList()
    {
        var journal = JournalOption();
        var command = new Command("list", "List the imports in the journal: what each did and whether it was rolled back") { journal };
        command.SetAction(async (parse, commandToken) =>
        {
            var journalPath = parse.GetValue(journal)!;
            if (!File.Exists(journalPath))
            {
                Console.WriteLine($"No imports yet (no journal at {journalPath}).");
                return ExitCodes.Succeeded;
            }

            await using var importJournal = await ImportJournal.OpenAsync(journalPath, cancellationToken: commandToken).ConfigureAwait(false);
            var imports = await importJournal.ListAsync(commandToken).ConfigureAwait(false);
            Console.WriteLine($"{"id",4}  {"state",-10} {"object",-12} {"rows",8} {"created",8} {"updated",8} {"rejected",8} {"assoc.",7}  {"started (UTC)",-19}  {"rolled back",-11}  file");
            foreach (var i in imports)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{i.Id,4}  {i.State,-10} {i.ObjectType,-12} {i.Rows,8:N0} {i.Created,8:N0} {i.Updated,8:N0} {i.Rejected,8:N0} {i.Associations,7:N0}  {i.StartedAt.UtcDateTime,-19:yyyy-MM-dd HH:mm:ss}  {RolledBack(i),-11}  {i.FilePath}"));
            }

            if (imports.Count == 0)
            {
                Console.WriteLine("No imports yet.");
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }

    private static string RolledBack(ImportSummary i) => i.RollbackState switch
    {
        "done" => "yes",
        "running" => "unfinished",
        _ => "no",
    };

    private static Command CreateShow()
    {
        var id = new Argument<long>("ID") { Description = "The import's number (spoke import list)" };
        var journal = JournalOption();
        var command = new Command("show", "Show what one import did") { id, journal };
        command.SetAction(async (parse, commandToken) =>
        {
            var journalPath = parse.GetValue(journal)!;
            if (!File.Exists(journalPath))
            {
                return BadInput($"No import journal at {journalPath}; pass --journal with the one the import wrote.");
            }

            await using var importJournal = await ImportJournal.OpenAsync(journalPath, cancellationToken: commandToken).ConfigureAwait(false);
            if (await importJournal.GetAsync(parse.GetValue(id), commandToken).ConfigureAwait(false) is not { } i)
            {
                return BadInput($"The journal {journalPath} has no import {parse.GetValue(id)}; `spoke import list` shows the imports it has.");
            }

            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"Import {i.Id}: {i.ObjectType} from {i.FilePath}");
            Console.WriteLine($"  file SHA-256:  {i.FileSha256}");
            Console.WriteLine($"  upsert by:     {i.UpsertBy ?? $"(none: created, written by {Importer.ImportKeyProperty})"}");
            Console.WriteLine($"  state:         {i.State}{(i.State == "running" ? " (unfinished: run the same import command again to resume it)" : "")}");
            Console.WriteLine($"  started:       {i.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", inv)} UTC");
            Console.WriteLine($"  finished:      {(i.FinishedAt is { } f ? f.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", inv) + " UTC" : "-")}");
            Console.WriteLine(string.Create(inv, $"  rows:          {i.Rows:N0} ({i.Created:N0} created, {i.Updated:N0} updated, {i.Rejected:N0} rejected{(i.Pending > 0 ? $", {i.Pending:N0} sent without an answer" : "")})"));
            Console.WriteLine(string.Create(inv, $"  associations:  {i.Associations:N0}"));
            Console.WriteLine($"  rolled back:   {RolledBack(i)}{(i.RolledBackAt is { } r ? " at " + r.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", inv) + " UTC" : "")}");
            foreach (var c in i.RollbackConflicts)
            {
                Console.WriteLine(string.Create(inv, $"    left as changed since: line {c.Line:N0}, record {c.RecordId}: {c.Property}"));
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }
}
