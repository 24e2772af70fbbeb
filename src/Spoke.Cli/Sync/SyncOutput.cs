using System.Diagnostics.Metrics;
using System.Globalization;
using Spectre.Console;
using Spoke.Sync.Engine;

namespace Spoke.Cli.Sync;

/// <summary>
/// What <c>spoke sync</c> prints: live progress per object type on a terminal (Spectre.Console), a line per event when
/// output is redirected, and a summary table at the end. Counts HubSpot's 429s through the client's meter.
/// </summary>
internal sealed class SyncOutput(TextWriter plain, bool interactive) : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _requests;
    private long _rateLimited;

    public async Task<SyncRunResult> RunAsync(Func<IProgress<SyncProgress>, Task<SyncRunResult>> run)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Spoke" && instrument.Name is "spoke.hubspot.requests" or "spoke.hubspot.rate_limited")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "spoke.hubspot.rate_limited")
            {
                Interlocked.Add(ref _rateLimited, value);
            }
            else
            {
                Interlocked.Add(ref _requests, value);
            }
        });
        _listener.Start();

        if (!interactive)
        {
            return await run(new PlainProgress(plain)).ConfigureAwait(false);
        }

        SyncRunResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var live = new LiveProgress(context);
                result = await run(live).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result!;
    }

    public void Summary(SyncRunResult run)
    {
        var table = new Table().Title($"Portal {run.PortalId} · {run.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s · {Interlocked.Read(ref _requests):N0} HTTP requests · {Interlocked.Read(ref _rateLimited):N0} × 429");
        foreach (var column in Columns)
        {
            table.AddColumn(column);
        }

        foreach (var t in run.Types)
        {
            table.AddRow(
                Markup.Escape(t.ObjectType), t.Mode, N(t.Records), N(t.Unchanged), N(t.Associations), N(t.Deletes), N(t.Merges), N(t.ApiCalls),
                $"{t.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
                Markup.Escape(t.Error is not null ? "failed: " + t.Error : t.SkippedReason is not null ? "skipped: " + t.SkippedReason : ""));
        }

        if (interactive)
        {
            AnsiConsole.Write(table);
        }
        else
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(plain), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
            console.Profile.Width = 160;
            console.Write(table);
        }
    }

    private static readonly string[] Columns = ["type", "mode", "records", "unchanged", "associations", "deletes", "merges", "API calls", "duration", "note"];

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();

    /// <summary>One line of figures for a report: records, calls, what was read of the total, rate, budget, ETA.</summary>
    internal static string Describe(SyncProgress value)
    {
        var line = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"{value.Records:N0} records, {value.ApiCalls:N0} API calls"));
        if (value.RecordsRead > 0 || value.Total is not null)
        {
            line.Append(CultureInfo.InvariantCulture, $", read {value.RecordsRead:N0}");
            if (value.Total is { } total)
            {
                line.Append(CultureInfo.InvariantCulture, $" of {total:N0}");
            }

            line.Append(CultureInfo.InvariantCulture, $" at {value.RecordsPerSecond:N0}/s");
        }

        if (value.BudgetUsed is { } budget)
        {
            line.Append(CultureInfo.InvariantCulture, $", budget {budget * 100:0}%");
        }

        if (value.Phase != "done" && value.EstimatedRemaining is { } eta && eta > TimeSpan.Zero)
        {
            line.Append(", ETA ").Append(Duration(eta));
        }

        return line.ToString();
    }

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m")
        : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s");

    /// <summary>A line when a type changes phase or finishes, and every 1,000 records in between. Types report from
    /// several threads at once: one lock keeps lines whole and the counts per type consistent.</summary>
    internal sealed class PlainProgress(TextWriter output) : IProgress<SyncProgress>
    {
        private readonly Dictionary<string, (string Phase, long Records)> _last = [];

        public void Report(SyncProgress value)
        {
            lock (_last)
            {
                var changed = !_last.TryGetValue(value.ObjectType, out var last) || last.Phase != value.Phase || value.Records / 1000 != last.Records / 1000;
                _last[value.ObjectType] = (value.Phase, value.Records);
                if (changed)
                {
                    output.WriteLine($"{value.ObjectType}: {value.Phase}, {Describe(value)}");
                }
            }
        }
    }

    private sealed class LiveProgress(ProgressContext context) : IProgress<SyncProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(SyncProgress value)
        {
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(value.ObjectType, out var task))
                {
                    task = context.AddTask(value.ObjectType, autoStart: true, maxValue: 1);
                    task.IsIndeterminate = true;
                    _tasks[value.ObjectType] = task;
                }

                task.Description = string.Create(CultureInfo.InvariantCulture, $"{Markup.Escape(value.ObjectType),-12} {value.Phase,-11} {Markup.Escape(Describe(value))}");
                if (value.Phase == "backfill" && value.Total is > 0 and var total)
                {
                    // A bar once the total is known (what this run read: a resumed backfill starts it from zero).
                    task.IsIndeterminate = false;
                    task.MaxValue = total;
                    task.Value = Math.Min(total, value.RecordsRead);
                }
                else if (value.Phase != "backfill")
                {
                    task.IsIndeterminate = value.Phase != "done";
                }

                if (value.Phase == "done")
                {
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }
        }
    }
}
