using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>Order, sorting, paging with <c>after</c>, and the 10,000-result ceiling (docs/hubspot-api.md §4.4, §6).</summary>
public sealed class SearchPagingTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task An_empty_body_returns_default_properties_oldest_first()
    {
        var ids = await SeedPeople(fixture);
        var reply = (await fixture.Api.Post(ContactsSearch, new { })).Expect(200);
        Assert.Equal(4, reply["total"].GetValue<int>());
        Assert.Equal([ids["Alice"], ids["Bob"], ids["Carol"], ids["Dave"]], Ids(reply));
        Assert.Null(reply.Body!["paging"]);
        var first = Results(reply)[0]!["properties"]!.AsObject();
        Assert.Equal(["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"], first.Select(p => p.Key).Order().ToList());
        Assert.Equal("alice@example.com", first["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sorts_go_both_ways_with_missing_values_last()
    {
        await SeedPeople(fixture);
        async Task<List<string>> Sorted(object sort) =>
            Names((await fixture.Api.Post(ContactsSearch, new { sorts = new[] { sort }, properties = new[] { "firstname" } })).Expect(200));
        Assert.Equal(["Bob", "Alice", "Carol", "Dave"], await Sorted(new { propertyName = "annualrevenue", direction = "ASCENDING" }));
        Assert.Equal(["Carol", "Alice", "Bob", "Dave"], await Sorted(new { propertyName = "annualrevenue", direction = "DESCENDING" }));
        Assert.Equal(["Dave", "Carol", "Bob", "Alice"], await Sorted(new { propertyName = "createdate", direction = "DESCENDING" }));
        Assert.Equal(["Bob", "Alice", "Dave", "Carol"], await Sorted(new { propertyName = "date_of_birth", direction = "ASCENDING" }));
        // The spec's plain-string form sorts ascending.
        Assert.Equal(["Alice", "Bob", "Carol", "Dave"], await Sorted("firstname"));
        Assert.Equal(["Dave", "Carol", "Bob", "Alice"], await Sorted(new { propertyName = "firstname", direction = "DESCENDING" }));
    }

    [Fact]
    public async Task More_than_one_sort_is_refused()
    {
        await SeedPeople(fixture);
        var reply = (await fixture.Api.Post(ContactsSearch, new { sorts = new object[] { "firstname", "lastname" } })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
    }

    [Fact]
    public async Task Paging_with_after_visits_every_match_once_and_then_paging_disappears()
    {
        fixture.Emulator.Reset();
        AddContactsDirectly(fixture.Emulator, 23, i => $"pager{i:00}@example.com", i => $"P{i % 5}");
        foreach (var sort in new object?[] { null, new { propertyName = "firstname", direction = "DESCENDING" } })
        {
            var seen = new List<string>();
            string? after = null;
            var pages = 0;
            do
            {
                var body = new JsonObject { ["limit"] = 5, ["properties"] = new JsonArray("email") };
                if (sort is not null)
                {
                    body["sorts"] = JsonSerializer(sort);
                }

                if (after is not null)
                {
                    body["after"] = after;
                }

                var reply = (await fixture.Api.Post(ContactsSearch, body)).Expect(200);
                Assert.Equal(23, reply["total"].GetValue<int>());
                seen.AddRange(Ids(reply));
                after = reply.Body!["paging"]?["next"]?["after"]?.GetValue<string>();
                pages++;
                Assert.True(after is null || after == (pages * 5).ToString(System.Globalization.CultureInfo.InvariantCulture), after);
            }
            while (after is not null);

            Assert.Equal(5, pages);
            Assert.Equal(23, seen.Distinct().Count());
        }
    }

    private static JsonArray JsonSerializer(object sort) =>
        new(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(sort, Json.Options)));

    [Fact]
    public async Task Paging_stops_at_10000_results_while_total_stays_true()
    {
        fixture.Emulator.Reset();
        AddContactsDirectly(fixture.Emulator, 10_050, i => $"bulk{i}@example.com");
        var filter = new[] { new { filters = new[] { new { propertyName = "email", @operator = "CONTAINS_TOKEN", value = "*@example.com" } } } };

        var last = (await fixture.Api.Post(ContactsSearch, new { filterGroups = filter, limit = 200, after = "9800" })).Expect(200);
        Assert.Equal(10_050, last["total"].GetValue<int>());
        Assert.Equal(200, Results(last).Count);
        Assert.Equal("10000", last["paging"]["next"]!["after"]!.GetValue<string>());

        foreach (var (after, limit) in new[] { ("10000", 10), ("9900", 200), ("12000", 1) })
        {
            var beyond = (await fixture.Api.Post(ContactsSearch, new { filterGroups = filter, limit, after })).Expect(400);
            Assert.Equal("VALIDATION_ERROR", beyond["category"].GetValue<string>());
            Assert.Contains("10,000", beyond["message"].GetValue<string>(), StringComparison.Ordinal);
        }

        var sorted = (await fixture.Api.Post(ContactsSearch, new { limit = 1, after = "9999", sorts = new[] { new { propertyName = "email", direction = "DESCENDING" } }, properties = new[] { "email" } })).Expect(200);
        Assert.Equal(10_050, sorted["total"].GetValue<int>());
        Assert.Single(Results(sorted));
        Assert.Equal("10000", sorted["paging"]["next"]!["after"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_dated_paths_serve_the_same_search()
    {
        var ids = await SeedPeople(fixture);
        foreach (var version in new[] { "2026-03", "2026-09" })
        {
            var reply = (await fixture.Api.Post($"/crm/objects/{version}/0-1/search", Filter("email", "EQ", "BOB@sample.org"))).Expect(200);
            Assert.Equal([ids["Bob"]], Ids(reply));
        }
    }
}
