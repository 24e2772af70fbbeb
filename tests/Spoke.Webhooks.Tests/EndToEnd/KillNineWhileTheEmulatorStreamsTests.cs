using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Spoke.Emulator;
using Spoke.Webhooks.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Spoke.Webhooks.Tests.EndToEnd;

/// <summary>
/// Issue 5's crash test: the emulator streams thousands of events to the receiver process (tests/Spoke.Webhooks.TestHost)
/// while the test SIGKILLs it at random moments and restarts it on the same port and inbox. Afterwards every event the
/// receiver acknowledged has exactly one effect, and every event it did not was redelivered by the emulator (driven by
/// its clock) and has exactly one effect too.
/// </summary>
public sealed class KillNineWhileTheEmulatorStreamsTests(ITestOutputHelper output) : IDisposable
{
    private const int Contacts = 4_000;
    private const int BatchSize = 100;
    private const int Kills = 4;

    /// <summary>The emulator's clock runs ahead of real time by the retries' backoff (minutes); the host's v3 window must allow it.</summary>
    private static readonly TimeSpan HostTolerance = TimeSpan.FromDays(1);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "spoke-e2e-kill9-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        TestHostProcess.ReleaseFiles();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Every_event_the_emulator_generated_has_exactly_one_effect_after_repeated_kill_minus_9()
    {
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(_directory);
        var inbox = Path.Combine(_directory, "inbox.db");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var options = new HubSpotEmulatorOptions { ClientSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) };
        options.Fidelity.WebhookTimeoutMilliseconds = 2_000;
        await using var emulator = await HubSpotEmulator.StartAsync(options);
        using var crm = new HttpClient { BaseAddress = emulator.BaseUri };
        crm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.Token);
        using var developer = new HttpClient { BaseAddress = emulator.BaseUri }; // the webhooks API takes ?hapikey= only

        var host = await TestHostProcess.StartAsync(inbox, emulator.ClientSecret, tolerance: HostTolerance);
        var port = host.Port;
        var killAfterBatch = Enumerable.Range(2, (Contacts / BatchSize) - 4).OrderBy(_ => random.Next()).Take(Kills).ToHashSet();
        var kills = 0;
        var restarts = 0;
        var pendingAtKills = 0L;
        try
        {
            // Configured as a user would: settings and subscriptions through the webhooks API with the developer key.
            await ExpectAsync(developer.PutAsJsonAsync(AppPath(emulator, "/settings"), new { targetUrl = host.Endpoint.AbsoluteUri, throttling = new { maxConcurrentRequests = 10 } }), 200);
            await ExpectAsync(developer.PostAsJsonAsync(AppPath(emulator, "/subscriptions"), new { eventType = "contact.creation", active = true }), 201);
            await ExpectAsync(developer.PostAsJsonAsync(AppPath(emulator, "/subscriptions"), new { eventType = "contact.propertyChange", propertyName = "firstname", active = true }), 201);

            var down = false;
            for (var batch = 0; batch < Contacts / BatchSize; batch++)
            {
                var inputs = Enumerable.Range(batch * BatchSize, BatchSize).Select(i => new { properties = new { email = $"c{i}@example.com", firstname = $"First {i}" } });
                await ExpectAsync(crm.PostAsJsonAsync("/crm/v3/objects/contacts/batch/create", new { inputs }), 201);
                if (down)
                {
                    // The batch made while the host was dead failed to connect; bring it back and let the retries run.
                    host = await TestHostProcess.StartAsync(inbox, emulator.ClientSecret, port, HostTolerance);
                    restarts++;
                    down = false;
                    await FireRetriesAsync(emulator);
                }

                if (killAfterBatch.Contains(batch))
                {
                    // A random moment mid-stream: after a few more acknowledgements, with requests and handlers in flight.
                    var delivered = Delivered(emulator);
                    var more = random.Next(1, 6);
                    await Eventually.TrueAsync(() => Delivered(emulator) >= delivered + more || emulator.Webhooks.IsIdle, "deliveries before the kill", TimeSpan.FromSeconds(20));
                    host.KillNine();
                    await host.DisposeAsync();
                    kills++;
                    pendingAtKills += (await TestHostProcess.CountsAsync(inbox)).Pending; // acknowledged, not yet handled
                    down = true;
                }
            }

            if (down)
            {
                host = await TestHostProcess.StartAsync(inbox, emulator.ClientSecret, port, HostTolerance);
                restarts++;
            }

            await FireRetriesAsync(emulator);
            Assert.Equal((0, 0, 0), emulator.Webhooks.Backlog);
            await Eventually.TrueAsync(async () => (await TestHostProcess.CountsAsync(inbox)).Pending == 0, "the host handled every stored event", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await host.DisposeAsync();
        }

        var log = emulator.Webhooks.Deliveries;
        Assert.True(log.Count < 10_000, "the delivery log dropped entries; the test needs all of them");
        Assert.DoesNotContain(log, d => d.GaveUp);
        var generated = log.SelectMany(d => d.EventIds).ToHashSet();
        var acknowledged = log.Where(d => d.Outcome == "delivered").SelectMany(d => d.EventIds).ToHashSet();
        var firstAcknowledged = log.Where(d => d.AttemptNumber == 0 && d.Outcome == "delivered").SelectMany(d => d.EventIds).ToHashSet();

        // Effects per emulator event id, through the inbox row that holds each event.
        var stored = await TestHostProcess.StoredEventsAsync(inbox);
        var effectsByEvent = new Dictionary<long, long>();
        var outcomes = log.SelectMany(d => d.EventIds.Select(id => (id, d.AttemptNumber, d.Outcome))).ToLookup(x => (x.id, x.AttemptNumber), x => x.Outcome);
        var storedButUnacknowledged = 0; // committed by a host that died before its 200: the redelivery was a duplicate
        foreach (var (json, effects) in stored)
        {
            var e = JsonNode.Parse(json)!;
            var eventId = e["eventId"]!.GetValue<long>();
            effectsByEvent[eventId] = effectsByEvent.GetValueOrDefault(eventId) + effects;
            if (!outcomes[(eventId, e["attemptNumber"]!.GetValue<int>())].Contains("delivered"))
            {
                storedButUnacknowledged++;
            }
        }

        var effectRows = await TestHostProcess.EffectsAsync(inbox);
        var figures = $"seed {seed}: {generated.Count} events generated, {kills} kills, {restarts} restarts, {log.Count} deliveries " +
            $"({log.Count(d => d.Outcome != "delivered")} failed, {log.Count(d => d.AttemptNumber > 0)} retries), " +
            $"{generated.Count - firstAcknowledged.Count} events redelivered after a failed attempt ({storedButUnacknowledged} of them already committed: absorbed as duplicates), {pendingAtKills} acknowledged-but-unhandled events at the kills (summed), {effectRows.Values.Sum()} effects, {watch.Elapsed.TotalSeconds:F1} s";
        output.WriteLine(figures);

        Assert.Equal(Kills, kills);
        Assert.Equal(Contacts * 2, generated.Count); // a creation and a firstname propertyChange per contact
        var lostAcknowledged = acknowledged.Where(id => effectsByEvent.GetValueOrDefault(id) == 0).Order().ToList();
        Assert.True(lostAcknowledged.Count == 0, $"{figures}\nacknowledged events with no effect: {string.Join(", ", lostAcknowledged.Take(50))}");
        var redelivered = log.Where(d => d.Outcome == "delivered" && d.AttemptNumber > 0).SelectMany(d => d.EventIds).ToHashSet();
        var neverRedelivered = log.Where(d => d.Outcome != "delivered").SelectMany(d => d.EventIds).Where(id => !redelivered.Contains(id)).Distinct().Order().ToList();
        Assert.True(neverRedelivered.Count == 0, $"{figures}\nevents of failed deliveries the emulator never delivered again: {string.Join(", ", neverRedelivered.Take(50))}");
        var lost = generated.Where(id => effectsByEvent.GetValueOrDefault(id) == 0).Order().ToList();
        Assert.True(lost.Count == 0, $"{figures}\ngenerated events never handled (not redelivered?): {string.Join(", ", lost.Take(50))}");
        var doubled = effectsByEvent.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key}×{kv.Value}").ToList();
        Assert.True(doubled.Count == 0, $"{figures}\nevents with more than one effect: {string.Join(", ", doubled.Take(50))}");
        var doubledKeys = effectRows.Where(kv => kv.Value != 1).Select(kv => $"{kv.Key}×{kv.Value}").ToList();
        Assert.True(doubledKeys.Count == 0, $"{figures}\nduplicated effect rows: {string.Join(", ", doubledKeys.Take(50))}");
        Assert.Equal(generated.Count, effectRows.Count);
        Assert.True(generated.Count > firstAcknowledged.Count, $"{figures}\nno event needed a redelivery: the kills missed the stream");
    }

    private static int Delivered(HubSpotEmulator emulator) => emulator.Webhooks.Deliveries.Count(d => d.Outcome == "delivered");

    /// <summary>
    /// Lets the emulator deliver everything: waits for the requests under way, then moves its clock just past the
    /// latest scheduled retry (never sleeping for time to pass), until nothing is scheduled.
    /// </summary>
    private static async Task FireRetriesAsync(HubSpotEmulator emulator)
    {
        for (var round = 0; ; round++)
        {
            Assert.True(await emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(30)), $"the emulator did not settle: {emulator.Webhooks.Backlog}");
            if (emulator.Webhooks.Backlog.Scheduled == 0)
            {
                return;
            }

            Assert.True(round < 10, $"retries still scheduled after {round} clock advances: {emulator.Webhooks.Backlog}");
            var now = emulator.Clock.GetUtcNow();
            var latest = emulator.Webhooks.Deliveries.Max(d => d.NextRetryAt) ?? now;
            emulator.Clock.Advance((latest > now ? latest - now : TimeSpan.Zero) + TimeSpan.FromSeconds(1));
        }
    }

    private static string AppPath(HubSpotEmulator emulator, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"/webhooks/v3/{emulator.AppId}{suffix}?hapikey={emulator.DeveloperApiKey}");

    private static async Task ExpectAsync(Task<HttpResponseMessage> call, int status)
    {
        using var response = await call;
        Assert.True((int)response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
