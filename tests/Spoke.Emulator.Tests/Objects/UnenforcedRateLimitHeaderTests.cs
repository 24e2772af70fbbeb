using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Objects;

/// <summary>
/// With limits off (the default) the emulator still sends HubSpot's rate-limit headers on every non-search answer,
/// advertising a budget it does not enforce, so a client that paces by them is never slowed.
/// </summary>
public sealed class UnenforcedRateLimitHeaderTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly string[] HubSpotHeaders =
    [
        "X-HubSpot-RateLimit-Daily", "X-HubSpot-RateLimit-Daily-Remaining", "X-HubSpot-RateLimit-Interval-Milliseconds",
        "X-HubSpot-RateLimit-Max", "X-HubSpot-RateLimit-Remaining", "X-HubSpot-RateLimit-Secondly",
        "X-HubSpot-RateLimit-Secondly-Remaining",
    ];

    [Fact]
    public async Task Every_non_search_answer_carries_the_advertised_budget_with_limits_off_and_search_carries_none()
    {
        Assert.Equal(RateLimitTier.Off, fixture.Emulator.RateLimits);
        var answers = new[]
        {
            (await fixture.Api.Get("/crm/v3/objects/contacts?limit=1")).Expect(200),
            (await fixture.Api.Post("/crm/objects/2026-09/contacts", new { properties = new { email = $"u{Guid.NewGuid():N}@example.com" } })).Expect(201),
            (await fixture.Api.Get("/crm/v3/objects/contacts/999999999999")).Expect(404),
            (await fixture.Api.Post("/crm/v3/objects/contacts/batch/read", new { inputs = "not a list" })).Expect(400),
        };

        foreach (var answer in answers)
        {
            Assert.All(HubSpotHeaders, name => Assert.True(answer.Headers.ContainsKey(name), $"{(int)answer.Status} lacks {name}"));
            Assert.Equal("1000000", answer.Headers["X-HubSpot-RateLimit-Max"]);
            Assert.Equal("1000000", answer.Headers["X-HubSpot-RateLimit-Remaining"]);
            Assert.Equal("10000", answer.Headers["X-HubSpot-RateLimit-Interval-Milliseconds"]);
            Assert.Equal("1000000000", answer.Headers["X-HubSpot-RateLimit-Daily"]);
        }

        var search = (await fixture.Api.Post("/crm/v3/objects/contacts/search", new { })).Expect(200);
        Assert.DoesNotContain(search.Headers.Keys, k => k.StartsWith("X-HubSpot-RateLimit-", StringComparison.OrdinalIgnoreCase));
    }
}
