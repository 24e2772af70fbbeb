using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spoke.Cli.Auth;
using Spoke.Cli.Portal;
using Spoke.Cli.Sync;
using Spoke.DataTools.Export;
using Spoke.Errors;

namespace Spoke.Cli.Export;

/// <summary>
/// <c>spoke export OBJECT</c>: streams one object's records to a CSV or JSONL file (or stdout), with a progress bar on
/// a terminal and a summary at the end.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var portal = new PortalOptions();
        var objectType = new Argument<string>("OBJECT") { Description = "The object to export: contacts, companies, deals, tickets, …, or a custom object (p_name or 2-N)" };
        var properties = new Option<string[]>("--properties")
        {
            Description = "Properties to export (internal names), comma-separated or repeated, in column order; all (the default) for every property the object defines",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "a,b,c|all",
        };
        var filters = new Option<string[]>("--filter")
        {
            Description = "Only records where PROPERTY OPERATOR VALUE holds, repeatable (ANDed): lifecyclestage=customer, amount>1000, hs_lastmodifieddate>=2026-01-01, email~*@acme.com; operators = != > >= < <= ~ (contains) !~; PROPERTY=* has a value, PROPERTY!=* has none",
            HelpName = "FILTER",
        };
        var associations = new Option<string[]>("--associations")
        {
            Description = "Object types whose associated record ids to add, comma-separated: a ;-joined column each in CSV (associations.TYPE), arrays in JSONL",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "companies,deals",
        };
        var archived = new Option<bool>("--archived") { Description = "Export the archived records (HubSpot's recycle bin, 90 days) instead of the live ones; not with --filter" };
        var format = new Option<string>("--format")
        {
            Description = "csv (RFC 4180, header of property names, record id first) or jsonl (one JSON object per record)",
            HelpName = "csv|jsonl",
            DefaultValueFactory = _ => "csv",
        };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var via = new Option<string>("--via")
        {
            Description = "direct: the list or search API, streamed page by page; exports-api: one request to HubSpot's asynchronous export, polled to its end, then downloaded (CSV; not --archived; one --associations type)",
            HelpName = "direct|exports-api",
            DefaultValueFactory = _ => "direct",
        };
        via.AcceptOnlyFromAmong("direct", "exports-api");
        var output = new Option<string?>("--out") { Description = "The file to write (replaced when the export completes); stdout when not given", HelpName = "FILE" };

        var command = new Command("export", "Stream one object's records to a CSV or JSONL file, in constant memory, past 10,000 records");
        command.Arguments.Add(objectType);
        command.Options.Add(properties);
        command.Options.Add(filters);
        command.Options.Add(associations);
        command.Options.Add(archived);
        command.Options.Add(format);
        command.Options.Add(via);
        command.Options.Add(output);
        portal.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var names = SyncConnectionOptions.SplitList(parse.GetValue(properties)).ToList();
            var options = new ExportOptions
            {
                Format = parse.GetValue(format) == "jsonl" ? ExportFormat.Jsonl : ExportFormat.Csv,
                Properties = names is ["all"] ? [] : names,
                Filters = parse.GetValue(filters) ?? [],
                Associations = [.. SyncConnectionOptions.SplitList(parse.GetValue(associations))],
                Archived = parse.GetValue(archived),
            };
            if (names.Count > 1 && names.Contains("all"))
            {
                Console.Error.WriteLine("--properties: give either all or a list of property names, not both.");
                return SyncCommand.ExitCodes.BadInput;
            }

            var path = parse.GetValue(output) is { Length: > 0 } o ? Path.GetFullPath(o) : null;
            // With stdout carrying the records, everything else goes to stderr.
            var messages = path is null ? Console.Error : Console.Out;
            await using var target = await portal.ConnectAsync(parse, messages, cancellationToken).ConfigureAwait(false);

            var type = parse.GetValue(objectType)!;
            var exporter = new RecordExporter(target.Client);
            try
            {
                // Checked before a file is created: a typo leaves nothing behind.
                await exporter.ResolvePropertiesAsync(type, options, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(via) == "exports-api")
                {
                    return await ViaExportsApiAsync(target.Client, type, path, options, messages, cancellationToken).ConfigureAwait(false);
                }

                ExportResult result;
                if (path is null)
                {
                    await using var stdout = Console.OpenStandardOutput();
                    result = await exporter.ExportAsync(type, stdout, options, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    result = await ToFileAsync(exporter, type, path, options, cancellationToken).ConfigureAwait(false);
                }

                messages.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Exported {result.Records:N0} {type} record{(result.Records == 1 ? "" : "s")} ({result.Properties.Count:N0} properties) in {result.Elapsed.TotalSeconds:0.0} s, {result.RecordsPerSecond:N0} records/s, to {path ?? "stdout"}."));
                return SyncCommand.ExitCodes.Succeeded;
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return SyncCommand.ExitCodes.BadInput;
            }
            catch (HubSpotApiException e) when (e.Status == 401)
            {
                Console.Error.WriteLine(AuthCommand.RefusedHint(e));
                return SyncCommand.ExitCodes.Unauthorized;
            }
            catch (HubSpotApiException e) when (e.Status is 400 or 404)
            {
                Console.Error.WriteLine($"HubSpot refused the export ({e.Status}: {e.Message}). Check the object type (e.g. contacts, or a custom object's p_name) and --associations.");
                return SyncCommand.ExitCodes.BadInput;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine(path is null ? "Export stopped." : $"Export stopped; {path} was left as it was.");
                return SyncCommand.ExitCodes.Cancelled;
            }
        });
        return command;
    }

    private static async Task<int> ViaExportsApiAsync(HubSpotClient client, string type, string? path, ExportOptions options, TextWriter messages, CancellationToken cancellationToken)
    {
        var exporter = new ExportsApiExporter(client);
        void Started(string id) => messages.WriteLine($"HubSpot accepted export task {id}; waiting for its file.");
        ExportsApiResult result;
        if (path is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            result = await exporter.ExportAsync(type, stdout, options, Started, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var partial = path + ".partial";
            try
            {
                await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                {
                    result = await exporter.ExportAsync(type, file, options, Started, cancellationToken).ConfigureAwait(false);
                }

                File.Move(partial, path, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
        }

        messages.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Exported {type} through HubSpot's Exports API (task {result.TaskId}): {result.Bytes / 1048576.0:0.0} MiB in {result.Elapsed.TotalSeconds:0.0} s, to {path ?? "stdout"}."));
        return SyncCommand.ExitCodes.Succeeded;
    }

    // Written beside the file and moved over it at the end, so an interrupted export never looks like a complete one.
    private static async Task<ExportResult> ToFileAsync(RecordExporter exporter, string type, string path, ExportOptions options, CancellationToken cancellationToken)
    {
        var partial = path + ".partial";
        try
        {
            ExportResult result;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                result = Console.IsOutputRedirected
                    ? await exporter.ExportAsync(type, file, WithProgress(options, new PlainProgress(type)), cancellationToken).ConfigureAwait(false)
                    : await LiveAsync(exporter, type, file, options, cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, path, overwrite: true);
            return result;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    private static async Task<ExportResult> LiveAsync(RecordExporter exporter, string type, Stream file, ExportOptions options, CancellationToken cancellationToken)
    {
        ExportResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(type), autoStart: true, maxValue: 1);
                task.IsIndeterminate = true;
                result = await exporter.ExportAsync(type, file, WithProgress(options, new LiveProgress(task, type)), cancellationToken).ConfigureAwait(false);
                task.Value = task.MaxValue;
                task.StopTask();
            }).ConfigureAwait(false);
        return result!;
    }

    private static ExportOptions WithProgress(ExportOptions options, IProgress<ExportProgress> progress) => new()
    {
        Format = options.Format,
        Properties = options.Properties,
        Filters = options.Filters,
        Associations = options.Associations,
        Archived = options.Archived,
        Progress = progress,
    };

    private static string Describe(string type, ExportProgress value) => value.Total is { } total
        ? string.Create(CultureInfo.InvariantCulture, $"{type}: {value.Records:N0} of about {total:N0} records")
        : string.Create(CultureInfo.InvariantCulture, $"{type}: {value.Records:N0} records");

    /// <summary>A line at the start and every 10,000 records (output redirected: a log, not a bar).</summary>
    private sealed class PlainProgress(string type) : IProgress<ExportProgress>
    {
        private long _next;

        public void Report(ExportProgress value)
        {
            if (value.Records >= _next)
            {
                _next = value.Records + 10_000;
                Console.WriteLine(Describe(type, value));
            }
        }
    }

    private sealed class LiveProgress(ProgressTask task, string type) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value)
        {
            task.Description = Markup.Escape(Describe(type, value));
            if (value.Total is > 0 and var total)
            {
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(total, value.Records);
                task.Value = value.Records;
            }
        }
    }
}
