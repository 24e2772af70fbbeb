using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Spoke;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.RateLimiting;

// Bulk create against a rate-limited emulator, in real time: Spoke's BatchCreateAsync against HubSpot's official Node SDK
// used as its README recommends (batches of 100, numberOfApiCallRetries: 3, its DEFAULT_LIMITER_OPTIONS preset), in the
// same run, on the same emulator (reset between contestants; each contestant gets a fresh token, so a fresh window).
// 429s are counted on the emulator side (the limiter's counter), so every contestant is measured the same way.
//
//   dotnet run -c Release --project bench/Spoke.Client.Bench -- [--records 20000] [--order spoke,node,spoke-default]
//
// Contestants: spoke (RateLimitTier = Professional, as a user on that portal configures it), spoke-default (the
// default tier, Free: 100/10 s, so the gate must learn 190 from the headers), node (the official SDK).
//
//   dotnet run -c Release --project bench/Spoke.Client.Bench -- --scenario new-user [--rounds 9] [--cold]
//
// The new-user loop (NewUserLoop.cs): default client options against an emulator with default options, vs bare HttpClient.
if (Arg("--scenario", "bulk") == "new-user")
{
    return await NewUserLoop.RunAsync(int.Parse(Arg("--rounds", "9"), CultureInfo.InvariantCulture), !args.Contains("--cold"));
}

var records = int.Parse(Arg("--records", "20000"), CultureInfo.InvariantCulture);
var order = Arg("--order", "spoke,node,spoke-default").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var nodeCap = TimeSpan.FromSeconds(double.Parse(Arg("--node-timeout", "120"), CultureInfo.InvariantCulture));
var latencyMs = int.Parse(Arg("--latency-ms", "0"), CultureInfo.InvariantCulture);
var spokeConcurrency = Arg("--spoke-concurrency", "");
var warmUp = !args.Contains("--cold");
var spokeCap = TimeSpan.FromSeconds(double.Parse(Arg("--spoke-timeout", "120"), CultureInfo.InvariantCulture));
foreach (var name in order)
{
    if (name is not ("spoke" or "spoke-default" or "node"))
    {
        Console.Error.WriteLine($"unknown contestant '{name}' (spoke, spoke-default, node)");
        return 2;
    }
}

const int PerTenSeconds = 190; // the emulator's professional tier
const int RecordsPerCall = 100;
var ceiling = PerTenSeconds * RecordsPerCall / 10.0; // records/s
var repoRoot = FindRepoRoot();

Console.WriteLine($"Spoke client benchmark — bulk create {records:N0} contacts at --rate-limits professional ({PerTenSeconds} requests/10 s)");
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}; ceiling {PerTenSeconds} × {RecordsPerCall} / 10 s = {ceiling:N0} records/s; " +
    $"floor {Math.Ceiling(records / (double)RecordsPerCall):N0} calls ≈ {MinimumSeconds(records):F1} s");

await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
{
    Port = 0, RateLimits = Spoke.Emulator.RateLimitTier.Professional,
});

if (warmUp)
{
    // The emulator stands in for HubSpot, which is never cold: run its batch-create path once (plain HTTP, so Spoke's
    // own start-up is still measured) before the contestants. --cold skips this.
    await WarmEmulatorAsync(emulator);
}

Console.WriteLine($"emulator {(warmUp ? "warmed up" : "cold")}; server latency per batch create {latencyMs} ms; Spoke MaxBatchConcurrency {(spokeConcurrency.Length > 0 ? spokeConcurrency : "default")}");
var results = new List<Outcome>();
foreach (var name in order)
{
    emulator.Reset(); // empty portal, limiter usage forgotten
    var token = emulator.CreateToken("crm.objects.contacts.read", "crm.objects.contacts.write");
    if (latencyMs > 0)
    {
        // After the limiter counted the arrival: HubSpot's own processing time for a batch of 100.
        emulator.Faults.Add(new Spoke.Emulator.Faults.FaultRule
        {
            Route = "POST *batch/create", Kind = Spoke.Emulator.Faults.FaultKind.Latency, LatencyMs = latencyMs,
        });
    }

    var rejectedBefore = emulator.RateLimitRejections;
    Console.WriteLine();
    Console.WriteLine($"== {name}");
    var outcome = name == "node"
        ? await RunNodeAsync(emulator.BaseUri, token)
        : await RunSpokeAsync(name, emulator.BaseUri, token, name == "spoke" ? HubSpotRateLimitTier.Professional : null);
    outcome = outcome with
    {
        EmulatorRejections = emulator.RateLimitRejections - rejectedBefore,
        CountedInEmulator = await CountContactsAsync(emulator.BaseUri, token),
    };
    Console.WriteLine(outcome.Detail);
    results.Add(outcome);
}

Console.WriteLine();
Console.WriteLine("contestant      wall s  records/s  of ceiling  429s (emulator)  created (emulator)  note");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Name,-14} {r.Wall.TotalSeconds,7:F2} {r.PerSecond,10:F0} {r.PerSecond / ceiling,11:P1} {r.EmulatorRejections,16} {r.CountedInEmulator,19:N0}  {r.Note}"));
}

var spoke = results.FirstOrDefault(r => r.Name == "spoke");
var node = results.FirstOrDefault(r => r.Name == "node");
if (spoke is not null && node is not null && node.PerSecond > 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Spoke/Node throughput ratio: {spoke.PerSecond / node.PerSecond:F2}×"));
}

if (spoke is not null)
{
    var met = spoke.PerSecond >= 0.95 * ceiling && spoke.EmulatorRejections == 0 && spoke.CountedInEmulator == records;
    Console.WriteLine($"Target (Spoke ≥ 95% of the ceiling, zero 429s, every record created): {(met ? "met" : "MISSED")}");
}

return 0;

async Task<Outcome> RunSpokeAsync(string name, Uri baseUri, string token, HubSpotRateLimitTier? tier)
{
    var counter = new StatusCounter { InnerHandler = new SocketsHttpHandler() };
    var options = new HubSpotClientOptions { BaseUri = baseUri, AccessToken = token };
    if (tier is { } t)
    {
        options.RateLimitTier = t;
    }

    if (spokeConcurrency.Length > 0)
    {
        options.MaxBatchConcurrency = int.Parse(spokeConcurrency, CultureInfo.InvariantCulture);
    }

    var client = new HubSpotClient(new HttpClient(counter) { Timeout = Timeout.InfiniteTimeSpan }, options);
    var inputs = Enumerable.Range(0, records)
        .Select(i => new PropertyBag().Set("email", $"{name}-{i}@bench.example").Set("firstname", $"S{i}"))
        .ToList();
    using var cap = new CancellationTokenSource(spokeCap);
    var clock = Stopwatch.StartNew();
    counter.Clock.Start();
    try
    {
        var result = await client.Crm.Contacts.BatchCreateAsync(inputs, cap.Token);
        clock.Stop();
        var failures = result.Failed.GroupBy(f => $"{(int)f.Status} {f.Category}").Select(g => $"{g.Count()}× {g.Key}");
        return new Outcome(name, clock.Elapsed, result.Succeeded.Count, counter.Calls, counter.TooMany,
            result.Failed.Count == 0 ? "" : "failed: " + string.Join(", ", failures),
            string.Create(CultureInfo.InvariantCulture,
                $"calls {counter.Calls}, 429s seen by the client {counter.TooMany}, failed inputs {result.Failed.Count}; first call sent at {counter.FirstSent.TotalMilliseconds:F0} ms, first answer at {counter.FirstAnswered.TotalMilliseconds:F0} ms, last call sent at {counter.LastSent.TotalMilliseconds:F0} ms"));
    }
    catch (OperationCanceledException) when (cap.IsCancellationRequested)
    {
        return new Outcome(name, clock.Elapsed, 0, counter.Calls, counter.TooMany, $"CUT at {spokeCap.TotalSeconds:F0} s", "cut");
    }
}

async Task<Outcome> RunNodeAsync(Uri baseUri, string token)
{
    var script = Path.Combine(repoRoot, "bench", "node-bulk-create", "bulk-create.mjs");
    if (!File.Exists(Path.Combine(repoRoot, "tests", "conformance", "node_modules", "@hubspot", "api-client", "package.json")))
    {
        return new Outcome("node", TimeSpan.Zero, 0, 0, 0, "SKIPPED: run `npm ci` in tests/conformance", "skipped");
    }

    var start = new ProcessStartInfo("node", [script])
    {
        RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repoRoot,
    };
    start.Environment["SPOKE_EMULATOR_URL"] = baseUri.ToString();
    start.Environment["SPOKE_EMULATOR_TOKEN"] = token;
    start.Environment["RECORDS"] = records.ToString(CultureInfo.InvariantCulture);
    start.Environment["EMAIL_PREFIX"] = "node";
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    using var cap = new CancellationTokenSource(nodeCap);
    try
    {
        await process.WaitForExitAsync(cap.Token);
    }
    catch (OperationCanceledException)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        clock.Stop();
        return new Outcome("node", clock.Elapsed, 0, 0, 0, $"CUT at {nodeCap.TotalSeconds:F0} s (node killed)", "cut");
    }

    clock.Stop();
    var output = (await stdout).Trim();
    var errors = (await stderr).Trim();
    if (process.ExitCode != 0 || output.Length == 0)
    {
        return new Outcome("node", clock.Elapsed, 0, 0, 0, $"node exited {process.ExitCode}", errors);
    }

    using var json = JsonDocument.Parse(output.Split('\n')[^1]);
    var root = json.RootElement;
    var wall = TimeSpan.FromMilliseconds(root.GetProperty("wallMs").GetDouble());
    var created = root.GetProperty("created").GetInt32();
    var failedBatches = root.GetProperty("failedBatches").GetInt32();
    var retries = root.GetProperty("sdkRetryLogs").GetInt32();
    var note = failedBatches == 0 ? "" : $"failed batches {failedBatches}: {string.Join("; ", root.GetProperty("errors").EnumerateArray().Select(e => e.GetString()))}";
    return new Outcome("node", wall, created, 0, retries, note,
        $"{output}\n(process {clock.Elapsed.TotalSeconds:F2} s incl. node start-up; wall time is the script's own, around Promise.all)");
}

// HubSpot's search answers `total` for the whole match; with no filter that is every contact in the portal.
static async Task<long> CountContactsAsync(Uri baseUri, string token)
{
    using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
    http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    for (var attempt = 0; ; attempt++)
    {
        using var response = await http.PostAsync("crm/v3/objects/contacts/search",
            new StringContent("{\"limit\":1,\"properties\":[\"email\"]}", Encoding.UTF8, "application/json"));
        if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 5)
        {
            await Task.Delay(TimeSpan.FromSeconds(1)); // search's 5/s window, or the run just spent the burst window
            continue;
        }

        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("total").GetInt64();
    }
}

static async Task WarmEmulatorAsync(HubSpotEmulator emulator)
{
    var token = emulator.CreateToken("crm.objects.contacts.read", "crm.objects.contacts.write");
    using var http = new HttpClient { BaseAddress = emulator.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    for (var round = 0; round < 20; round++)
    {
        var body = new StringBuilder("{\"inputs\":[");
        for (var i = 0; i < 100; i++)
        {
            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"properties\":{{\"email\":\"warm{round}x{i}@bench.example\",\"firstname\":\"W\"}}}}");
        }

        using var response = await http.PostAsync("crm/objects/2026-09/contacts/batch/create",
            new StringContent(body.Append("]}").ToString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    await CountContactsAsync(emulator.BaseUri, token);
}

static double MinimumSeconds(int records)
{
    // Calls beyond the first window's 190 wait for it to roll: the floor is one 10 s window per 190 calls after the first.
    var calls = (int)Math.Ceiling(records / (double)RecordsPerCall);
    return calls <= PerTenSeconds ? 0 : (calls - 1) / PerTenSeconds * 10.0;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

internal sealed record Outcome(string Name, TimeSpan Wall, int Created, int Calls, int ClientSeen429s, string Note, string Detail)
{
    public long EmulatorRejections { get; init; }
    public long CountedInEmulator { get; init; }
    public double PerSecond => Wall > TimeSpan.Zero ? Created / Wall.TotalSeconds : 0;
}

/// <summary>Counts what the client's HttpClient sent and the 429s it got back (a cross-check of the emulator's count).</summary>
internal sealed class StatusCounter : DelegatingHandler
{
    private int _calls;
    private int _tooMany;
    private long _firstSent = -1;
    private long _firstAnswered = -1;
    private long _lastSent = -1;

    public Stopwatch Clock { get; } = new();
    public TimeSpan FirstSent => TimeSpan.FromTicks(Interlocked.Read(ref _firstSent));
    public TimeSpan FirstAnswered => TimeSpan.FromTicks(Interlocked.Read(ref _firstAnswered));
    public TimeSpan LastSent => TimeSpan.FromTicks(Interlocked.Read(ref _lastSent));

    public int Calls => _calls;
    public int TooMany => _tooMany;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.CompareExchange(ref _firstSent, Clock.Elapsed.Ticks, -1);
        Interlocked.Exchange(ref _lastSent, Clock.Elapsed.Ticks);
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.CompareExchange(ref _firstAnswered, Clock.Elapsed.Ticks, -1);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref _tooMany);
        }

        return response;
    }
}
