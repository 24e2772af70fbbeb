using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Spoke;
using Spoke.RateLimiting;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;

/// <summary>
/// The sync in a process of its own: the parent starts this program with <c>--child</c>, the child runs one
/// <see cref="SyncEngine.RunAsync"/> (as <c>spoke sync</c> would, workstation GC) and prints its figures as one JSON line.
/// </summary>
internal static class SyncChild
{
    public static async Task<ChildOutcome> StartAsync(Uri baseUri, string token, string database, TimeSpan cap, double reserve, int maxConcurrentTypes)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--child", "--base-url", baseUri.ToString(), "--database", database,
                     "--reserve", reserve.ToString("R", CultureInfo.InvariantCulture), "--max-concurrent-types", maxConcurrentTypes.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        if (!Environment.ProcessPath!.EndsWith("Spoke.Sync.Bench", StringComparison.Ordinal))
        {
            // Run through `dotnet`: the host is the muxer, so name the assembly.
            start.ArgumentList.Insert(0, typeof(SyncChild).Assembly.Location);
        }

        start.Environment["SPOKE_BENCH_TOKEN"] = token; // not on the command line, where ps would show it
        start.Environment["DOTNET_gcServer"] = "0";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the sync child");
        var stderr = process.StandardError.ReadToEndAsync();
        string? last = null;
        using var timeout = new CancellationTokenSource(cap);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith('{'))
                {
                    last = line;
                }
                else
                {
                    Console.WriteLine("  " + line);
                }
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"the sync child did not finish within {cap.TotalMinutes:F0} minutes (killed); --timeout-minutes raises the cap");
        }

        if (process.ExitCode != 0 || last is null)
        {
            throw new InvalidOperationException($"the sync child exited {process.ExitCode}: {await stderr}");
        }

        var outcome = JsonSerializer.Deserialize(last, BenchJson.Default.ChildOutcome)!;
        outcome.WallSeconds = clock.Elapsed.TotalSeconds;
        return outcome;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var baseUri = new Uri(Arg(args, "--base-url"));
        var database = Arg(args, "--database");
        var token = Environment.GetEnvironmentVariable("SPOKE_BENCH_TOKEN") ?? throw new InvalidOperationException("SPOKE_BENCH_TOKEN is not set");
        var counter = new CallCounter { InnerHandler = new SocketsHttpHandler() };
        // As a user on a Professional portal configures it; search paced at HubSpot's documented 5/s, as against HubSpot.
        var client = new HubSpotClient(new HttpClient(counter) { Timeout = Timeout.InfiniteTimeSpan }, new HubSpotClientOptions
        {
            BaseUri = baseUri, AccessToken = token, RateLimitTier = HubSpotRateLimitTier.Professional,
            SearchRateLimiting = HubSpotSearchRateLimiting.Documented,
        });
        await using var store = await SyncDatabase.Parse(database).OpenAsync();
        var reserve = double.Parse(Arg(args, "--reserve"), CultureInfo.InvariantCulture);
        var engine = new SyncEngine(client, store, new SyncOptions
        {
            ObjectTypes = { "contacts", "companies", "deals" }, BurstBudgetReserve = reserve,
            MaxConcurrentTypes = int.Parse(Arg(args, "--max-concurrent-types"), CultureInfo.InvariantCulture),
        });
        // When each type last reported its backfill (the engine's clock is the counter's): the backfill stretch ends at the latest.
        var backfillEnd = TimeSpan.Zero;

        var peakHeap = 0L;
        var samples = new List<double>();
        using var sampler = new Timer(_ =>
        {
            var heap = GC.GetTotalMemory(false);
            InterlockedMax(ref peakHeap, heap);
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
        var lastSample = Stopwatch.StartNew();
        var progress = new SyncProgressSink(p =>
        {
            if (p.Phase == "backfill")
            {
                lock (samples)
                {
                    var now = counter.Clock.Elapsed;
                    backfillEnd = now > backfillEnd ? now : backfillEnd;
                }
            }

            if (p.Phase == "done" || lastSample.Elapsed > TimeSpan.FromSeconds(10))
            {
                lastSample.Restart();
                lock (samples)
                {
                    samples.Add(ReadStatusKiB("VmRSS") / 1024.0);
                }
            }

            if (p.Phase == "done")
            {
                Console.WriteLine($"{p.ObjectType} done: {p.Records:N0} records, {p.ApiCalls:N0} calls");
            }
        });

        using var cap = new CancellationTokenSource(TimeSpan.FromMinutes(60));
        counter.Clock.Start();
        var run = await engine.RunAsync(progress, cap.Token);
        var syncSeconds = counter.Clock.Elapsed.TotalSeconds;
        var calls = counter.Snapshot();
        var (backfillCalls, backfillSeconds) = BackfillStretch(calls, backfillEnd);
        // The slots the gate leaves to other apps, as it counts them (Professional: 190 per 10 s).
        var reserved = reserve <= 0 ? 0 : (int)Math.Ceiling(190 * reserve - 1e-9);
        var outcome = new ChildOutcome
        {
            SyncSeconds = syncSeconds,
            Records = run.Types.Sum(t => t.Records),
            Associations = run.Types.Sum(t => t.Associations),
            Calls = calls.Count,
            SearchCalls = calls.Count(c => c.Kind == "search"),
            GeneralCalls = calls.Count(c => c.Kind != "search"),
            ClientTooMany = calls.Count(c => c.Status == HttpStatusCode.TooManyRequests),
            BackfillCalls = backfillCalls,
            BackfillSeconds = backfillSeconds,
            BackfillBudgetShare = backfillSeconds > 0 ? backfillCalls / backfillSeconds / 19.0 : null,
            Reserve = reserve,
            UsableShare = (190.0 - reserved) / 190.0,
            PeakRssMiB = ReadStatusKiB("VmHWM") / 1024.0,
            PeakGcHeapMiB = Interlocked.Read(ref peakHeap) / (1024.0 * 1024.0),
            RssSamples = samples,
            ByKind = calls.GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => (long)g.Count()),
            Succeeded = run.Succeeded,
            Types = [.. run.Types.Select(t => string.Create(CultureInfo.InvariantCulture,
                $"{t.ObjectType}: {t.Mode}, {t.Records:N0} records, {t.Associations:N0} edges, {t.ApiCalls:N0} calls, {t.Duration.TotalSeconds:F1} s{(t.Error is null ? "" : " ERROR " + t.Error)}{(t.SkippedReason is null ? "" : " skipped: " + t.SkippedReason)}"))],
        };
        Console.WriteLine(JsonSerializer.Serialize(outcome, BenchJson.Default.ChildOutcome));
        return run.Succeeded ? 0 : 1;
    }

    /// <summary>
    /// The backfill's calls and time: from the first list call to the last backfill progress report of any type (types
    /// run at once, so their backfills overlap); every non-search call sent in between counts (list pages, hydration,
    /// edges, and whatever the types done early spend meanwhile).
    /// </summary>
    private static (long Calls, double Seconds) BackfillStretch(List<CallRecord> calls, TimeSpan end)
    {
        var first = calls.FirstOrDefault(c => c.Kind == "list");
        if (first == default || end <= first.SentAt)
        {
            return (0, 0);
        }

        var count = calls.LongCount(c => c.Kind != "search" && c.SentAt >= first.SentAt && c.SentAt <= end);
        return (count, (end - first.SentAt).TotalSeconds);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static long ReadStatusKiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static string Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} is required");
    }
}

/// <summary>Reports progress synchronously (Progress&lt;T&gt; would post to the thread pool and report late).</summary>
internal sealed class SyncProgressSink(Action<SyncProgress> report) : IProgress<SyncProgress>
{
    public void Report(SyncProgress value) => report(value);
}

internal readonly record struct CallRecord(TimeSpan SentAt, string Kind, HttpStatusCode Status);

/// <summary>Every call the sync's client sent, by kind, with the status it got (429s included, retries counted).</summary>
internal sealed class CallCounter : DelegatingHandler
{
    private readonly List<CallRecord> _calls = [];

    public Stopwatch Clock { get; } = new();

    public List<CallRecord> Snapshot()
    {
        lock (_calls)
        {
            return [.. _calls];
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = Clock.Elapsed;
        var response = await base.SendAsync(request, cancellationToken);
        lock (_calls)
        {
            _calls.Add(new CallRecord(sent, Kind(request), response.StatusCode));
        }

        return response;
    }

    internal static string Kind(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        var query = request.RequestUri.Query;
        if (path.Contains("/associations/", StringComparison.Ordinal))
        {
            return path.EndsWith("/labels", StringComparison.Ordinal) ? "association labels"
                : path.EndsWith("/batch/read", StringComparison.Ordinal) ? "association batch read"
                : "associations other";
        }

        if (path.Contains("/properties/", StringComparison.Ordinal))
        {
            return "properties";
        }

        if (path.Contains("/pipelines/", StringComparison.Ordinal))
        {
            return "pipelines";
        }

        if (path.Contains("account-info", StringComparison.Ordinal))
        {
            return "account";
        }

        if (path.EndsWith("/search", StringComparison.Ordinal))
        {
            return "search";
        }

        if (path.EndsWith("/batch/read", StringComparison.Ordinal))
        {
            return "batch read";
        }

        if (request.Method == HttpMethod.Get && path.Contains("/objects/", StringComparison.Ordinal))
        {
            return query.Contains("archived=true", StringComparison.Ordinal) ? "archived list" : "list";
        }

        return $"other {request.Method} {path}";
    }
}
