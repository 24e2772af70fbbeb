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
        var client = h.Client();
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
        var gate = new RateLimitGate("fifo-" + Guid.NewGuid(), 2, 0, h.Time);
        var first = await gate.AcquireAsync(false, default);
        var second = await gate.AcquireAsync(false, default);
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
        second.Dispose();

        await h.DriveAsync(Task.WhenAll(waiters), TimeSpan.FromSeconds(5), maxSteps: 20);
        Assert.Equal([0, 1, 2, 3, 4], order);
    }
}
