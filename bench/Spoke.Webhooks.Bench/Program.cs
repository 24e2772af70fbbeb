// Sustained verified events/s and ack latency through the Spoke receiver with the durable SQLite inbox, against a
// bare Kestrel endpoint that only reads the body and answers 200, under the same loopback load in the same run.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spoke.Webhooks;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Signatures;

var options = BenchOptions.Parse(args);
var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var directory = Path.Combine(Path.GetTempPath(), "spoke-webhooks-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
Console.WriteLine($"Spoke.Webhooks.Bench: {options.Batches} batches x {options.EventsPerBatch} events, {options.Senders} senders, limit {options.Duration.TotalSeconds:0} s per target, {Environment.ProcessorCount} cores");

try
{
    await using var peer = await StartPeerAsync();
    await using var spoke = await StartSpokeAsync(Path.Combine(directory, "inbox.db"), secret, options.Concurrency, options.Dispatch);
    var peerUri = new Uri(Address(peer) + "/hubspot/webhooks");
    var spokeUri = new Uri(Address(spoke) + "/hubspot/webhooks");

    // Warm both (JIT, connections, the SQLite file), with events that are not part of the measured run.
    var load = new LoadGenerator(options, secret);
    await load.RunAsync(peerUri, load.MakeBatches(200, firstEventId: 10_000_000), TimeSpan.FromSeconds(30));
    await load.RunAsync(spokeUri, load.MakeBatches(200, firstEventId: 20_000_000), TimeSpan.FromSeconds(30));

    var peerResult = await load.RunAsync(peerUri, load.MakeBatches(options.Batches, firstEventId: 1), options.Duration);
    var spokeBatches = load.MakeBatches(options.Batches, firstEventId: 1);
    var spokeResult = await load.RunAsync(spokeUri, spokeBatches, options.Duration);

    // Handlers run after the 200: how long the dispatcher took to finish what was acknowledged.
    var inbox = spoke.Services.GetRequiredService<HubSpotWebhookInbox>();
    var processedAtLastAck = (await inbox.CountAsync()).Processed;
    var drain = Stopwatch.StartNew();
    var drainDeadline = TimeSpan.FromSeconds(120);
    while (options.Dispatch && (await inbox.CountAsync()).Pending > 0 && drain.Elapsed < drainDeadline)
    {
        await Task.Delay(50);
    }

    var counts = await inbox.CountAsync();
    Console.WriteLine();
    Console.WriteLine("| target | requests | events | failed | events/s | requests/s | ack p50 ms | ack p99 ms | ack max ms |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    Print("bare Kestrel (read body, 200)", peerResult);
    Print("Spoke receiver (verify v3, parse, SQLite commit)", spokeResult);
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Spoke / bare: events/s {spokeResult.EventsPerSecond / peerResult.EventsPerSecond:0.00}x, ack p50 {spokeResult.P50 / peerResult.P50:0.0}x, ack p99 {spokeResult.P99 / peerResult.P99:0.0}x"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Target ack p99 < 1000 ms: {(spokeResult.P99 < 1000 ? "met" : "MISSED")} ({spokeResult.P99:0.0} ms)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Inbox after the run: {counts.Processed} processed, {counts.Pending} pending, {counts.DeadLettered} dead; handlers finished {drain.Elapsed.TotalSeconds:0.0} s after the last ack ({(counts.Processed - processedAtLastAck) / drain.Elapsed.TotalSeconds:N0} events/s handled alone)"));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

static void Print(string name, LoadResult r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {name} | {r.Requests} | {r.Events} | {r.Failed} | {r.EventsPerSecond:N0} | {r.RequestsPerSecond:N0} | {r.P50:0.00} | {r.P99:0.00} | {r.Max:0.00} |"));

static string Address(WebApplication app) =>
    app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

static async Task<WebApplication> StartPeerAsync()
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    var app = builder.Build();
    app.MapPost("/hubspot/webhooks", async (HttpContext context) =>
    {
        var buffer = new byte[16 * 1024];
        while (await context.Request.Body.ReadAsync(buffer) > 0)
        {
        }

        context.Response.StatusCode = 200;
    });
    await app.StartAsync();
    return app;
}

static async Task<WebApplication> StartSpokeAsync(string inbox, string secret, int concurrency, bool dispatch)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    builder.Services.AddHubSpotWebhooks(o =>
    {
        o.ClientSecret = secret;
        o.SqlitePath = inbox;
        o.MaxConcurrency = concurrency;
        o.RunDispatcher = dispatch;
        o.AcceptedSignatureVersions = HubSpotSignatureVersions.V3;
    }).AddEventHandler((_, _, _) => Task.CompletedTask); // the dispatcher runs (and competes for the file) as in production
    var app = builder.Build();
    app.MapHubSpotWebhooks("/hubspot/webhooks");
    await app.StartAsync();
    return app;
}

internal sealed record BenchOptions(int Batches, int EventsPerBatch, int Senders, TimeSpan Duration, int Concurrency, bool Dispatch)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchOptions(Int("--batches", 3000), Int("--events", 50), Int("--senders", 8), TimeSpan.FromSeconds(Int("--seconds", 30)), Int("--handler-concurrency", 4), !args.Contains("--no-dispatch"));
    }
}

internal sealed record LoadResult(int Requests, int Events, int Failed, TimeSpan Elapsed, double P50, double P99, double Max)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
}

/// <summary>Signed batches (v3, as HubSpot signs them) sent by several concurrent senders; bounded in count and time.</summary>
internal sealed class LoadGenerator(BenchOptions options, string secret)
{
    private static readonly string[] Types = ["contact.propertyChange", "deal.propertyChange", "company.creation", "ticket.propertyChange"];

    public List<byte[]> MakeBatches(int count, long firstEventId)
    {
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var eventId = firstEventId;
        var batches = new List<byte[]>(count);
        var text = new StringBuilder();
        for (var b = 0; b < count; b++)
        {
            text.Clear().Append('[');
            for (var e = 0; e < options.EventsPerBatch; e++)
            {
                var type = Types[random.Next(Types.Length)];
                text.Append(CultureInfo.InvariantCulture,
                    $"{(e == 0 ? "" : ",")}{{\"eventId\":{eventId++},\"subscriptionId\":{1000 + random.Next(4)},\"portalId\":12345678,\"appId\":4242,\"occurredAt\":{now + random.Next(60_000)},\"subscriptionType\":\"{type}\",\"attemptNumber\":0,\"objectId\":{random.Next(1, 20_000)},\"changeSource\":\"CRM\",\"sourceId\":\"userId:1\",\"propertyName\":\"email\",\"propertyValue\":\"user{eventId}@example.com\"}}");
            }

            batches.Add(Encoding.UTF8.GetBytes(text.Append(']').ToString()));
        }

        return batches;
    }

    public async Task<LoadResult> RunAsync(Uri endpoint, List<byte[]> batches, TimeSpan limit)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Senders, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var next = -1;
        var latencies = new double[batches.Count];
        var sent = new bool[batches.Count];
        var failed = 0;
        var clock = Stopwatch.StartNew();
        async Task SendAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count && clock.Elapsed < limit)
            {
                var body = batches[index];
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add(HubSpotSignatureRequest.SignatureV3Header, HubSpotSignature.ComputeV3(secret, "POST", endpoint.AbsoluteUri, body, timestamp));
                request.Headers.Add(HubSpotSignatureRequest.TimestampHeader, timestamp);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                sent[index] = true;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Senders).Select(_ => Task.Run(SendAsync)));
        var elapsed = clock.Elapsed;
        var done = latencies.Where((_, i) => sent[i]).Order().ToArray();
        double Percentile(double p) => done.Length == 0 ? 0 : done[Math.Min(done.Length - 1, (int)Math.Ceiling(p * done.Length) - 1)];
        return new LoadResult(done.Length, (done.Length - failed) * options.EventsPerBatch, failed, elapsed, Percentile(0.50), Percentile(0.99), done.LastOrDefault());
    }
}
