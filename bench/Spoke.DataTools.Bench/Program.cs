using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Spoke;
using Spoke.Crm;
using Spoke.DataTools.Export;
using Spoke.DataTools.Import;
using Spoke.DataTools.Journal;
using Spoke.DataTools.Mapping;
using Spoke.Emulator;
using Spoke.RateLimiting;

// Import and export throughput against the in-process emulator at --rate-limits professional (190 requests per 10 s:
// at 100 records a call the ceiling is 1,900 records/s), all on 127.0.0.1:
// 1. `spoke import`'s path (ImportPlanner + Importer) for a --contacts CSV with a map (trim/lower, a value map, a date
//    format) into an empty portal: wall time, records/s against the ceiling, calls, 429s (the emulator's and the
//    client's), records per email afterwards (duplicates), peak GC heap and RSS.
// 2. `spoke export contacts` (RecordExporter, CSV) of the same records through the list API and through search:
//    records/s and the managed heap's growth, which should not depend on how many records it writes.
//
//   dotnet run -c Release --project bench/Spoke.DataTools.Bench -- [--contacts 100000]
var contacts = int.Parse(Arg("--contacts", "100000"), CultureInfo.InvariantCulture);
const int PerTenSeconds = 190;
const int Ceiling = PerTenSeconds * 10;
Console.WriteLine($"Spoke data tools benchmark — import and export of {contacts:N0} contacts at --rate-limits professional ({PerTenSeconds} requests/10 s → ceiling {Ceiling:N0} records/s); {Environment.ProcessorCount} cores, .NET {Environment.Version}");

var scratch = Directory.CreateTempSubdirectory("spoke-databench-");
try
{
    await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
    // Reads the portal back and runs the exports: no rate limit, so the exporter's own cost shows.
    var unthrottled = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token, ProactiveRateLimiting = false });
    var csv = Path.Combine(scratch.FullName, "contacts.csv");
    var map = Path.Combine(scratch.FullName, "contacts.map.json");
    await WriteCsvAsync(csv, contacts);
    await File.WriteAllTextAsync(map, """
        {
          "objectType": "contacts",
          "upsertBy": "email",
          "columns": [
            { "source": "Email", "property": "email", "transforms": ["trim", "lower"], "required": true },
            { "source": "First name", "property": "firstname", "transforms": ["trim"] },
            { "source": "Last name", "property": "lastname", "transforms": ["trim"] },
            { "source": "Stage", "property": "lifecyclestage", "transforms": [{ "map": { "values": { "Lead": "lead", "Customer": "customer", "Opportunity": "opportunity" } } }] },
            { "source": "Signed up", "property": "date_of_birth", "transforms": [{ "date": "dd/MM/yyyy" }] }
          ]
        }
        """);

    // ---- 1. import ----
    var calls = new Calls { InnerHandler = new SocketsHttpHandler() };
    var client = new HubSpotClient(new HttpClient(calls) { Timeout = Timeout.InfiniteTimeSpan }, new HubSpotClientOptions
    {
        BaseUri = emulator.BaseUri, AccessToken = emulator.Token, RateLimitTier = HubSpotRateLimitTier.Professional,
    });
    emulator.RateLimits = RateLimitTier.Professional; // a fresh 10-s window
    var rejectedBefore = emulator.RateLimitRejections;
    using (var memory = new MemoryProbe())
    {
        var watch = Stopwatch.StartNew();
        var plan = await ImportPlanner.PrepareAsync(client, await ImportMap.LoadAsync(map), "contacts", csv);
        await using var journal = await ImportJournal.OpenAsync(Path.Combine(scratch.FullName, "imports.db"));
        var result = await new Importer(client, journal).RunAsync(plan);
        var seconds = watch.Elapsed.TotalSeconds;
        var emulator429 = emulator.RateLimitRejections - rejectedBefore;
        var written = result.Created + result.Updated;
        var rate = written / seconds;
        emulator.RateLimits = RateLimitTier.Off;
        var emails = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var contact in unthrottled.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["email"] }))
        {
            if (contact.Properties.GetString("email") is { } email && email.EndsWith("@import.example", StringComparison.Ordinal))
            {
                emails[email] = emails.GetValueOrDefault(email) + 1;
            }
        }

        var duplicates = emails.Values.Sum(n => n - 1);
        Console.WriteLine();
        Console.WriteLine("import: rows     created  updated  rejected  wall s  calls  rec/s  of ceiling  429s (emu/client)  emails in portal  duplicates  peak GC heap MiB  peak RSS MiB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"        {result.Rows,8:N0} {result.Created,8:N0} {result.Updated,8:N0} {result.Rejected,9:N0} {seconds,7:F2} {calls.Count,6:N0} {rate,6:N0} {rate / Ceiling,11:P1} {emulator429,9}/{calls.TooMany,-8} {emails.Count,16:N0} {duplicates,11:N0} {memory.PeakHeapMiB,17:F0} {memory.PeakRssMiB,13:F0}"));
        Console.WriteLine($"target ≥ 90% of the ceiling, zero 429s, every row once: {(rate >= 0.9 * Ceiling && emulator429 == 0 && calls.TooMany == 0 && duplicates == 0 && emails.Count == contacts ? "met" : "MISSED")}");
    }

    // ---- 2. export ----
    // The records just imported, through the list API (no filter) and through search (lifecyclestage=customer, a third
    // of them: past search's 10,000-result ceiling), without a rate limit so the exporter's own cost shows. The managed
    // heap is sampled after a full collection every 10,000 records; growth is the largest sample minus the first, flat
    // when the export streams (a buffering export grows with every record). It includes the emulator's own heap.
    Console.WriteLine();
    Console.WriteLine("export: path                               records   wall s   rec/s  file MiB  heap first MiB  growth MiB  samples");
    var growths = new List<double>();
    foreach (var (label, filters) in new[] { ("list API, no filter", Array.Empty<string>()), ("search, lifecyclestage=customer", ["lifecyclestage=customer"]) })
    {
        var samples = new List<long>();
        var next = 10_000L;
        var progress = new Inline(value =>
        {
            if (value.Records >= next)
            {
                next += 10_000;
                samples.Add(GC.GetTotalMemory(forceFullCollection: true));
            }
        });
        var path = Path.Combine(scratch.FullName, "export.csv");
        ExportResult result;
        await using (var file = File.Create(path))
        {
            result = await new RecordExporter(unthrottled).ExportAsync("contacts", file, new ExportOptions
            {
                Properties = ["email", "firstname", "lastname", "lifecyclestage", "date_of_birth"], Filters = filters, Progress = progress,
            });
        }

        var growth = samples.Count > 1 ? (samples.Max() - samples[0]) / 1048576.0 : 0;
        growths.Add(growth);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"        {label,-34} {result.Records,8:N0} {result.Elapsed.TotalSeconds,8:F2} {result.RecordsPerSecond,7:N0} {new FileInfo(path).Length / 1048576.0,9:F1} {samples.FirstOrDefault() / 1048576.0,15:F1} {growth,11:F1} {samples.Count,8}"));
    }

    Console.WriteLine($"target export memory independent of size (growth under 16 MiB on every path): {(growths.TrueForAll(g => g < 16) ? "met" : "MISSED")}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set (the emulator with {contacts:N0} contacts in the same process) {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));
}
finally
{
    scratch.Delete(recursive: true);
}

return 0;

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static async Task WriteCsvAsync(string path, int count)
{
    string[] stages = ["Lead", "Customer", "Opportunity"];
    await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
    await writer.WriteLineAsync("Email,First name,Last name,Stage,Signed up");
    for (var i = 0; i < count; i++)
    {
        var day = new DateOnly(1970, 1, 1).AddDays(i % 15_000);
        await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $" Person{i}@Import.Example ,First {i},Last {i},{stages[i % 3]},{day:dd/MM/yyyy}"));
    }
}

/// <summary>Samples the managed heap and the working set every 50 ms until disposed (bounded by the run it measures).</summary>
internal sealed class MemoryProbe : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakHeap;
    private long _peakRss;

    public MemoryProbe()
    {
        StartHeapMiB = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                try
                {
                    await Task.Delay(50, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    public double StartHeapMiB { get; }

    public double PeakHeapMiB { get { Sample(); return Interlocked.Read(ref _peakHeap) / 1048576.0; } }

    public double PeakRssMiB => Interlocked.Read(ref _peakRss) / 1048576.0;

    private void Sample()
    {
        var heap = GC.GetTotalMemory(false);
        var rss = Environment.WorkingSet;
        long seen;
        while (heap > (seen = Interlocked.Read(ref _peakHeap)) && Interlocked.CompareExchange(ref _peakHeap, heap, seen) != seen)
        {
        }

        while (rss > (seen = Interlocked.Read(ref _peakRss)) && Interlocked.CompareExchange(ref _peakRss, rss, seen) != seen)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _sampling.GetAwaiter().GetResult();
        _stop.Dispose();
    }
}

/// <summary>Reports progress on the exporter's own thread, so the heap is read at the moment it says.</summary>
internal sealed class Inline(Action<ExportProgress> report) : IProgress<ExportProgress>
{
    public void Report(ExportProgress value) => report(value);
}

/// <summary>Calls the client sent (retries counted) and how many got a 429.</summary>
internal sealed class Calls : DelegatingHandler
{
    private int _count;
    private int _tooMany;

    public int Count => Volatile.Read(ref _count);

    public int TooMany => Volatile.Read(ref _tooMany);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref _count);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref _tooMany);
        }

        return response;
    }
}
