using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Webhooks;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Webhooks;

/// <summary>How events reach the app (docs/hubspot-api.md §8): batches, concurrency, signatures, retries on the emulator clock, faults, log.</summary>
public sealed class WebhookDeliveryTests(WebhooksFixture fixture) : IClassFixture<WebhooksFixture>
{
    private HubSpotEmulator Emulator => fixture.Emulator;

    private WebhookReceiver Receiver => fixture.Receiver;

    private Task ContactCreated() => fixture.ResetAsync(new { eventType = "contact.creation" });

    private async Task CreateContacts(int count)
    {
        var inputs = Enumerable.Range(0, count).Select(i => new { properties = new { email = $"c{i}-{Guid.NewGuid():N}@example.com" } }).ToArray();
        (await fixture.Api.Post("/crm/v3/objects/contacts/batch/create", new { inputs })).Expect(201);
    }

    private async Task<WebhookDeliveryAttempt> Attempt(int count)
    {
        await WebhookReceiver.Until(() => Emulator.Webhooks.Deliveries.Count >= count, $"delivery attempt {count}");
        return Emulator.Webhooks.Deliveries[count - 1];
    }

    [Fact]
    public void The_v1_signature_matches_the_docs_test_vector()
    {
        const string body = "[{\"eventId\":1,\"subscriptionId\":12345,\"portalId\":62515,\"occurredAt\":1564113600000,\"subscriptionType\":\"contact.creation\",\"attemptNumber\":0,\"objectId\":123,\"changeSource\":\"CRM\",\"changeFlag\":\"NEW\",\"appId\":54321}]";
        Assert.Equal("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", WebhookSignatures.V1("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", body));
    }

    [Fact]
    public void The_v3_uri_decodes_only_the_escapes_HubSpot_lists()
    {
        Assert.Equal("https://example.com/a:b/c?x=@y&z=%20(1)", WebhookSignatures.V3Uri("https://example.com/a%3Ab/c?x=%40y&z=%20%281%29"));
        Assert.Equal("https://example.com/plain?q=1", WebhookSignatures.V3Uri("https://example.com/plain?q=1"));
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(null, " ")]
    public async Task Bad_app_options_fail_with_what_was_wrong(long? appId, string? secret)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { AppId = appId, ClientSecret = secret }));
        Assert.Contains(appId is null ? "ClientSecret" : "AppId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliveries_carry_v1_and_v3_signatures_over_the_exact_body()
    {
        await ContactCreated();
        await Contact(fixture.Api);
        await fixture.DeliveredAsync();
        var request = Assert.Single(Receiver.Received);
        var secret = Emulator.ClientSecret;
        Assert.Equal("POST", request.Method);
        Assert.Equal("v1", request.Headers["X-HubSpot-Signature-Version"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret + request.Body))), request.Headers["X-HubSpot-Signature"]);
        var timestamp = request.Headers["X-HubSpot-Request-Timestamp"];
        // The emulator clock (frozen here; other tests in this class advance it).
        Assert.Equal(Emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), timestamp);
        var v3 = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("POST" + request.Url + request.Body + timestamp)));
        Assert.Equal(v3, request.Headers["X-HubSpot-Signature-v3"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_carry_non_ASCII_text_as_UTF_8_not_escapes()
    {
        await fixture.ResetAsync(new { eventType = "contact.propertyChange", propertyName = "city" });
        (await fixture.Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "u@example.com", city = "Zürich 東京" } })).Expect(201);
        await fixture.DeliveredAsync();
        var body = Assert.Single(Receiver.Received).Body;
        Assert.Contains("\"propertyValue\":\"Zürich 東京\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_escape_switch_writes_non_ASCII_text_as_escapes_and_signs_those_bytes()
    {
        await fixture.ResetAsync(new { eventType = "contact.propertyChange", propertyName = "city" });
        Emulator.Portal.Fidelity.WebhookEscapeNonAscii = true;
        try
        {
            (await fixture.Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "e@example.com", city = "Zürich" } })).Expect(201);
            await fixture.DeliveredAsync();
            var request = Assert.Single(Receiver.Received);
            Assert.Contains("\"propertyValue\":\"Z\\u00FCrich\"", request.Body, StringComparison.Ordinal);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Emulator.ClientSecret + request.Body))), request.Headers["X-HubSpot-Signature"]);
        }
        finally
        {
            Emulator.Portal.Fidelity.WebhookEscapeNonAscii = false;
        }
    }

    [Fact]
    public async Task The_first_retry_delay_switch_sets_the_base_of_the_schedule()
    {
        await ContactCreated();
        Emulator.Portal.Fidelity.WebhookFirstRetryDelay = TimeSpan.FromSeconds(10);
        try
        {
            Receiver.Respond = (_, _) => Task.FromResult(500);
            await Contact(fixture.Api);
            var first = await Attempt(1);
            Assert.InRange(first.NextRetryAt!.Value - first.At, TimeSpan.FromSeconds(7.5), TimeSpan.FromSeconds(12.5));
            Emulator.Clock.Advance(first.NextRetryAt.Value - Emulator.Clock.GetUtcNow());
            var second = await Attempt(2);
            Assert.InRange(second.NextRetryAt!.Value - second.At, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(25));
        }
        finally
        {
            Emulator.Portal.Fidelity.WebhookFirstRetryDelay = TimeSpan.FromMinutes(1);
        }
    }

    [Fact]
    public async Task Events_go_in_arrays_of_at_most_100()
    {
        await ContactCreated();
        await CreateContacts(100);
        await CreateContacts(100);
        await CreateContacts(50);
        var events = await fixture.DeliveredAsync();
        Assert.Equal(250, events.Count);
        Assert.All(Receiver.Received, r => Assert.InRange(r.Events.Count, 1, 100));
        Assert.Contains(Receiver.Received, r => r.Events.Count == 100);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(3, 3)]
    [InlineData(50, 10)] // settings can lower the limit, not raise it past HubSpot's 10
    public async Task At_most_the_concurrency_limit_is_in_flight(int configured, int expected)
    {
        await ContactCreated();
        (await fixture.Developer.Put(fixture.Path("/settings"), new { targetUrl = Receiver.Url.ToString(), throttling = new { maxConcurrentRequests = configured } })).Expect(200);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Receiver.Respond = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return 200;
        };
        Emulator.Portal.Fidelity.WebhookMaxEventsPerRequest = 1;
        try
        {
            await CreateContacts(30);
            await WebhookReceiver.Until(() => Receiver.InFlight == expected, $"{expected} requests in flight");
            var (queued, inFlight, _) = Emulator.Webhooks.Backlog;
            Assert.Equal(expected, inFlight);
            Assert.Equal(30 - expected, queued);
            release.SetResult();
            Assert.Equal(30, (await fixture.DeliveredAsync()).Count);
            Assert.Equal(expected, Receiver.MaxInFlight);
        }
        finally
        {
            release.TrySetResult();
            Emulator.Portal.Fidelity.WebhookMaxEventsPerRequest = 100;
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(400)]
    [InlineData(404)]
    public async Task A_failed_status_is_retried_when_the_emulator_clock_reaches_the_retry_time(int status)
    {
        await ContactCreated();
        var calls = 0;
        Receiver.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? status : 200);
        await Contact(fixture.Api);
        var first = await Attempt(1);
        Assert.Equal("status", first.Outcome);
        Assert.Equal(status, first.Status);
        Assert.Equal(0, first.AttemptNumber);
        Assert.NotNull(first.NextRetryAt);
        Assert.InRange(first.NextRetryAt!.Value - first.At, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2));

        // Not before its time: the queue is idle with one retry scheduled.
        Assert.True(await Emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(Receiver.Received);
        Assert.Equal(1, Emulator.Webhooks.Backlog.Scheduled);

        Emulator.Clock.Advance(first.NextRetryAt.Value - Emulator.Clock.GetUtcNow());
        var second = await Attempt(2);
        Assert.Equal("delivered", second.Outcome);
        Assert.Equal(1, second.AttemptNumber);
        Assert.Equal(first.EventIds, second.EventIds);
        Assert.Equal(2, Receiver.Received.Count);
        Assert.Equal(1, Receiver.Received[1].Events[0]!["attemptNumber"]!.GetValue<int>());
        Assert.Equal(Receiver.Received[0].Events[0]!["eventId"]!.GetValue<long>(), Receiver.Received[1].Events[0]!["eventId"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_refused_connection_is_retried()
    {
        await ContactCreated();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        (await fixture.Developer.Put(fixture.Path("/settings"), new { targetUrl = $"http://127.0.0.1:{port}/hooks", throttling = new { maxConcurrentRequests = 10 } })).Expect(200);
        await Contact(fixture.Api);
        var first = await Attempt(1);
        Assert.Equal("connection", first.Outcome);
        Assert.Null(first.Status);
        Assert.NotNull(first.NextRetryAt);

        (await fixture.Developer.Put(fixture.Path("/settings"), new { targetUrl = Receiver.Url.ToString(), throttling = new { maxConcurrentRequests = 10 } })).Expect(200);
        (await fixture.Api.Post("/_emulator/webhooks/flush", null)).Expect(200);
        var second = await Attempt(2);
        Assert.Equal("delivered", second.Outcome);
        Assert.Equal(1, Assert.Single(Receiver.Received).Events[0]!["attemptNumber"]!.GetValue<int>());
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_retried()
    {
        await ContactCreated();
        var calls = 0;
        Receiver.Respond = async (_, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct); // ended by the emulator's 1.5 s timeout
            }

            return 200;
        };
        await Contact(fixture.Api);
        var first = await Attempt(1);
        Assert.Equal("timeout", first.Outcome);
        Assert.InRange(first.ElapsedMilliseconds, 1_000, 20_000);
        Emulator.Clock.Advance(first.NextRetryAt!.Value - Emulator.Clock.GetUtcNow());
        var second = await Attempt(2);
        Assert.Equal("delivered", second.Outcome);
        Assert.Equal(1, second.AttemptNumber);
    }

    [Fact]
    public async Task It_gives_up_after_ten_retries_spread_over_less_than_24_hours()
    {
        await ContactCreated();
        Receiver.Respond = (_, _) => Task.FromResult(500);
        await Contact(fixture.Api);
        for (var n = 1; n <= 11; n++)
        {
            var attempt = await Attempt(n);
            Assert.Equal(n - 1, attempt.AttemptNumber);
            if (n <= 10)
            {
                Assert.False(attempt.GaveUp);
                Emulator.Clock.Advance(attempt.NextRetryAt!.Value - Emulator.Clock.GetUtcNow());
            }
        }

        var log = Emulator.Webhooks.Deliveries;
        Assert.True(log[^1].GaveUp);
        Assert.Null(log[^1].NextRetryAt);
        Assert.InRange(log[^1].At - log[0].At, TimeSpan.FromHours(4), TimeSpan.FromHours(24));
        // Delays grow.
        Assert.True(log[9].At - log[8].At > log[1].At - log[0].At);
        Emulator.Clock.Advance(TimeSpan.FromDays(2));
        Assert.True(await Emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(11, Receiver.Received.Count);
        Assert.Equal(Enumerable.Range(0, 11), Receiver.Received.Select(r => r.Events[0]!["attemptNumber"]!.GetValue<int>()));
        Assert.Equal(0, Emulator.Webhooks.Backlog.Scheduled);
    }

    [Fact]
    public async Task The_duplicates_switch_sends_a_request_twice()
    {
        await ContactCreated();
        Emulator.Webhooks.Faults = new WebhookDeliveryFaults { Duplicates = new WebhookFaultSwitch { Count = 1 }, Seed = 3 };
        await Contact(fixture.Api);
        // The first request must be out before the second change: otherwise a busy machine batches both events into
        // one request, and its copy makes only two requests.
        await Attempt(1);
        await Contact(fixture.Api);
        await WebhookReceiver.Until(() => Receiver.Received.Count == 3, "three requests");
        await fixture.DeliveredAsync();
        var bodies = Receiver.Received.Select(r => r.Body).ToList();
        Assert.Equal(3, bodies.Count);
        // One request went twice, byte for byte (same events, same attempt number); the other once.
        Assert.Equal([1, 2], bodies.GroupBy(b => b, StringComparer.Ordinal).Select(g => g.Count()).Order());
        Assert.Contains(Emulator.Webhooks.Deliveries, d => d.Duplicate);
    }

    [Fact]
    public async Task The_out_of_order_switch_sends_the_newest_events_first()
    {
        await ContactCreated();
        (await fixture.Api.Put("/_emulator/webhooks/faults", new { outOfOrder = new { probability = 1, count = 1 }, seed = 9 })).Expect(200);
        await CreateContacts(5);
        var ids = (await fixture.DeliveredAsync(asReceived: true)).Select(e => e["eventId"]!.GetValue<long>()).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.True(Emulator.Webhooks.Deliveries[0].OutOfOrder);
        Assert.Equal(9, (await fixture.Api.Get("/_emulator/webhooks/faults")).Expect(200)["seed"].GetValue<int>());
        (await fixture.Api.Put("/_emulator/webhooks/faults", new { duplicates = new { probability = 2 } })).Expect(400);
    }

    [Fact]
    public async Task The_delivery_log_shows_each_attempt_and_never_the_secret()
    {
        await ContactCreated();
        var calls = 0;
        Receiver.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? 502 : 200);
        await Contact(fixture.Api);
        await Attempt(1);
        (await fixture.Api.Post("/_emulator/webhooks/flush", null)).Expect(200);
        var reply = (await fixture.Api.Get("/_emulator/webhooks/deliveries")).Expect(200);
        var results = reply["results"].AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal("status", results[0]!["outcome"]!.GetValue<string>());
        Assert.Equal(502, results[0]!["status"]!.GetValue<int>());
        Assert.NotNull(results[0]!["nextRetryAt"]);
        Assert.Equal(1, results[0]!["eventCount"]!.GetValue<int>());
        Assert.Equal(Receiver.Url.ToString(), results[0]!["targetUrl"]!.GetValue<string>());
        Assert.Equal("delivered", results[1]!["outcome"]!.GetValue<string>());
        Assert.Equal(1, results[1]!["attemptNumber"]!.GetValue<int>());
        Assert.DoesNotContain(Emulator.ClientSecret, reply.Text, StringComparison.Ordinal);
        (await fixture.Api.Delete("/_emulator/webhooks/deliveries")).Expect(204);
        Assert.Empty(Emulator.Webhooks.Deliveries);
    }
}
