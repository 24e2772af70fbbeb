using System.Net;
using System.Net.Http.Headers;
using Spoke.Emulator;
using Spoke.Errors;
using Spoke.RateLimiting;

namespace Spoke.Tests.Http;

/// <summary>The proactive gate against the emulator's real limits, on one fake clock.</summary>
public sealed class RateLimitGateTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task Twenty_concurrent_callers_never_see_a_429_on_a_professional_portal()
    {
        await using var h = fixture.Harness(RateLimitTier.Professional);
        var client = h.Client(configure: o =>
        {
            o.AttemptTimeout = TimeSpan.FromMinutes(10);
            o.TotalTimeout = TimeSpan.FromHours(1);
        });
        var finished = new int[20];

        var callers = Enumerable.Range(0, 20).Select(async caller =>
        {
            for (var i = 0; i < 30; i++)
            {
                await PipelineHarness.ListContactsAsync(client);
                finished[caller]++;
            }
        }).ToArray();
        await h.DriveAsync(Task.WhenAll(callers), TimeSpan.FromMilliseconds(200), maxSteps: 3_000);

        Assert.Equal(0, h.TooManyRequests);
        Assert.Equal(600, h.Responses);
        Assert.All(finished, n => Assert.Equal(30, n));
        // 600 requests at 190 per 10 s need just over 30 s of emulated time: the gate kept the pace up, not just safe.
        Assert.Equal(190, client.Http.Gate!.BurstLimit);
    }

    [Fact]
    public async Task A_batch_of_150_chunks_runs_them_concurrently_inside_the_gate_without_a_429()
    {
        await using var h = fixture.Harness(RateLimitTier.Free);
        var client = h.Client(configure: o =>
        {
            o.MaxBatchConcurrency = 8;
            o.AttemptTimeout = TimeSpan.FromMinutes(10);
            o.TotalTimeout = TimeSpan.FromHours(1);
        });
        // Archiving ids that don't exist succeeds (204), so 15,000 inputs cost 150 requests and no records.
        var ids = Enumerable.Range(1, 15_000).Select(i => (900_000_000_000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var result = await h.DriveAsync(client.Crm.Contacts.BatchArchiveAsync(ids), TimeSpan.FromMilliseconds(200), maxSteps: 3_000);

        Assert.False(result.HasFailures);
        Assert.Equal(Enumerable.Range(0, 15_000), result.Succeeded.Select(s => s.InputIndex));
        Assert.Equal(150, h.Responses);
        Assert.Equal(0, h.TooManyRequests);
        Assert.InRange(h.MaxInFlight, 2, 8);
    }

    [Fact]
    public async Task The_gate_learns_a_lower_budget_from_the_headers_and_holds_callers_to_it()
    {
        await using var h = fixture.Harness(RateLimitTier.Free);
        var client = h.Client(configure: o => o.ExpectedBurstLimit = 250);
        await PipelineHarness.ListContactsAsync(client);
        var gate = client.Http.Gate!;
        Assert.Equal(100, gate.BurstLimit);

        var done = 0;
        var calls = Enumerable.Range(0, 150).Select(async _ =>
        {
            await PipelineHarness.ListContactsAsync(client);
            Interlocked.Increment(ref done);
        }).ToArray();
        await PipelineHarness.WaitUntilAsync(() => Volatile.Read(ref done) == 99 && gate.Waiting(search: false) == 51, "99 pass and 51 wait");
        Assert.Equal(0, h.TooManyRequests);

        await h.DriveAsync(Task.WhenAll(calls), TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, h.TooManyRequests);
        Assert.Equal(151, h.Responses);
    }

    [Fact]
    public async Task Searches_keep_to_five_per_second_on_their_own_budget()
    {
        await using var h = fixture.Harness(RateLimitTier.Professional);
        var client = h.Client(configure: o => o.SearchRateLimiting = HubSpotSearchRateLimiting.Documented);
        var gate = client.Http.Gate!;
        var done = 0;

        var searches = Enumerable.Range(0, 12).Select(async _ =>
        {
            await PipelineHarness.SearchContactsAsync(client);
            Interlocked.Increment(ref done);
        }).ToArray();
        await PipelineHarness.WaitUntilAsync(() => Volatile.Read(ref done) == 5 && gate.Waiting(search: true) == 7, "five searches pass");

        // The burst budget is untouched: a read goes straight through while searches wait.
        await PipelineHarness.ListContactsAsync(client).WaitAsync(TimeSpan.FromSeconds(5));

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await PipelineHarness.WaitUntilAsync(() => Volatile.Read(ref done) == 10, "five more pass a second later");
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(searches).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, h.TooManyRequests);
    }

    [Fact]
    public async Task Two_tokens_have_two_budgets_and_an_exhausted_one_does_not_slow_the_other()
    {
        await using var h = fixture.Harness(RateLimitTier.Free);
        var first = h.Client(h.Token);
        var second = h.Client(h.SecondToken);
        Assert.NotSame(first.Http.Gate, second.Http.Gate);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PipelineHarness.ListContactsAsync(first)));
        var held = PipelineHarness.ListContactsAsync(first);
        await PipelineHarness.WaitUntilAsync(() => first.Http.Gate!.Waiting(search: false) == 1, "the first budget is spent");

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PipelineHarness.ListContactsAsync(second))).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(held.IsCompleted);

        h.Time.Advance(TimeSpan.FromSeconds(10));
        await held.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, h.TooManyRequests);
    }

    [Fact]
    public async Task Clients_of_one_token_share_one_gate()
    {
        await using var h = fixture.Harness();
        Assert.Same(h.Client().Http.Gate, h.Client().Http.Gate);
    }

    [Fact]
    public async Task Clients_given_one_rate_limit_state_share_a_budget_and_clients_with_another_do_not()
    {
        await using var h = fixture.Harness();
        var shared = new HubSpotRateLimitState();
        var first = h.Client(configure: o => (o.RateLimitState, o.ExpectedBurstLimit) = (shared, 2));
        var sameState = h.Client(configure: o => o.RateLimitState = shared);
        var otherState = h.Client(configure: o => o.RateLimitState = new HubSpotRateLimitState());
        Assert.Same(first.Http.Gate, sameState.Http.Gate);
        Assert.NotSame(first.Http.Gate, otherState.Http.Gate);

        // The shared budget of 2 is held by two calls in flight: the next call of either client waits for a slot.
        using var a = await first.Http.Gate!.AcquireAsync(search: false, default);
        using var b = await first.Http.Gate.AcquireAsync(search: false, default);
        var held = PipelineHarness.ListContactsAsync(sameState);
        await PipelineHarness.WaitUntilAsync(() => first.Http.Gate.Waiting(search: false) == 1, "the shared budget is spent");

        await PipelineHarness.ListContactsAsync(otherState).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(held.IsCompleted);
        a.Dispose();
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await held.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_client_on_a_fake_clock_never_gets_a_gate_or_breaker_on_another_clock()
    {
        await using var h = fixture.Harness();
        var shared = new HubSpotRateLimitState();
        var onSystemClock = h.Client(configure: o => (o.RateLimitState, o.TimeProvider) = (shared, TimeProvider.System));
        var onFakeClock = h.Client(configure: o => o.RateLimitState = shared);
        Assert.Same(TimeProvider.System, onSystemClock.Http.Gate!.Time);
        Assert.Same(h.Time, onFakeClock.Http.Gate!.Time);
        Assert.Same(h.Time, h.Client(configure: o => o.RateLimitState = HubSpotRateLimitState.Shared).Http.Gate!.Time);
    }

    [Fact]
    public async Task The_daily_reserve_is_left_to_other_apps()
    {
        await using var h = await PipelineHarness.StartAsync(RateLimitTier.Professional, o => o.Fidelity.ProfessionalDailyLimit = 20);
        var client = h.Client(configure: o => o.DailyBudgetReserve = 0.5);

        for (var i = 0; i < 10; i++)
        {
            await PipelineHarness.ListContactsAsync(client);
        }

        var error = await Assert.ThrowsAsync<HubSpotRateLimitException>(() => PipelineHarness.ListContactsAsync(client));
        Assert.Equal("DAILY", error.PolicyName);
        Assert.Equal((20L, 10L), (error.Limits.DailyMax, error.Limits.DailyRemaining));
        Assert.Equal(10, h.Responses);
    }

    [Fact]
    public async Task Waiters_are_served_first_come_first_served()
    {
        await using var h = fixture.Harness();
        // One slot: a waiter is granted only after the one before it recorded itself and let go of its lease, so the
        // order recorded is the order granted (two granted at once would race to record).
        var gate = new RateLimitGate("fifo-" + Guid.NewGuid(), 1, 0, h.Time);
        var first = await gate.AcquireAsync(false, default);
        var order = new List<int>();
        var waiters = Enumerable.Range(0, 5).Select(async i =>
        {
            using var lease = await gate.AcquireAsync(false, default);
            lock (order)
            {
                order.Add(i);
            }
        }).ToArray();
        first.Dispose();

        await h.DriveAsync(Task.WhenAll(waiters), TimeSpan.FromSeconds(5), maxSteps: 40);
        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task A_server_advertising_1000_per_ten_seconds_is_not_throttled_at_the_assumed_100(HttpStatusCode status)
    {
        await using var h = fixture.Harness();
        var server = new AdvertisingServer(status, max: 1_000);
        var client = h.Client("pat-na1-" + Guid.NewGuid().ToString("N"), transport: server);

        // 300 calls on a clock that never moves: at the Free tier's assumed 100 per 10 s, 200 of them would wait.
        var calls = Enumerable.Range(0, 300).Select(async _ =>
        {
            try
            {
                await PipelineHarness.ListContactsAsync(client);
            }
            catch (HubSpotApiException e) when (e.Status == 404)
            {
                // An error answer teaches the gate as much as a success.
            }
        });
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(300, server.Answered);
        Assert.Equal(1_000, client.Http.Gate!.BurstLimit);
    }

    [Fact]
    public async Task A_429_without_retry_after_waits_until_the_window_frees_a_slot_not_a_whole_window()
    {
        await using var h = fixture.Harness(RateLimitTier.Free);
        var client = h.Client();
        for (var i = 0; i < 50; i++)
        {
            await PipelineHarness.ListContactsAsync(client);
        }

        // Five seconds on, another process spends the other 50 of the token's 100 per 10 s, unknown to the gate.
        h.Time.Advance(TimeSpan.FromSeconds(5));
        using (var other = new HttpClient { BaseAddress = h.Emulator.BaseUri })
        {
            other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", h.Token);
            for (var i = 0; i < 50; i++)
            {
                using var answer = await other.GetAsync(new Uri(PipelineHarness.ContactsPath + "?limit=1", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }
        }

        var call = PipelineHarness.ListContactsAsync(client);
        await PipelineHarness.WaitUntilAsync(() => h.TooManyRequests == 1, "the 429 (no Retry-After) arrived");
        var rejectedAt = h.Time.GetUtcNow();
        await h.DriveAsync(call, TimeSpan.FromMilliseconds(100));

        // The gate's oldest send in the window was 5 s before the 429: the retry went when that one aged out, into a window
        // HubSpot had room in, 5 s later instead of a whole 10-second window.
        Assert.InRange(h.Time.GetUtcNow() - rejectedAt, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5.5));
        Assert.Equal(1, h.TooManyRequests);
    }

    [Fact]
    public async Task Auto_does_not_pace_searches_against_a_server_other_than_HubSpot_until_it_refuses_one()
    {
        await using var h = fixture.Harness();
        var client = h.Client();

        // Twenty searches at one instant: a 5-per-second pace would hold fifteen of them for three seconds.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PipelineHarness.SearchContactsAsync(client))).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Null(client.Http.Gate!.SearchLimit);
        Assert.Equal(0, h.TooManyRequests);
    }

    [Fact]
    public async Task A_learned_search_limit_costs_one_429_then_holds_the_tokens_searches_to_five_per_second()
    {
        await using var h = fixture.Harness(RateLimitTier.Professional);
        var client = h.Client(configure: o => o.SearchRateLimiting = HubSpotSearchRateLimiting.Learned);
        for (var i = 0; i < 5; i++)
        {
            await PipelineHarness.SearchContactsAsync(client);
        }

        // The sixth in the same second is refused (SECONDLY, no Retry-After), waits for the second to roll, then passes.
        await h.DriveAsync(PipelineHarness.SearchContactsAsync(client), TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, h.TooManyRequests);
        Assert.Equal(5, client.Http.Gate!.SearchLimit);

        // Remembered for the token: another client of it paces twelve concurrent searches with no 429.
        var other = h.Client(configure: o => o.SearchRateLimiting = HubSpotSearchRateLimiting.Learned);
        await h.DriveAsync(Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PipelineHarness.SearchContactsAsync(other))), TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, h.TooManyRequests);
    }

    [Theory]
    [InlineData("https://api.hubapi.com/", HubSpotSearchRateLimiting.Auto, 5)]
    [InlineData("https://api-eu1.hubapi.com/", HubSpotSearchRateLimiting.Auto, 5)]
    [InlineData("https://api.hubspot.com/", HubSpotSearchRateLimiting.Auto, 5)]
    [InlineData("https://api.hubapi.com.example.org/", HubSpotSearchRateLimiting.Auto, null)]
    [InlineData("http://127.0.0.1:8080/", HubSpotSearchRateLimiting.Auto, null)]
    [InlineData("http://127.0.0.1:8080/", HubSpotSearchRateLimiting.Documented, 5)]
    [InlineData("https://api.hubapi.com/", HubSpotSearchRateLimiting.Learned, null)]
    public void Auto_paces_searches_from_the_start_only_on_HubSpots_own_host(string baseUri, HubSpotSearchRateLimiting mode, int? expected)
    {
        using var http = new HttpClient();
        var client = new HubSpotClient(http, new HubSpotClientOptions
        {
            BaseUri = new Uri(baseUri), AccessToken = "pat-na1-" + Guid.NewGuid().ToString("N"), SearchRateLimiting = mode,
        });

        Assert.Equal(expected, client.Http.Gate!.SearchLimit);
    }

    [Fact]
    public async Task A_slow_answer_does_not_count_the_clients_own_earlier_sends_as_another_processs()
    {
        await using var h = fixture.Harness();
        var server = new RollingWindowServer(h.Time, max: 10);
        var client = h.Client("pat-na1-" + Guid.NewGuid().ToString("N"), transport: server);
        for (var i = 0; i < 9; i++)
        {
            await PipelineHarness.ListContactsAsync(client);
        }

        // The tenth arrives at once (HubSpot's window is now full: Remaining 0) but its answer takes 10.5 s, during which
        // the first nine age out of both windows and one more call goes through.
        var slow = server.HoldNext();
        var slowCall = PipelineHarness.ListContactsAsync(client);
        await slow.Arrived.WaitAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(10.5));
        await PipelineHarness.ListContactsAsync(client).WaitAsync(TimeSpan.FromSeconds(5));
        slow.Release();
        await slowCall.WaitAsync(TimeSpan.FromSeconds(5));

        // HubSpot's window holds one call now; the gate's, conservatively, two (the slow one counts from its answer).
        // Eight more fit at once: the slow answer's "Remaining 0" was our own nine, not another process's spending.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PipelineHarness.ListContactsAsync(client))).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(19, server.Answered);
    }

    /// <summary>HubSpot's burst window in miniature: counts arrivals over a rolling 10 s and answers Remaining as of each
    /// arrival; <see cref="HoldNext"/> keeps the next answer back until released.</summary>
    private sealed class RollingWindowServer(TimeProvider time, int max) : HttpMessageHandler
    {
        private readonly Queue<DateTimeOffset> _arrivals = new();
        private Held? _hold;
        private int _answered;

        public int Answered => Volatile.Read(ref _answered);

        public Held HoldNext() => _hold = new Held();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int remaining;
            Held? hold;
            lock (_arrivals)
            {
                var now = time.GetUtcNow();
                while (_arrivals.Count > 0 && _arrivals.Peek() + TimeSpan.FromSeconds(10) <= now)
                {
                    _arrivals.Dequeue();
                }

                _arrivals.Enqueue(now);
                remaining = Math.Max(0, max - _arrivals.Count);
                hold = _hold;
                _hold = null;
            }

            if (hold is not null)
            {
                hold.ArrivedNow();
                await hold.Released.WaitAsync(cancellationToken);
            }

            Interlocked.Increment(ref _answered);
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"results\":[]}", System.Text.Encoding.UTF8, "application/json"),
            };
            response.Headers.Add("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
            response.Headers.Add("X-HubSpot-RateLimit-Max", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.Headers.Add("X-HubSpot-RateLimit-Remaining", remaining.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }

        public sealed class Held
        {
            private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public Task Arrived => _arrived.Task;
            public Task Released => _released.Task;
            public void ArrivedNow() => _arrived.TrySetResult();
            public void Release() => _released.TrySetResult();
        }
    }

    /// <summary>Answers every request with <paramref name="status"/> and HubSpot's headers advertising <paramref name="max"/> per 10 s.</summary>
    private sealed class AdvertisingServer(HttpStatusCode status, int max) : HttpMessageHandler
    {
        private int _answered;

        public int Answered => Volatile.Read(ref _answered);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _answered);
            var response = new HttpResponseMessage(status)
            {
                Content = new StringContent(status == HttpStatusCode.OK
                    ? "{\"results\":[]}"
                    : "{\"status\":\"error\",\"message\":\"Not found\",\"category\":\"OBJECT_NOT_FOUND\",\"correlationId\":\"c\"}",
                    System.Text.Encoding.UTF8, "application/json"),
            };
            var headers = response.Headers;
            headers.Add("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
            headers.Add("X-HubSpot-RateLimit-Max", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
            headers.Add("X-HubSpot-RateLimit-Remaining", Math.Max(0, max - n).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.FromResult(response);
        }
    }
}
