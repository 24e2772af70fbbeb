using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Spoke.Emulator;
using Spoke.Emulator.Bench;

// Emulator throughput and latency on loopback: GET by id, batch create, search EQ on email, and a range filter with a
// sort, on portals seeded with N contacts. The peer is a bare Kestrel endpoint answering a fixed record in the same
// process, on the same machine and in the same run: the ratio says how much of the HTTP floor the emulator keeps.
//
// Then webhooks: batch-create throughput with subscriptions on against the same portal without, and how fast the
// events (creation + propertyChange) reach a receiver on loopback.
//
//   dotnet run -c Release --project bench/Spoke.Emulator.Bench -- [--sizes 100000,1000000] [--get-requests 50000] [--webhooks-only]
var sizes = Arg("--sizes", "100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var getRequests = int.Parse(Arg("--get-requests", "50000"), CultureInfo.InvariantCulture);
var searchRequests = int.Parse(Arg("--search-requests", "2000"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(Arg("--concurrency", "16"), CultureInfo.InvariantCulture);

Console.WriteLine($"Spoke emulator benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
await using var peer = await BareKestrel.StartAsync();
using (var peerLoad = new LoadRunner(peer.BaseUri, "unused"))
{
    await peerLoad.RunAsync("warm-up", 5_000, concurrency, _ => new HttpRequestMessage(HttpMethod.Get, "record"));
    var floor = await peerLoad.RunAsync("peer: bare Kestrel GET (fixed record)", getRequests, concurrency, _ => new HttpRequestMessage(HttpMethod.Get, "record"));
    Console.WriteLine(floor);

    foreach (var size in args.Contains("--webhooks-only") ? [] : sizes)
    {
        Console.WriteLine();
        Console.WriteLine($"== {size:N0} contacts (+ {size / 5:N0} companies, {size / 2:N0} deals, {size / 4:N0} tickets and the rest of the demo portal)");
        var seeding = Stopwatch.StartNew();
        await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            Port = 0, Seed = SeedKind.Demo, SeedSize = size, SeedValue = 7,
        });
        seeding.Stop();
        GC.Collect();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seeded in {seeding.Elapsed.TotalSeconds:F1} s; managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB; working set {Environment.WorkingSet / 1048576.0:F0} MiB"));

        var (firstId, emails, createdRange) = Sample(emulator, 1_000);
        using var load = new LoadRunner(emulator.BaseUri, emulator.Token);
        var random = new Random(11);
        string RandomId() => (firstId + random.Next(size)).ToString(CultureInfo.InvariantCulture);

        await load.RunAsync("warm-up", 5_000, concurrency, _ => Get($"crm/v3/objects/contacts/{RandomId()}"));
        var get = await load.RunAsync("GET /crm/v3/objects/contacts/{id}", getRequests, concurrency, _ => Get($"crm/v3/objects/contacts/{RandomId()}"));
        Console.WriteLine($"{get}  ({get.PerSecond / floor.PerSecond:P0} of peer)");

        var batchNumber = 0;
        var batch = await load.RunAsync("POST batch/create (100 contacts each)", 200, 4, _ =>
        {
            var n = Interlocked.Increment(ref batchNumber);
            var body = new StringBuilder("{\"inputs\":[");
            for (var i = 0; i < 100; i++)
            {
                body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"properties\":{{\"email\":\"bench{n}x{i}@bench.example\",\"firstname\":\"B{i}\"}}}}");
            }

            return Post("crm/v3/objects/contacts/batch/create", body.Append("]}").ToString());
        }, expectStatus: 201);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batch}  ({batch.PerSecond * 100:F0} records/s)"));

        var eqIndex = 0;
        await load.RunAsync("warm-up", 50, 1, _ => SearchEq(emails[0]));
        var eq = await load.RunAsync("search EQ email (1 caller)", searchRequests, 1, _ => SearchEq(emails[Interlocked.Increment(ref eqIndex) % emails.Length]));
        Console.WriteLine($"{eq}  (p50 target < 5 ms: {(eq.P50Ms < 5 ? "met" : "MISSED")})");

        var (from, to) = createdRange;
        var rangeRequests = Math.Max(20, searchRequests / 10);
        await load.RunAsync("warm-up", 5, 1, _ => SearchRange(from, to));
        var range = await load.RunAsync("search createdate range, sort desc, limit 100", rangeRequests, 1, _ => SearchRange(from, to));
        Console.WriteLine(range);
    }
}

await WebhooksBench(concurrency);

// Batch creates with and without webhook subscriptions (same fresh portal shape), then delivery of the events.
static async Task WebhooksBench(int concurrency)
{
    const int batches = 200;
    Console.WriteLine();
    Console.WriteLine($"== webhooks: {batches} batch creates of 100 contacts, subscriptions contact.creation + contact.propertyChange(firstname)");
    await using var receiver = await BareKestrel.StartAsync();
    LoadResult? without = null;
    foreach (var subscribed in new[] { false, true })
    {
        await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        using var load = new LoadRunner(emulator.BaseUri, emulator.Token);
        if (subscribed)
        {
            using var developer = new HttpClient { BaseAddress = emulator.BaseUri };
            var q = $"?hapikey={emulator.DeveloperApiKey}";
            var prefix = $"webhooks/v3/{emulator.AppId}";
            (await developer.PutAsync($"{prefix}/settings{q}", Json($"{{\"targetUrl\":\"{receiver.BaseUri}hooks\",\"throttling\":{{\"maxConcurrentRequests\":10}}}}"))).EnsureSuccessStatusCode();
            (await developer.PostAsync($"{prefix}/subscriptions{q}", Json("{\"eventType\":\"contact.creation\",\"active\":true}"))).EnsureSuccessStatusCode();
            (await developer.PostAsync($"{prefix}/subscriptions{q}", Json("{\"eventType\":\"contact.propertyChange\",\"propertyName\":\"firstname\",\"active\":true}"))).EnsureSuccessStatusCode();
        }

        var n = 0;
        receiver.ResetCount();
        var watch = Stopwatch.StartNew();
        var result = await load.RunAsync(subscribed ? "batch/create, webhooks on" : "batch/create, webhooks off", batches, 4, _ =>
        {
            var k = Interlocked.Increment(ref n);
            var body = new StringBuilder("{\"inputs\":[");
            for (var i = 0; i < 100; i++)
            {
                body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"properties\":{{\"email\":\"hook{k}x{i}@bench.example\",\"firstname\":\"H{i}\"}}}}");
            }

            return Post("crm/v3/objects/contacts/batch/create", body.Append("]}").ToString());
        }, expectStatus: 201);
        if (!subscribed)
        {
            without = result;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result}  ({result.PerSecond * 100:F0} records/s)"));
            continue;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result}  ({result.PerSecond * 100:F0} records/s; {result.PerSecond / without!.PerSecond:P0} of webhooks off)"));
        var idle = await emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromMinutes(2));
        watch.Stop();
        var log = emulator.Webhooks.Deliveries;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"delivered {receiver.Events:N0} events in {log.Count:N0} requests (≤100 each, ≤10 in flight), all done {watch.Elapsed.TotalSeconds:F2} s after the first create: {receiver.Events / watch.Elapsed.TotalSeconds:F0} events/s{(idle ? "" : " (NOT idle after 2 min)")}"));
    }
}

static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

static HttpRequestMessage Post(string path, string json) =>
    new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

static HttpRequestMessage SearchEq(string email) => Post("crm/v3/objects/contacts/search",
    $"{{\"filterGroups\":[{{\"filters\":[{{\"propertyName\":\"email\",\"operator\":\"EQ\",\"value\":\"{email}\"}}]}}],\"properties\":[\"email\",\"firstname\"],\"limit\":10}}");

static HttpRequestMessage SearchRange(long fromMs, long toMs) => Post("crm/v3/objects/contacts/search",
    $"{{\"filterGroups\":[{{\"filters\":[{{\"propertyName\":\"createdate\",\"operator\":\"BETWEEN\",\"value\":\"{fromMs}\",\"highValue\":\"{toMs}\"}}]}}],\"sorts\":[{{\"propertyName\":\"createdate\",\"direction\":\"DESCENDING\"}}],\"limit\":100}}");

// Ids, emails and a createdate window (the middle 10% of the seeded span) read straight from the portal.
static (long FirstId, string[] Emails, (long From, long To) Created) Sample(HubSpotEmulator emulator, int count)
{
    var portal = emulator.Portal;
    using var _ = portal.Read();
    var store = portal.Store(portal.ResolveType("contacts"));
    var all = store.All().ToList();
    var step = Math.Max(1, all.Count / count);
    var emails = all.Where((_, i) => i % step == 0).Select(r => r.Get("email")!).Take(count).ToArray();
    var created = all.Select(r => DateTimeOffset.Parse(r.Get("createdate")!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()).Order().ToArray();
    var mid = created.Length / 2;
    var span = created.Length / 20;
    return (all[0].Id, emails, (created[mid - span], created[mid + span]));
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

/// <summary>The peer: Kestrel with no pipeline, answering one fixed contact record.</summary>
internal sealed class BareKestrel : IAsyncDisposable
{
    private const string Record = "{\"id\":\"10000001001\",\"properties\":{\"firstname\":\"Ada\",\"lastname\":\"Lovelace\",\"email\":\"ada@example.com\",\"createdate\":\"2026-01-15T09:30:00.000Z\",\"lastmodifieddate\":\"2026-01-15T09:30:00.000Z\",\"hs_object_id\":\"10000001001\"},\"createdAt\":\"2026-01-15T09:30:00.000Z\",\"updatedAt\":\"2026-01-15T09:30:00.000Z\",\"archived\":false}";
    private readonly WebApplication _app;

    private BareKestrel(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public static async Task<BareKestrel> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var counter = new BareKestrelCounter();
        var app = builder.Build();
        var body = Encoding.UTF8.GetBytes(Record);
        // The webhooks receiver: counts events (one "eventId" each) and answers 200.
        app.MapPost("/hooks", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var text = await reader.ReadToEndAsync();
            var events = 0;
            for (var i = text.IndexOf("\"eventId\"", StringComparison.Ordinal); i >= 0; i = text.IndexOf("\"eventId\"", i + 9, StringComparison.Ordinal))
            {
                events++;
            }

            counter.Add(events);
            return Results.Ok();
        });
        app.MapGet("/record", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "application/json;charset=utf-8";
            ctx.Response.ContentLength = body.Length;
            await ctx.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        return new BareKestrel(app, new Uri(address + "/")) { _counter = counter };
    }

    private BareKestrelCounter _counter = null!;

    /// <summary>Webhook events received on <c>POST /hooks</c> since the last <see cref="ResetCount"/>.</summary>
    public long Events => _counter.Count;

    public void ResetCount() => _counter.Reset();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed class BareKestrelCounter
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add(int events) => Interlocked.Add(ref _count, events);

    public void Reset() => Interlocked.Exchange(ref _count, 0);
}
