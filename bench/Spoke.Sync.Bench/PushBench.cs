using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dapper;
using Microsoft.Data.Sqlite;
using Spoke;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.RateLimiting;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Sync.Watch;

/// <summary>
/// Push throughput and <c>--watch --push</c> latency against the in-process emulator at <c>--rate-limits professional</c>
/// (190 requests per 10 s, so at 100 records a call the ceiling is 1,900 records/s), on a SQLite mirror, all on
/// 127.0.0.1:
/// 1. <c>--updates</c> local updates (one UPDATE of the mirror, captured by its triggers) and <c>--creates</c> local
///    inserts (provisional ids, unique emails) pushed by one <see cref="SyncPusher.PushAsync"/>: wall time, calls, 429s
///    (the emulator's and the client's), records/s against the ceiling, and records per created email in the portal.
/// 2. A <see cref="SyncWatcher"/> with the pusher (polling, a pass every 5 min) while <c>--watch-changes</c> local
///    updates are committed at <c>--watch-rate</c> per second: the time from each change's capture (its commit) to
///    HubSpot confirming it (the outbox's pushed_at), p50/p99.
///
///   dotnet run -c Release --project bench/Spoke.Sync.Bench -- --push [--updates 10000] [--creates 1000] [--watch-changes 1000] [--watch-rate 20]
/// </summary>
internal static class PushBench
{
    private const int PerTenSeconds = 190;

    public static async Task<int> RunAsync(string[] args)
    {
        var updates = int.Parse(Arg(args, "--updates", "10000"), CultureInfo.InvariantCulture);
        var creates = int.Parse(Arg(args, "--creates", "1000"), CultureInfo.InvariantCulture);
        var watchChanges = int.Parse(Arg(args, "--watch-changes", "1000"), CultureInfo.InvariantCulture);
        var watchRate = double.Parse(Arg(args, "--watch-rate", "20"), CultureInfo.InvariantCulture);
        Console.WriteLine($"Spoke push benchmark — {updates:N0} local updates + {creates:N0} local creates at --rate-limits professional ({PerTenSeconds} requests/10 s → ceiling {PerTenSeconds * 10:N0} records/s), then --watch --push latency over {watchChanges:N0} changes at {watchRate:0.#}/s; SQLite mirror; {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        emulator.RateLimits = RateLimitTier.Off;
        var seeder = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token, MaxBatchConcurrency = 4 });
        var seedCount = Math.Max(updates, watchChanges);
        (await seeder.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, seedCount).Select(i => new PropertyBag().Set("email", $"b{i}@push.example").Set("firstname", $"B{i}")))).EnsureAllSucceeded();

        var scratch = Directory.CreateTempSubdirectory("spoke-pushbench-");
        try
        {
            var file = Path.Combine(scratch.FullName, "mirror.db");
            await using var store = await SqliteSyncStore.OpenAsync(file);
            var options = new SyncOptions { ObjectTypes = { "contacts" } };
            if (!(await new SyncEngine(seeder, store, options).RunAsync()).Succeeded)
            {
                throw new InvalidOperationException("the first sync failed");
            }

            // ---- 1. throughput ----
            await using (var connection = new SqliteConnection($"Data Source={file}"))
            {
                await connection.OpenAsync();
                await using var tx = await connection.BeginTransactionAsync();
                await connection.ExecuteAsync(
                    $"UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', 'Pushed ' || id) WHERE id IN (SELECT id FROM obj_contacts ORDER BY id LIMIT {updates})", transaction: tx);
                for (var i = 0; i < creates; i++)
                {
                    await connection.ExecuteAsync("INSERT INTO obj_contacts (portal_id, id, properties) VALUES (@portal, @id, json_object('email', @email, 'firstname', 'Made locally'))",
                        new { portal = emulator.PortalId, id = $"new-{i}", email = $"local-{i}@push.example" }, tx);
                }

                await tx.CommitAsync();
            }

            var counts = await SyncOutbox.CountAsync(store, emulator.PortalId);
            Console.WriteLine($"captured: {counts.Pending:N0} pending changes");
            emulator.RateLimits = RateLimitTier.Professional; // a fresh 10-s window
            var rejectedBefore = emulator.RateLimitRejections;
            var counter = new Calls { InnerHandler = new SocketsHttpHandler() };
            var client = new HubSpotClient(new HttpClient(counter) { Timeout = Timeout.InfiniteTimeSpan }, new HubSpotClientOptions
            {
                BaseUri = emulator.BaseUri, AccessToken = emulator.Token, RateLimitTier = HubSpotRateLimitTier.Professional,
            });
            var watch = Stopwatch.StartNew();
            var result = await new SyncPusher(client, store).PushAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            var pushed = result.Pushed;
            var rate = pushed / seconds;
            var emulator429 = emulator.RateLimitRejections - rejectedBefore;
            emulator.RateLimits = RateLimitTier.Off;
            var portal = await seeder.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["email"] }).ToListAsync();
            var perEmail = portal.Where(c => c.Properties.GetString("email")?.StartsWith("local-", StringComparison.Ordinal) == true)
                .GroupBy(c => c.Properties.GetString("email")).ToList();
            var duplicates = perEmail.Sum(g => g.Count() - 1);
            Console.WriteLine();
            Console.WriteLine("push: changes  pushed  rejected  retrying  wall s  calls  rec/s  of ceiling  429s (emu/client)  created emails  duplicates");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"      {updates + creates,7:N0} {pushed,7:N0} {result.Rejected,9:N0} {result.Retrying,9:N0} {seconds,7:F2} {counter.Count,6:N0} {rate,6:N0} {rate / (PerTenSeconds * 10),11:P1} {emulator429,9}/{counter.TooMany,-8} {perEmail.Count,15:N0} {duplicates,11:N0}"));
            Console.WriteLine($"target ≥ 90% of the ceiling, zero 429s, zero duplicates: {(rate >= 0.9 * PerTenSeconds * 10 && emulator429 == 0 && counter.TooMany == 0 && duplicates == 0 && perEmail.Count == creates ? "met" : "MISSED")}");

            // ---- 2. --watch --push latency ----
            Console.WriteLine();
            Console.WriteLine($"== --watch --push: {watchChanges:N0} changes at {watchRate:0.#}/s");
            emulator.RateLimits = RateLimitTier.Professional;
            var watcher = new SyncWatcher(new SyncEngine(client, store, options), null, new SyncWatchOptions
            {
                PollInterval = TimeSpan.FromMinutes(5),
                Pusher = new SyncPusher(client, store),
            });
            using var stop = new CancellationTokenSource();
            var passed = new TaskCompletionSource();
            var running = watcher.RunAsync(new Progress(r => { if (r.Pass is not null) { passed.TrySetResult(); } }), stop.Token);
            await passed.Task.WaitAsync(TimeSpan.FromMinutes(2));
            long firstChange;
            await using (var connection = new SqliteConnection($"Data Source={file}"))
            {
                await connection.OpenAsync();
                firstChange = await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(change_id), 0) + 1 FROM sync_outbox");
                var ids = (await connection.QueryAsync<string>($"SELECT id FROM obj_contacts WHERE id NOT LIKE 'new-%' ORDER BY id LIMIT {watchChanges}")).ToList();
                var pace = Stopwatch.StartNew();
                for (var i = 0; i < ids.Count; i++)
                {
                    var due = TimeSpan.FromSeconds(i / watchRate);
                    if (due > pace.Elapsed)
                    {
                        await Task.Delay(due - pace.Elapsed); // the steady pace of the writer, not a wait for the code under test
                    }

                    await connection.ExecuteAsync("UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', @name) WHERE id = @id", new { id = ids[i], name = $"Watched {i}" });
                }
            }

            var bound = Stopwatch.StartNew();
            while ((await SyncOutbox.CountAsync(store, emulator.PortalId)).Pending > 0 && bound.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(50);
            }

            await stop.CancelAsync();
            await running;
            List<double> latencies;
            await using (var connection = new SqliteConnection($"Data Source={file}"))
            {
                latencies = [.. (await connection.QueryAsync<(string Captured, string? Pushed)>(
                    "SELECT captured_at, pushed_at FROM sync_outbox WHERE change_id >= @firstChange AND state = 'pushed'", new { firstChange }))
                    .Select(r => (DateTimeOffset.Parse(r.Pushed!, CultureInfo.InvariantCulture) - DateTimeOffset.Parse(r.Captured, CultureInfo.InvariantCulture)).TotalSeconds)];
            }

            Console.WriteLine("changes  pushed  p50 s  p99 s  max s");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{watchChanges,7:N0} {latencies.Count,7:N0} {Percentile(latencies, 0.5),6:F3} {Percentile(latencies, 0.99),6:F3} {(latencies.Count == 0 ? double.NaN : latencies.Max()),6:F3}"));
            Console.WriteLine($"target p99 under 5 s: {(latencies.Count == watchChanges && Percentile(latencies, 0.99) < 5 ? "met" : "MISSED")}");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            scratch.Delete(recursive: true);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed class Progress(Action<SyncWatchReport> report) : IProgress<SyncWatchReport>
    {
        public void Report(SyncWatchReport value) => report(value);
    }

    /// <summary>Calls the pusher's client sent (retries counted) and how many got a 429.</summary>
    private sealed class Calls : DelegatingHandler
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
}
