using Spoke.Emulator.RateLimits;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Objects;

public sealed class RateLimitFixture : IAsyncLifetime
{
    public EmulatorFixture Inner { get; } = new() { Configure = o => o.RateLimits = RateLimitTier.Professional };

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

public sealed class RateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    private HubSpotEmulator Emulator => fixture.Inner.Emulator;

    private Api Api => fixture.Inner.Api;

    [Fact]
    public async Task Professional_allows_190_per_ten_seconds_with_headers_then_429_until_the_window_rolls()
    {
        Emulator.RateLimits = RateLimitTier.Professional;
        for (var i = 1; i <= 190; i++)
        {
            var ok = (await Api.Get("/crm/v3/objects/contacts?limit=1")).Expect(200);
            Assert.Equal("190", ok.Headers["X-HubSpot-RateLimit-Max"]);
            Assert.Equal((190 - i).ToString(), ok.Headers["X-HubSpot-RateLimit-Remaining"]);
            Assert.Equal("10000", ok.Headers["X-HubSpot-RateLimit-Interval-Milliseconds"]);
            Assert.Equal("625000", ok.Headers["X-HubSpot-RateLimit-Daily"]);
        }

        var limited = (await Api.Get("/crm/v3/objects/contacts?limit=1")).Expect(429);
        Assert.Equal("TEN_SECONDLY_ROLLING", limited["policyName"].GetValue<string>());
        Assert.Equal("RATE_LIMIT", limited["errorType"].GetValue<string>());
        Assert.Equal("You have reached your ten_secondly_rolling limit.", limited["message"].GetValue<string>());
        Assert.NotNull(limited["correlationId"]);

        Emulator.Clock.Advance(TimeSpan.FromSeconds(10));
        (await Api.Get("/crm/v3/objects/contacts?limit=1")).Expect(200);
    }

    [Fact]
    public async Task Each_private_app_token_has_its_own_ten_second_window()
    {
        Emulator.RateLimits = RateLimitTier.Starter;
        for (var i = 0; i < 100; i++)
        {
            (await Api.Get("/crm/v3/objects/contacts?limit=1")).Expect(200);
        }

        (await Api.Get("/crm/v3/objects/contacts?limit=1")).Expect(429);
        using var other = Api.WithToken(Emulator.CreateToken("crm.objects.contacts.read"));
        (await other.Get("/crm/v3/objects/contacts?limit=1")).Expect(200);
        Emulator.Clock.Advance(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Rejected_counts_every_429_the_limiter_sends_and_survives_clear()
    {
        var clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = new RateLimiter(clock, new FidelityOptions()) { Tier = RateLimitTier.Free };
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(limiter.Check("t", isSearch: false).Rejection);
        }

        Assert.Equal(0, limiter.Rejected);
        Assert.NotNull(limiter.Check("t", isSearch: false).Rejection);
        Assert.NotNull(limiter.Check("t", isSearch: false).Rejection);
        Assert.Equal(2, limiter.Rejected);

        limiter.Clear();
        Assert.Null(limiter.Check("t", isSearch: false).Rejection);
        Assert.Equal(2, limiter.Rejected);
    }

    [Fact]
    public void Daily_budget_rejects_with_policy_daily_and_resets_at_midnight()
    {
        var clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = new RateLimiter(clock, new FidelityOptions()) { Tier = RateLimitTier.Free };
        for (var i = 0; i < 250_000; i++)
        {
            if (i % 100 == 0)
            {
                clock.Advance(TimeSpan.FromSeconds(10));
            }

            Assert.Null(limiter.Check("t", isSearch: false).Rejection);
        }

        var rejected = limiter.Check("t", isSearch: false).Rejection;
        Assert.NotNull(rejected);
        Assert.Equal("You have reached your daily limit.", rejected.Message);
        Assert.Equal("DAILY", rejected.Extra!["policyName"]);

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Null(limiter.Check("t", isSearch: false).Rejection);
    }
}
