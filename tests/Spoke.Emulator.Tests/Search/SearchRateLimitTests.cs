using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>An emulator with Professional rate limits on (and the fixture's frozen clock).</summary>
public sealed class RateLimitedEmulatorFixture : IAsyncLifetime
{
    public EmulatorFixture Inner { get; } = new() { Configure = o => o.RateLimits = RateLimitTier.Professional };

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>Search's own limit: 5 requests per second per token, and no rate-limit headers (docs/hubspot-api.md §6, §7).</summary>
public sealed class SearchRateLimitTests(RateLimitedEmulatorFixture limited) : IClassFixture<RateLimitedEmulatorFixture>
{
    [Fact]
    public async Task The_sixth_search_in_one_second_gets_429_SECONDLY_and_no_search_carries_limit_headers()
    {
        var fixture = limited.Inner;
        var list = (await fixture.Api.Get("/crm/v3/objects/contacts")).Expect(200);
        Assert.Contains(list.Headers.Keys, k => k.StartsWith("X-HubSpot-RateLimit-", StringComparison.OrdinalIgnoreCase));

        using var api = fixture.Api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        for (var i = 0; i < 5; i++)
        {
            var ok = (await api.Post(ContactsSearch, new { })).Expect(200);
            Assert.DoesNotContain(ok.Headers.Keys, k => k.StartsWith("X-HubSpot-RateLimit-", StringComparison.OrdinalIgnoreCase));
        }

        var limitedReply = (await api.Post(ContactsSearch, new { })).Expect(429);
        Assert.Equal("SECONDLY", limitedReply["policyName"].GetValue<string>());

        fixture.Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        (await api.Post(ContactsSearch, new { })).Expect(200);
    }

    [Fact]
    public async Task A_search_path_in_another_case_or_with_a_trailing_slash_keeps_to_the_search_budget()
    {
        // Routing ignores case and a trailing slash, so these reach search: they must count against search's 5/s, not the general budget.
        var fixture = limited.Inner;
        using var api = fixture.Api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        string[] spellings = ["/CRM/V3/OBJECTS/contacts/SEARCH", "/crm/v3/objects/contacts/search/", "/Crm/Objects/2026-09/contacts/Search", "/crm/v3/objects/contacts/search", "/CRM/v3/objects/contacts/search"];
        foreach (var path in spellings)
        {
            var ok = (await api.Post(path, new { })).Expect(200);
            Assert.DoesNotContain(ok.Headers.Keys, k => k.StartsWith("X-HubSpot-RateLimit-", StringComparison.OrdinalIgnoreCase));
        }

        var sixth = (await api.Post("/crm/v3/OBJECTS/contacts/search", new { })).Expect(429);
        Assert.Equal("SECONDLY", sixth["policyName"].GetValue<string>());
        fixture.Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
    }
}
