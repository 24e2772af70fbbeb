using System.Globalization;
using Spectre.Console;
using Spoke.DataTools.Import;

namespace Spoke.Cli.Import;

/// <summary>
/// What <c>spoke import</c> prints while it writes: a Spectre.Console progress bar on a terminal, a plain line every
/// 1,000 rows (and when it resumes) when output is redirected.
/// </summary>
internal static class ImportOutput
{
    public static async Task<ImportResult> RunAsync(bool interactive, long estimatedRows, Func<IProgress<ImportProgress>, Task<ImportResult>> run)
    {
        if (!interactive)
        {
            return await run(new PlainProgress(Console.Out)).ConfigureAwait(false);
        }

        ImportResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Importing", autoStart: true, maxValue: Math.Max(1, estimatedRows));
                result = await run(new LiveProgress(task)).ConfigureAwait(false);
                task.Value = task.MaxValue;
                task.StopTask();
            }).ConfigureAwait(false);
        return result!;
    }

    public static string Describe(ImportProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.RowsRead:N0} rows read: {p.Created:N0} created, {p.Updated:N0} updated, {p.Rejected:N0} rejected, {p.Associations:N0} associations")
        + (p.Skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $", {p.Skipped:N0} done earlier") : "");

    public static string Resuming(long importId, long line) => string.Create(CultureInfo.InvariantCulture, $"Resuming import {importId} from line {line:N0}");

    private sealed class PlainProgress(TextWriter output) : IProgress<ImportProgress>
    {
        private readonly Lock _lock = new();
        private bool _resumeSaid;
        private long _lastThousand = -1;

        public void Report(ImportProgress value)
        {
            lock (_lock)
            {
                if (value.ResumedAtLine is { } line && !_resumeSaid)
                {
                    _resumeSaid = true;
                    output.WriteLine(Resuming(value.ImportId, line));
                }

                var done = value.Created + value.Updated + value.Rejected;
                if (done / 1000 != _lastThousand)
                {
                    _lastThousand = done / 1000;
                    output.WriteLine($"Import {value.ImportId}: {Describe(value)}");
                }
            }
        }
    }

    private sealed class LiveProgress(ProgressTask task) : IProgress<ImportProgress>
    {
        private readonly Lock _lock = new();

        public void Report(ImportProgress value)
        {
            lock (_lock)
            {
                var prefix = value.ResumedAtLine is { } line ? Resuming(value.ImportId, line) + " · " : $"Import {value.ImportId} · ";
                task.Description = Markup.Escape(prefix + Describe(value));
                task.Value = Math.Min(task.MaxValue, value.RowsRead);
            }
        }
    }
}

/// <summary>Counts the client's HTTP requests and HubSpot's 429s (the client's meter), for the summary.</summary>
internal sealed class RequestCounter : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private long _requests;
    private long _rateLimited;

    public RequestCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Spoke" && instrument.Name is "spoke.hubspot.requests" or "spoke.hubspot.rate_limited")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref instrument.Name == "spoke.hubspot.rate_limited" ? ref _rateLimited : ref _requests, value));
        _listener.Start();
    }

    public long Requests => Interlocked.Read(ref _requests);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    public void Dispose() => _listener.Dispose();
}
