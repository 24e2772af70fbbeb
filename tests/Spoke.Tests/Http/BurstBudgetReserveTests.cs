using Spoke.Crm;
using Spoke.Emulator;

namespace Spoke.Tests.Http;

/// <summary>The burst-budget reserve: a share of the portal's 10-second budget left to other apps, on one fake clock.</summary>
public sealed class BurstBudgetReserveTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task A_client_with_a_10_percent_reserve_stops_at_171_of_190_and_never_sees_a_429()
    {
        await using var h = fixture.Harness(RateLimitTier.Professional);
        var client = h.Client(configure: o => (o.RateLimitTier, o.BurstBudgetReserve) = (Spoke.RateLimiting.HubSpotRateLimitTier.Professional, 0.1));
        var gate = client.Http.Gate!;
        var done = 0;

        var calls = Enumerable.Range(0, 200).Select(async _ =>
        {
            await PipelineHarness.ListContactsAsync(client);
            Interlocked.Increment(ref done);
        }).ToArray();
        await PipelineHarness.WaitUntilAsync(() => Volatile.Read(ref done) == 171 && gate.Waiting(search: false) == 29, "171 pass and 29 wait");

        var usage = client.RateLimitUsage;
        Assert.Equal((171, 190, 19, 171), (usage.Used, usage.Limit, usage.Reserved, usage.WindowUsed));
        Assert.Equal(0.9, usage.Share, 3);

        await h.DriveAsync(Task.WhenAll(calls), TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, h.TooManyRequests);
        Assert.Equal(200, h.Responses);
    }

    [Fact]
    public async Task What_another_app_spent_counts_against_the_share_a_reserving_client_uses()
    {
        await using var h = fixture.Harness(RateLimitTier.Professional);
        // Another process on the same token (its own gate): 100 of the window's 190.
        var other = h.Client(configure: o => o.RateLimitState = new Spoke.RateLimiting.HubSpotRateLimitState());
        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PipelineHarness.ListContactsAsync(other)));
        var client = h.Client(configure: o => o.BurstBudgetReserve = 0.05);
        await PipelineHarness.ListContactsAsync(client);
        var gate = client.Http.Gate!;
        Assert.Equal(101, client.RateLimitUsage.WindowUsed);

        var done = 0;
        var calls = Enumerable.Range(0, 100).Select(async _ =>
        {
            await PipelineHarness.ListContactsAsync(client);
            Interlocked.Increment(ref done);
        }).ToArray();
        // 190 less a reserve of 10 is 180; the other app's 100 and our first call leave 79.
        await PipelineHarness.WaitUntilAsync(() => Volatile.Read(ref done) == 79 && gate.Waiting(search: false) == 21, "79 pass and 21 wait");
        Assert.Equal((80, 10, 180), (client.RateLimitUsage.Used, client.RateLimitUsage.Reserved, client.RateLimitUsage.WindowUsed));

        await h.DriveAsync(Task.WhenAll(calls), TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, h.TooManyRequests);
    }

    [Fact]
    public async Task WithBurstBudgetReserve_shares_the_gate_and_leaves_the_original_client_unreserved()
    {
        await using var h = fixture.Harness(RateLimitTier.Free);
        var client = h.Client();
        var reserving = client.WithBurstBudgetReserve(0.5);
        Assert.Same(client.Http.Gate, reserving.Http.Gate);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.WithBurstBudgetReserve(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.WithBurstBudgetReserve(-0.1));

        // The reserving client stops at half the Free budget of 100; the original client still gets the rest.
        var held = Enumerable.Range(0, 51).Select(_ => PipelineHarness.ListContactsAsync(reserving)).ToArray();
        await PipelineHarness.WaitUntilAsync(() => held.Count(t => t.IsCompleted) == 50 && client.Http.Gate!.Waiting(search: false) == 1, "50 pass");
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PipelineHarness.ListContactsAsync(client))).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((50, 50), (reserving.RateLimitUsage.Used, client.RateLimitUsage.Used));

        await h.DriveAsync(Task.WhenAll(held), TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, h.TooManyRequests);
    }

    [Fact]
    public async Task CountAsync_is_the_search_total_of_the_type_or_of_a_filter()
    {
        await using var h = await PipelineHarness.StartAsync();
        var client = h.Client();
        var created = await client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 7).Select(i =>
            new CrmCreateInput(new PropertyBag().Set("email", $"count{i}@example.com").Set("lastname", i < 3 ? "Three" : "Four"))));
        Assert.False(created.HasFailures);

        Assert.Equal(7, await client.Crm.Contacts.CountAsync());
        Assert.Equal(3, await client.Crm.Contacts.CountAsync(new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("lastname", "Three"))));
    }
}
