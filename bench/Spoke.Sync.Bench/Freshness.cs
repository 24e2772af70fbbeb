using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Spoke;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Watch;
using Spoke.Webhooks.Inbox;

/// <summary>
/// Freshness in <c>--watch</c>: the time from a write's response to its row in the mirror, over N writes at a bounded
/// rate, once with webhooks (the emulator's app → a loopback receiver → the inbox → the watcher) and once with polling
/// alone. Each write sets a unique value on a distinct contact; a reader polls the mirror (SQLite) every 10 ms for it.
/// The emulator runs in process with rate limits off (the writes are another app's), on 127.0.0.1.
///
///   dotnet run -c Release --project bench/Spoke.Sync.Bench -- --freshness [--quick] [--writes 1000] [--rate 20] [--poll-seconds 10]
/// </summary>
internal static class FreshnessBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var writes = int.Parse(Arg(args, "--writes", quick ? "100" : "1000"), CultureInfo.InvariantCulture);
        var rate = double.Parse(Arg(args, "--rate", "20"), CultureInfo.InvariantCulture);
        var pollSeconds = double.Parse(Arg(args, "--poll-seconds", "10"), CultureInfo.InvariantCulture);
        var contacts = Math.Max(writes * 2, 200);
        Console.WriteLine($"Spoke watch freshness benchmark — {writes:N0} writes at {rate:0.#}/s to distinct contacts of {contacts:N0}; SQLite mirror; {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var results = new List<(string Mode, List<double> Seconds, int Lost)>();
        foreach (var webhooks in new[] { true, false })
        {
            results.Add(await RunModeAsync(webhooks, writes, rate, TimeSpan.FromSeconds(pollSeconds), contacts));
        }

        Console.WriteLine();
        Console.WriteLine("mode                          writes  seen   p50 s   p99 s   max s");
        foreach (var (mode, seconds, lost) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mode,-29} {writes,6} {seconds.Count,5} {Percentile(seconds, 0.50),7:F3} {Percentile(seconds, 0.99),7:F3} {(seconds.Count == 0 ? double.NaN : seconds.Max()),7:F3}{(lost > 0 ? $"  ({lost} never seen)" : "")}"));
        }

        var withWebhooks = results[0];
        var met = withWebhooks.Lost == 0 && Percentile(withWebhooks.Seconds, 0.99) < 2;
        Console.WriteLine($"target p99 under 2 s with webhooks: {(met ? "met" : "MISSED")}");
        return 0;
    }

    private static async Task<(string Mode, List<double> Seconds, int Lost)> RunModeAsync(bool webhooks, int writes, double rate, TimeSpan pollInterval, int contacts)
    {
        var mode = webhooks ? "webhooks (pass every 5 min)" : string.Create(CultureInfo.InvariantCulture, $"polling every {pollInterval.TotalSeconds:0.#} s");
        Console.WriteLine();
        Console.WriteLine($"== {mode}");
        // Seeded a day in the past (the clock then jumps to the present), so the data is older than the lookback.
        var clock = new EmulatorClock(new ShiftedTime(TimeSpan.FromDays(-1)));
        await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            Port = 0,
            Clock = clock,
            ClientSecret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
        });
        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token, MaxBatchConcurrency = 4 });
        var created = await client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, contacts).Select(i =>
            new PropertyBag().Set("email", $"f{i}@fresh.example").Set("firstname", $"F{i}")));
        var ids = created.EnsureAllSucceeded().Values.Select(c => c.Id).ToArray();
        clock.Advance(TimeSpan.FromDays(1));

        var scratch = Directory.CreateTempSubdirectory("spoke-freshness-");
        try
        {
            await using var store = await SqliteSyncStore.OpenAsync(Path.Combine(scratch.FullName, "mirror.db"));
            await using var inbox = webhooks ? new SqliteWebhookInboxStore(Path.Combine(scratch.FullName, "inbox.db")) : null;
            await using var receiver = inbox is null ? null
                : await SyncWebhookReceiver.StartAsync(new Uri("http://127.0.0.1:0/hubspot/webhooks"), emulator.ClientSecret, inbox, clock);
            if (receiver is not null)
            {
                var subscriptions = await SyncWebhookApp.SubscribeAsync(client, emulator.BaseUri, emulator.AppId, emulator.DeveloperApiKey, receiver.Endpoint, ["contacts"]);
                Console.WriteLine($"receiver {receiver.Endpoint}, {subscriptions} subscriptions");
            }

            var options = new SyncOptions();
            options.ObjectTypes.Add("contacts");
            var engine = new SyncEngine(client, store, options, clock);
            var watcher = new SyncWatcher(engine, inbox, new SyncWatchOptions { PollInterval = webhooks ? TimeSpan.FromMinutes(5) : pollInterval });
            var passes = 0;
            var batches = 0;
            using var stop = new CancellationTokenSource();
            var running = watcher.RunAsync(new Reports(r =>
            {
                if (r.Pass is not null)
                {
                    Interlocked.Increment(ref passes);
                }
                else if (r.Batch is not null)
                {
                    Interlocked.Increment(ref batches);
                }
                else
                {
                    Console.WriteLine($"watch failure: {r.Error}");
                }
            }), stop.Token);

            // The first pass (the backfill) first: freshness is about changes after it.
            for (var i = 0; i < 6000 && Volatile.Read(ref passes) == 0; i++)
            {
                await Task.Delay(10);
            }

            if (passes == 0)
            {
                throw new InvalidOperationException("the backfill did not finish within 60 s");
            }

            var pending = new ConcurrentDictionary<string, (string Value, long WrittenAt)>();
            var seen = new ConcurrentBag<double>();
            using var readerStop = new CancellationTokenSource();
            var reader = Task.Run(async () =>
            {
                while (!readerStop.IsCancellationRequested || !pending.IsEmpty)
                {
                    if (!pending.IsEmpty)
                    {
                        var snapshot = pending.ToArray();
                        foreach (var chunk in snapshot.Chunk(500))
                        {
                            var rows = await store.GetRecordsAsync(emulator.PortalId, "contacts", [.. chunk.Select(p => p.Key)]);
                            var now = Stopwatch.GetTimestamp();
                            foreach (var row in rows)
                            {
                                if (pending.TryGetValue(row.Id, out var want) && row.Properties.TryGetValue("firstname", out var value) && value == want.Value)
                                {
                                    seen.Add(Stopwatch.GetElapsedTime(want.WrittenAt, now).TotalSeconds);
                                    pending.TryRemove(row.Id, out _);
                                }
                            }
                        }
                    }

                    if (readerStop.IsCancellationRequested && !pending.IsEmpty)
                    {
                        break; // the drain deadline passed: what is left was never seen
                    }

                    await Task.Delay(10);
                }
            });

            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < writes; i++)
            {
                // A bounded rate: write i goes out at i / rate seconds.
                var due = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                var value = string.Create(CultureInfo.InvariantCulture, $"fresh-{i}-{Guid.NewGuid():N}");
                await client.Crm.Contacts.UpdateAsync(ids[i], new PropertyBag().Set("firstname", value));
                pending[ids[i]] = (value, Stopwatch.GetTimestamp());
            }

            // Every write is waited for up to two poll intervals (or 30 s with webhooks) after the last one.
            var drainDeadline = Stopwatch.GetTimestamp();
            var drain = webhooks ? TimeSpan.FromSeconds(30) : pollInterval * 2 + TimeSpan.FromSeconds(10);
            while (!pending.IsEmpty && Stopwatch.GetElapsedTime(drainDeadline) < drain)
            {
                await Task.Delay(50);
            }

            await readerStop.CancelAsync();
            await reader;
            await stop.CancelAsync();
            await running;
            Console.WriteLine($"{seen.Count} of {writes} seen; {passes} passes, {batches} webhook batches");
            return (mode, [.. seen.Order()], pending.Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            scratch.Delete(recursive: true);
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed class Reports(Action<SyncWatchReport> report) : IProgress<SyncWatchReport>
    {
        public void Report(SyncWatchReport value) => report(value);
    }
}
