using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>
/// <see cref="FidelityProfile.Strict"/>: the realism switches at once, so the read-after-write and tie-order bugs that
/// pass against the forgiving defaults fail locally.
/// </summary>
public sealed class StrictFidelityTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    private static Task<HubSpotEmulator> StartAsync(FidelityProfile profile, Action<HubSpotEmulatorOptions>? then = null)
    {
        var options = new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(Start) }.ApplyFidelityProfile(profile);
        then?.Invoke(options);
        return HubSpotEmulator.StartAsync(options);
    }

    [Fact]
    public async Task A_created_contact_is_not_found_by_search_until_three_seconds_have_passed()
    {
        await using var emulator = await StartAsync(FidelityProfile.Strict);
        using var api = new Api(emulator.BaseUri, emulator.Token);
        var search = new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "email", @operator = "EQ", value = "lagging@example.com" } } } },
        };
        var id = (string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "lagging@example.com" } })).Expect(201)["id"]!;

        // The everyday bug: search, find nothing, create again. Against strict fidelity the second create is a 409.
        Assert.Equal(0, (await api.Post(ContactsSearch, search)).Expect(200)["total"].GetValue<int>());
        (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "lagging@example.com" } })).Expect(409);
        emulator.Clock.Advance(TimeSpan.FromMilliseconds(2_999));
        Assert.Equal(0, (await api.Post(ContactsSearch, search)).Expect(200)["total"].GetValue<int>());
        emulator.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([id], Ids((await api.Post(ContactsSearch, search)).Expect(200)));
        Assert.Equal(TimeSpan.FromSeconds(3), emulator.SearchLag);
    }

    [Fact]
    public async Task Ties_come_back_in_an_order_that_is_not_creation_order_and_differs_between_queries()
    {
        await using var strict = await StartAsync(FidelityProfile.Strict);
        var (byEmail, byEmailAndName, ids) = await TiedOrders(strict);
        Assert.NotEqual(ids, byEmail);
        Assert.NotEqual(byEmail, byEmailAndName);
        Assert.Equal(ids, byEmail.OrderBy(long.Parse));

        // The defaults break ties by id: the order an integration then wrongly comes to rely on.
        await using var lenient = await StartAsync(FidelityProfile.Default);
        var (defaultOrder, otherQuery, defaultIds) = await TiedOrders(lenient);
        Assert.Equal(defaultIds, defaultOrder);
        Assert.Equal(defaultIds, otherQuery);
    }

    [Fact]
    public async Task Paging_one_query_with_ties_in_arbitrary_order_sees_every_record_once()
    {
        await using var emulator = await StartAsync(FidelityProfile.Strict);
        var (whole, _, ids) = await TiedOrders(emulator);
        using var api = new Api(emulator.BaseUri, emulator.Token);
        var paged = new List<string>();
        string? after = null;
        do
        {
            emulator.Clock.Advance(TimeSpan.FromSeconds(1)); // strict rate limits: 5 searches a second
            var page = (await api.Post(ContactsSearch, TiedSearch(["email"], limit: 7, after))).Expect(200);
            paged.AddRange(Ids(page));
            after = page.Body!["paging"]?["next"]?["after"]?.GetValue<string>();
        }
        while (after is not null);

        Assert.Equal(whole, paged);
        Assert.Equal(ids.Count, paged.Distinct().Count());
    }

    [Fact]
    public async Task Strict_limits_at_the_professional_tier_unless_rate_limits_are_set_after_it()
    {
        await using var strict = await StartAsync(FidelityProfile.Strict);
        Assert.Equal(RateLimitTier.Professional, strict.RateLimits);
        using (var api = new Api(strict.BaseUri, strict.Token))
        using (var admin = api.WithToken(null))
        {
            Assert.Equal("professional", (await admin.Get("/_emulator/rate-limits")).Expect(200)["tier"].GetValue<string>());
        }

        await using var overridden = await StartAsync(FidelityProfile.Strict, o =>
        {
            o.RateLimits = RateLimitTier.Off;
            o.Fidelity.SearchIndexLagMilliseconds = 0;
        });
        Assert.Equal(RateLimitTier.Off, overridden.RateLimits);
        Assert.Equal(TimeSpan.Zero, overridden.SearchLag);
    }

    private static object TiedSearch(string[] properties, int limit, string? after = null) => new
    {
        filterGroups = new[] { new { filters = new[] { new { propertyName = "firstname", @operator = "EQ", value = "Same" } } } },
        sorts = new[] { new { propertyName = "firstname", direction = "ASCENDING" } },
        properties,
        limit,
        after,
    };

    /// <summary>40 contacts sharing a firstname, sorted by it: the ids as two different requests order them, and in id order.</summary>
    private static async Task<(List<string> ByEmail, List<string> ByEmailAndName, List<string> Ids)> TiedOrders(HubSpotEmulator emulator)
    {
        AddContactsDirectly(emulator, 40, i => $"tie{i}@example.com", _ => "Same");
        emulator.Clock.Advance(TimeSpan.FromSeconds(3));
        using var api = new Api(emulator.BaseUri, emulator.Token);
        var byEmail = Ids((await api.Post(ContactsSearch, TiedSearch(["email"], limit: 100))).Expect(200));
        var byEmailAndName = Ids((await api.Post(ContactsSearch, TiedSearch(["email", "firstname"], limit: 100))).Expect(200));
        Assert.Equal(40, byEmail.Count);
        return (byEmail, byEmailAndName, [.. byEmail.OrderBy(long.Parse)]);
    }
}
