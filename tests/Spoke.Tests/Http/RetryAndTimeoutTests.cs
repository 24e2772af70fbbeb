using System.Net.Sockets;
using Spoke.Batching;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Errors;
using Spoke.Http;

namespace Spoke.Tests.Http;

/// <summary>Retries, timeouts and the circuit breaker against the emulator's faults, on a fake clock.</summary>
public sealed class RetryAndTimeoutTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    private static PropertyBag NewContact() => new PropertyBag().Set("email", $"r{Guid.NewGuid():N}@example.com");

    [Fact]
    public async Task A_get_is_retried_through_a_burst_of_5xx_and_succeeds()
    {
        await using var h = fixture.Harness();
        var fired = h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.Status, Status = 503, Count = 3 });
        var requests = h.CountRequests();

        var result = await h.DriveAsync(PipelineHarness.ListContactsAsync(h.Client()), Step);

        Assert.True(result.TryGetProperty("results", out _));
        Assert.Equal(3, fired());
        Assert.Equal(4, requests());
    }

    [Fact]
    public async Task A_create_answered_5xx_after_it_executed_is_not_sent_again()
    {
        await using var h = fixture.Harness();
        var fired = h.Fired(new FaultRule { Route = "POST *", Kind = FaultKind.Status, Status = 500, AfterExecute = true, Count = 1 });
        var requests = h.CountRequests("POST *");

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => h.DriveAsync(h.Client().Crm.Contacts.CreateAsync(NewContact()), Step));

        Assert.Equal(500, (int)error.Status);
        Assert.Equal(1, fired());
        Assert.Equal(1, requests());
        Assert.Equal(1, await h.ContactCountAsync());
    }

    [Fact]
    public async Task A_create_its_caller_marks_idempotent_is_sent_again_after_a_5xx_and_the_mark_ends_with_its_scope()
    {
        await using var h = fixture.Harness();
        var fired = h.Fired(new FaultRule { Route = "POST *", Kind = FaultKind.Status, Status = 500, AfterExecute = true, Count = 1 });
        var requests = h.CountRequests("POST *");
        var client = h.Client();

        CrmObject created;
        using (HubSpotCall.TreatAsIdempotent())
        {
            created = await h.DriveAsync(client.Crm.Contacts.CreateAsync(new PropertyBag().Set("firstname", "Ada")), Step);
        }

        Assert.NotEmpty(created.Id);
        Assert.Equal(1, fired());
        Assert.Equal(2, requests());
        // The first attempt executed too: the caller's promise is what makes the re-send safe, so Spoke never assumes it.
        Assert.Equal(2, await h.ContactCountAsync());

        h.Fired(new FaultRule { Route = "POST *", Kind = FaultKind.Status, Status = 500, AfterExecute = true, Count = 1 });
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => h.DriveAsync(client.Crm.Contacts.CreateAsync(NewContact()), Step));
        Assert.Equal(500, (int)error.Status);
        Assert.Equal(3, requests());
    }

    [Fact]
    public async Task A_batch_create_marked_idempotent_re_sends_its_chunk_after_a_5xx()
    {
        await using var h = fixture.Harness();
        h.Fired(new FaultRule { Route = "POST */batch/create", Kind = FaultKind.Status, Status = 503, Count = 1 });
        var requests = h.CountRequests("POST */batch/create");
        var client = h.Client();

        var unmarked = await h.DriveAsync(client.Crm.Contacts.BatchCreateAsync([NewContact(), NewContact()]), Step);
        Assert.All(unmarked.Failed, f => Assert.True(f.ChunkFailed && f.MayHaveBeenApplied));
        Assert.Equal(2, unmarked.Failed.Count);

        h.Fired(new FaultRule { Route = "POST */batch/create", Kind = FaultKind.Status, Status = 503, Count = 1 });
        BatchResult<CrmObject> marked;
        using (HubSpotCall.TreatAsIdempotent())
        {
            marked = await h.DriveAsync(client.Crm.Contacts.BatchCreateAsync([NewContact(), NewContact()]), Step);
        }

        Assert.Equal([0, 1], marked.Succeeded.Select(s => s.InputIndex));
        Assert.Equal(3, requests());
    }

    [Fact]
    public async Task A_create_whose_connection_dropped_is_not_sent_again_and_says_it_may_have_reached_hubspot()
    {
        await using var h = fixture.Harness();
        h.Fired(new FaultRule { Route = "POST *", Kind = FaultKind.Drop, Count = 1 });
        var requests = h.CountRequests("POST *");

        var error = await Assert.ThrowsAsync<HubSpotTransportException>(() => h.DriveAsync(h.Client().Crm.Contacts.CreateAsync(NewContact()), Step));

        Assert.True(error.MayHaveReachedHubSpot, error.ToString());
        Assert.Equal(HubSpotTransportException.TransportCategory, error.Category);
        Assert.Equal(1, requests());
    }

    [Fact]
    public async Task A_create_refused_with_429s_is_sent_again_and_made_once()
    {
        await using var h = fixture.Harness();
        var fired = h.Fired(new FaultRule { Route = "POST *", Kind = FaultKind.RateLimit, Count = 2 });

        var created = await h.DriveAsync(h.Client().Crm.Contacts.CreateAsync(NewContact()), TimeSpan.FromSeconds(1));

        Assert.NotEmpty(created.Id);
        Assert.Equal(2, fired());
        Assert.Equal(1, await h.ContactCountAsync());
    }

    [Fact]
    public async Task A_create_whose_connection_was_refused_before_sending_is_sent_again()
    {
        await using var h = fixture.Harness();
        var connects = 0;
        var transport = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                if (Interlocked.Increment(ref connects) == 1)
                {
                    throw new SocketException((int)SocketError.ConnectionRefused);
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };

        var created = await h.DriveAsync(h.Client(transport: transport).Crm.Contacts.CreateAsync(NewContact()), Step);

        Assert.NotEmpty(created.Id);
        Assert.Equal(2, connects);
        Assert.Equal(1, await h.ContactCountAsync());
    }

    [Fact]
    public async Task A_ten_secondly_429_waits_out_the_window_on_the_clock()
    {
        await using var h = fixture.Harness();
        h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.RateLimit, Count = 1 });
        var requests = h.CountRequests();

        var call = PipelineHarness.ListContactsAsync(h.Client());
        await PipelineHarness.WaitUntilAsync(() => h.TooManyRequests == 1, "the 429 arrived");
        var rejectedAt = h.Time.GetUtcNow();

        await h.DriveAsync(call, TimeSpan.FromMilliseconds(250));

        // The gate knew of no other send in the window, so it held the retry a whole window (10 s) on the clock; nobody slept.
        Assert.InRange(h.Time.GetUtcNow() - rejectedAt, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11.5));
        Assert.Equal(2, requests());
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_after_that_delay_not_the_window()
    {
        await using var h = await PipelineHarness.StartAsync(configure: o => o.Fidelity.SendRetryAfterOn429 = true);
        h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.RateLimit, Count = 1 });
        var requests = h.CountRequests();

        var call = PipelineHarness.ListContactsAsync(h.Client());
        await PipelineHarness.WaitUntilAsync(() => h.TooManyRequests == 1, "the 429 arrived");
        var rejectedAt = h.Time.GetUtcNow();

        await h.DriveAsync(call, TimeSpan.FromMilliseconds(50));

        // The fault answers Retry-After: 1; the retry came after it (plus up to 10% jitter), long before the 10 s window.
        Assert.InRange(h.Time.GetUtcNow() - rejectedAt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.3));
        Assert.Equal(2, requests());
    }

    [Fact]
    public async Task A_daily_429_is_not_retried_and_holds_later_calls_back()
    {
        await using var h = fixture.Harness();
        h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.RateLimit, Policy = "DAILY", Count = 1 });
        var client = h.Client();

        var error = await Assert.ThrowsAsync<HubSpotRateLimitException>(() => h.DriveAsync(PipelineHarness.ListContactsAsync(client), Step));
        Assert.Equal("DAILY", error.PolicyName);
        Assert.Equal(1, h.Responses);

        var held = await Assert.ThrowsAsync<HubSpotRateLimitException>(() => PipelineHarness.ListContactsAsync(client));
        Assert.Equal("DAILY", held.PolicyName);
        Assert.Equal(1, h.Responses);
    }

    [Fact]
    public async Task An_attempt_that_hangs_is_abandoned_after_the_attempt_timeout_and_retried()
    {
        await using var h = fixture.Harness();
        var fired = h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.Timeout, TimeoutMs = 10_000, Count = 1 });
        var client = h.Client(configure: o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
        var started = h.Time.GetUtcNow();

        var call = PipelineHarness.ListContactsAsync(client);
        await PipelineHarness.WaitUntilAsync(() => fired() == 1, "the first attempt hangs");
        h.Time.Advance(TimeSpan.FromSeconds(2));
        await h.DriveAsync(call, Step);

        Assert.Equal(1, fired());
        Assert.Equal(1, h.Responses);
        Assert.InRange(h.Time.GetUtcNow() - started, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_total_timeout_bounds_a_call_that_never_gets_an_answer()
    {
        await using var h = fixture.Harness();
        h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.Timeout, TimeoutMs = 10_000 });
        var client = h.Client(configure: o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.TotalTimeout = TimeSpan.FromSeconds(4);
            o.MaxRetries = 50;
        });
        var started = h.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<HubSpotTransportException>(() =>
            h.DriveAsync(PipelineHarness.ListContactsAsync(client), Step, advanceWhileInFlight: true));

        Assert.Equal(HubSpotTransportException.TimeoutCategory, error.Category);
        // The clock keeps stepping while the last attempt unwinds (more steps on a loaded machine); 50 retries of 1 s
        // attempts would need 50 s and more.
        Assert.InRange(h.Time.GetUtcNow() - started, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(12));
    }

    [Fact]
    public async Task A_create_that_timed_out_is_not_sent_again()
    {
        await using var h = fixture.Harness();
        h.Fired(new FaultRule { Route = "POST *", Kind = FaultKind.Timeout, TimeoutMs = 10_000, AfterExecute = true, Count = 1 });
        var requests = h.CountRequests("POST *");
        var client = h.Client(configure: o => o.AttemptTimeout = TimeSpan.FromSeconds(1));

        var call = client.Crm.Contacts.CreateAsync(NewContact());
        await PipelineHarness.WaitUntilAsync(() => requests() == 1, "the create arrives");
        await PipelineHarness.WaitUntilAsync(() => h.ContactCountAsync().GetAwaiter().GetResult() == 1, "the create executed and hangs");
        h.Time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<HubSpotTransportException>(() => h.DriveAsync(call, Step));
        Assert.Equal(HubSpotTransportException.TimeoutCategory, error.Category);
        Assert.True(error.MayHaveReachedHubSpot);
        Assert.Equal(1, requests());
        Assert.Equal(1, await h.ContactCountAsync());
    }

    [Fact]
    public async Task A_run_of_429s_never_trips_the_circuit_breaker()
    {
        await using var h = fixture.Harness();
        var fired = h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.RateLimit, Count = 30 });
        var client = h.Client(configure: o =>
        {
            o.MaxRetries = 40;
            o.TotalTimeout = TimeSpan.FromHours(1);
        });

        await h.DriveAsync(PipelineHarness.ListContactsAsync(client), TimeSpan.FromSeconds(2), maxSteps: 1_000);

        Assert.Equal(30, fired());
    }

    [Fact]
    public async Task A_run_of_5xx_opens_the_circuit_and_later_calls_fail_fast()
    {
        await using var h = fixture.Harness();
        h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.Status, Status = 503 });
        var requests = h.CountRequests();
        var client = h.Client(configure: o => o.MaxRetries = 0);
        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<HubSpotApiException>(() => PipelineHarness.ListContactsAsync(client));
        }

        var error = await Assert.ThrowsAsync<HubSpotTransportException>(() => PipelineHarness.ListContactsAsync(client));

        Assert.Equal(HubSpotTransportException.CircuitOpenCategory, error.Category);
        Assert.False(error.MayHaveReachedHubSpot);
        Assert.Equal(20, requests());
    }
}
