using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>
/// Search-index lag (docs/hubspot-api.md §6 "may take a few moments"): within the lag after a write, search sees the record as it
/// was before it; afterwards, as it is. Reads by id are never lagged.
/// </summary>
public sealed class SearchLagTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan Lag = TimeSpan.FromSeconds(2);

    private async Task<Reply> ByEmail(string email) =>
        (await fixture.Api.Post(ContactsSearch, new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "email", @operator = "EQ", value = email } } } },
            properties = new[] { "email", "firstname" },
        })).Expect(200);

    private async Task<string> Create(string email)
    {
        var reply = (await fixture.Api.Post("/crm/v3/objects/contacts", new { properties = new { email, firstname = "Lagging" } })).Expect(201);
        return reply["id"].GetValue<string>();
    }

    private void Start()
    {
        fixture.Emulator.Reset();
        fixture.Emulator.SearchLag = Lag;
    }

    [Fact]
    public async Task A_new_record_is_found_only_once_the_lag_has_passed()
    {
        Start();
        var id = await Create("new@example.com");

        Assert.Equal(0, (await ByEmail("new@example.com"))["total"].GetValue<int>());
        Assert.Equal(0, (await fixture.Api.Post(ContactsSearch, new { })).Expect(200)["total"].GetValue<int>());
        (await fixture.Api.Get($"/crm/v3/objects/contacts/{id}")).Expect(200); // reads by id see it at once

        fixture.Emulator.Clock.Advance(Lag - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, (await ByEmail("new@example.com"))["total"].GetValue<int>());
        fixture.Emulator.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([id], Ids(await ByEmail("new@example.com")));
        Assert.Equal(1, (await fixture.Api.Post(ContactsSearch, new { })).Expect(200)["total"].GetValue<int>());
    }

    [Fact]
    public async Task An_update_is_searched_and_returned_by_its_old_values_during_the_lag()
    {
        Start();
        var id = await Create("old@example.com");
        fixture.Emulator.Clock.Advance(Lag);

        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { email = "new@example.com", firstname = "Renamed" } })).Expect(200);

        Assert.Equal(0, (await ByEmail("new@example.com"))["total"].GetValue<int>());
        var old = await ByEmail("old@example.com");
        Assert.Equal([id], Ids(old));
        Assert.Equal("old@example.com", Results(old)[0]!["properties"]!["email"]!.GetValue<string>());
        Assert.Equal("Lagging", Results(old)[0]!["properties"]!["firstname"]!.GetValue<string>());
        // Sorting and ranges read the old values too.
        var sorted = (await fixture.Api.Post(ContactsSearch, new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "firstname", @operator = "LT", value = "m" } } } },
            sorts = new[] { new { propertyName = "firstname", direction = "ASCENDING" } },
        })).Expect(200);
        Assert.Equal([id], Ids(sorted));

        fixture.Emulator.Clock.Advance(Lag);
        Assert.Equal(0, (await ByEmail("old@example.com"))["total"].GetValue<int>());
        var now = await ByEmail("new@example.com");
        Assert.Equal("Renamed", Results(now)[0]!["properties"]!["firstname"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_archived_record_is_still_found_until_the_lag_has_passed()
    {
        Start();
        var id = await Create("gone@example.com");
        fixture.Emulator.Clock.Advance(Lag);

        (await fixture.Api.Delete($"/crm/v3/objects/contacts/{id}")).Expect(204);
        Assert.Equal([id], Ids(await ByEmail("gone@example.com")));
        Assert.Equal(1, (await fixture.Api.Post(ContactsSearch, new { sorts = new[] { "email" } })).Expect(200)["total"].GetValue<int>());

        fixture.Emulator.Clock.Advance(Lag);
        Assert.Equal(0, (await ByEmail("gone@example.com"))["total"].GetValue<int>());
    }

    [Fact]
    public async Task Writes_show_in_order_and_the_lag_is_set_through_the_admin_API()
    {
        fixture.Emulator.Reset();
        var set = (await fixture.Api.Put("/_emulator/search-lag", new { milliseconds = 1000 })).Expect(200);
        Assert.Equal(1000, set["milliseconds"].GetValue<int>());
        Assert.Equal(TimeSpan.FromSeconds(1), fixture.Emulator.SearchLag);
        (await fixture.Api.Put("/_emulator/search-lag", new { milliseconds = -1 })).Expect(400);

        var id = await Create("v1@example.com");
        fixture.Emulator.Clock.Advance(TimeSpan.FromMilliseconds(600));
        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { email = "v2@example.com" } })).Expect(200);
        fixture.Emulator.Clock.Advance(TimeSpan.FromMilliseconds(400));
        // The create is visible now; the update (600 ms later) is not yet.
        Assert.Equal([id], Ids(await ByEmail("v1@example.com")));
        fixture.Emulator.Clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal([id], Ids(await ByEmail("v2@example.com")));

        (await fixture.Api.Put("/_emulator/search-lag", new { milliseconds = 0 })).Expect(200);
        var now = await Create("instant@example.com");
        Assert.Equal([now], Ids(await ByEmail("instant@example.com")));
        Assert.Equal(0, (await fixture.Api.Get("/_emulator/search-lag")).Expect(200)["milliseconds"].GetValue<int>());
    }
}

/// <summary>The lag can be configured up front through <see cref="FidelityOptions.SearchIndexLagMilliseconds"/>.</summary>
public sealed class SearchLagOptionTests : IAsyncLifetime
{
    private readonly EmulatorFixture _fixture = new() { Configure = o => o.Fidelity.SearchIndexLagMilliseconds = 500 };

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Configured_lag_applies_from_the_start()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(500), _fixture.Emulator.SearchLag);
        (await _fixture.Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "cfg@example.com" } })).Expect(201);
        var body = Filter("email", "EQ", "cfg@example.com");
        Assert.Equal(0, (await _fixture.Api.Post(ContactsSearch, body)).Expect(200)["total"].GetValue<int>());
        _fixture.Emulator.Clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, (await _fixture.Api.Post(ContactsSearch, body)).Expect(200)["total"].GetValue<int>());
    }
}
