using System.Net;
using System.Text;
using Spoke.Webhooks.Events;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;
using static Spoke.Webhooks.Tests.Infrastructure.WebhookSender;

namespace Spoke.Webhooks.Tests.Crash;

/// <summary>
/// The receiver as a real process (tests/Spoke.Webhooks.TestHost), killed with SIGKILL mid-stream several times:
/// every acknowledged event must end with exactly one effect (written in the handler's inbox transaction).
/// </summary>
public sealed class KillNineTests : IDisposable
{
    private readonly TempInboxDirectory _directory = new("kill9");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_acknowledged_event_has_exactly_one_effect_after_repeated_kill_minus_9()
    {
        var inbox = _directory.File("inbox.db");
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var random = new Random(9);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // 160 batches of 25 events over 300 objects; every tenth batch redelivers an earlier batch's events.
        var batches = new List<string>();
        var eventId = 0L;
        for (var b = 0; b < 160; b++)
        {
            if (b % 10 == 9)
            {
                var earlier = System.Text.Json.Nodes.JsonNode.Parse(batches[random.Next(batches.Count)])!.AsArray();
                foreach (var e in earlier)
                {
                    e!["attemptNumber"] = 1;
                }

                batches.Add(earlier.ToJsonString());
                continue;
            }

            batches.Add(Body([.. Enumerable.Range(0, 25).Select(_ =>
                Event("contact.propertyChange", random.Next(300), now + random.Next(100_000), eventId: ++eventId, property: "email", value: $"v{eventId}"))]));
        }

        var expectedKeys = batches.SelectMany(KeysOf).ToHashSet(StringComparer.Ordinal);
        var acknowledged = new HashSet<int>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var kills = 0;
        var host = await TestHostProcess.StartAsync(inbox, secret);
        try
        {
            // Rounds: send every unacknowledged batch with 4 senders; kill -9 the host after a random number of acks.
            for (var round = 0; acknowledged.Count < batches.Count; round++)
            {
                Assert.True(round < 30, "the batches were never all acknowledged");
                var killAfter = kills < 4 ? random.Next(5, 30) : int.MaxValue;
                var ackedThisRound = 0;
                var pending = new Queue<int>(Enumerable.Range(0, batches.Count).Where(i => !acknowledged.Contains(i)));
                var gate = new object();
                var endpoint = host.Endpoint;
                async Task SendAsync()
                {
                    while (true)
                    {
                        int index;
                        lock (gate)
                        {
                            if (pending.Count == 0 || ackedThisRound >= killAfter)
                            {
                                return;
                            }

                            index = pending.Dequeue();
                        }

                        try
                        {
                            using var response = await http.SendAsync(Signed(endpoint, batches[index], secret, DateTimeOffset.UtcNow));
                            if (response.StatusCode == HttpStatusCode.OK)
                            {
                                lock (gate)
                                {
                                    acknowledged.Add(index);
                                    ackedThisRound++;
                                }
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                        {
                            // The host died under this request: not acknowledged, so it is sent again.
                        }
                    }
                }

                var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(SendAsync)).ToArray();
                if (killAfter != int.MaxValue)
                {
                    await Eventually.TrueAsync(() => { lock (gate) { return ackedThisRound >= killAfter || pending.Count == 0; } }, "acks before the kill", TimeSpan.FromSeconds(60));
                    host.KillNine(); // while senders are mid-request and handlers mid-transaction
                    kills++;
                }

                await Task.WhenAll(senders);
                if (host.HasExited)
                {
                    await host.DisposeAsync();
                    host = await TestHostProcess.StartAsync(inbox, secret);
                }
            }

            Assert.True(kills >= 4, $"only {kills} kills");
            await Eventually.TrueAsync(async () => (await CountsAsync(inbox)).Pending == 0, "the restarted host drained the inbox", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await host.DisposeAsync();
        }

        var effects = await EffectsAsync(inbox);
        Assert.Equal(expectedKeys.Count, (await CountsAsync(inbox)).Processed);
        var duplicated = effects.Where(kv => kv.Value != 1).Select(kv => $"{kv.Key}×{kv.Value}").ToList();
        Assert.True(duplicated.Count == 0, "effects not exactly once: " + string.Join(", ", duplicated.Take(10)));
        var missing = expectedKeys.Where(k => !effects.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events have no effect");
    }

    private static IEnumerable<string> KeysOf(string body)
    {
        Assert.True(WebhookEventParser.TryParse(Encoding.UTF8.GetBytes(body), out var events, out var error), error);
        return events.Select(e => e.DedupeKey);
    }

    private static Task<InboxCounts> CountsAsync(string inbox) => TestHostProcess.CountsAsync(inbox);

    private static Task<Dictionary<string, long>> EffectsAsync(string inbox) => TestHostProcess.EffectsAsync(inbox);
}
