using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>
/// Range filters and sorts answered from sorted indexes stay exact as records change after the index is built:
/// totals, order, pages, in both directions, with the range on the sort property or on another one.
/// </summary>
public sealed class SearchSortedIndexTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static object RangeSorted(string property, string op, string value, string sortBy, string direction, int limit = 5, int after = 0) => new
    {
        filterGroups = new[] { new { filters = new[] { new { propertyName = property, @operator = op, value } } } },
        sorts = new[] { new { propertyName = sortBy, direction } },
        properties = new[] { "firstname", "annualrevenue" },
        limit,
        after = after.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<Dictionary<int, string>> Seed(int count)
    {
        fixture.Emulator.Reset();
        fixture.Emulator.Clock.Freeze(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero));
        var ids = new Dictionary<int, string>();
        for (var i = 1; i <= count; i++)
        {
            ids[i] = await CreateContact(fixture, new Dictionary<string, string>
            {
                ["firstname"] = $"P{i:D2}", ["annualrevenue"] = (i * 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        return ids;
    }

    [Fact]
    public async Task Range_and_sort_on_one_property_follow_updates_archives_and_creates()
    {
        var ids = await Seed(12);
        var first = (await fixture.Api.Post(ContactsSearch, RangeSorted("annualrevenue", "GTE", "50", "annualrevenue", "DESCENDING"))).Expect(200);
        Assert.Equal(8, first["total"].GetValue<int>());
        Assert.Equal(["P12", "P11", "P10", "P09", "P08"], Names(first));

        // After the index is built: move P03 to the top, archive P11, drop P10 below the range, add a new one.
        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{ids[3]}", new { properties = new { annualrevenue = "1000" } })).Expect(200);
        (await fixture.Api.Delete($"/crm/v3/objects/contacts/{ids[11]}")).Expect(204);
        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{ids[10]}", new { properties = new { annualrevenue = "5" } })).Expect(200);
        await CreateContact(fixture, new Dictionary<string, string> { ["firstname"] = "New", ["annualrevenue"] = "115" });

        var second = (await fixture.Api.Post(ContactsSearch, RangeSorted("annualrevenue", "GTE", "50", "annualrevenue", "DESCENDING"))).Expect(200);
        Assert.Equal(8, second["total"].GetValue<int>());
        Assert.Equal(["P03", "P12", "New", "P09", "P08"], Names(second));
        var rest = (await fixture.Api.Post(ContactsSearch, RangeSorted("annualrevenue", "GTE", "50", "annualrevenue", "DESCENDING", after: 5))).Expect(200);
        Assert.Equal(["P07", "P06", "P05"], Names(rest));
        Assert.Null(rest.Body!["paging"]);

        var ascending = (await fixture.Api.Post(ContactsSearch, RangeSorted("annualrevenue", "LT", "50", "annualrevenue", "ASCENDING"))).Expect(200);
        Assert.Equal(["P10", "P01", "P02", "P04"], Names(ascending));
    }

    [Fact]
    public async Task Range_on_one_property_sorted_by_another_with_records_lacking_the_sort_value_last()
    {
        var ids = await Seed(10);
        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{ids[9]}", new { properties = new { firstname = "" } })).Expect(200);
        var body = RangeSorted("annualrevenue", "GT", "60", "firstname", "DESCENDING", limit: 10);
        var first = (await fixture.Api.Post(ContactsSearch, body)).Expect(200);
        Assert.Equal(4, first["total"].GetValue<int>());
        Assert.Equal(["P10", "P08", "P07", "?"], Names(first));

        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{ids[7]}", new { properties = new { firstname = "Z7" } })).Expect(200);
        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{ids[2]}", new { properties = new { annualrevenue = "65" } })).Expect(200);
        var second = (await fixture.Api.Post(ContactsSearch, body)).Expect(200);
        Assert.Equal(5, second["total"].GetValue<int>());
        Assert.Equal(["Z7", "P10", "P08", "P02", "?"], Names(second));

        var all = (await fixture.Api.Post(ContactsSearch, new { sorts = new[] { new { propertyName = "firstname", direction = "ASCENDING" } }, properties = new[] { "firstname" }, limit = 3, after = "7" })).Expect(200);
        Assert.Equal(10, all["total"].GetValue<int>());
        Assert.Equal(["P10", "Z7", "?"], Names(all));
    }

    [Fact]
    public async Task Range_without_sort_returns_id_order_and_createdate_ranges_bound_by_instant()
    {
        await Seed(6);
        // Seeded one minute apart from 09:31: createdate BETWEEN 09:32 and 09:34 holds P02..P04.
        var between = (await fixture.Api.Post(ContactsSearch, new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "createdate", @operator = "BETWEEN", value = "2026-01-15T09:32:00Z", highValue = "2026-01-15T09:34:00Z" } } } },
            sorts = new[] { new { propertyName = "createdate", direction = "DESCENDING" } },
            properties = new[] { "firstname" },
        })).Expect(200);
        Assert.Equal(["P04", "P03", "P02"], Names(between));

        var unsorted = (await fixture.Api.Post(ContactsSearch, new
        {
            filterGroups = new[]
            {
                new { filters = new[] { new { propertyName = "annualrevenue", @operator = "LTE", value = "20" } } },
                new { filters = new[] { new { propertyName = "annualrevenue", @operator = "GT", value = "50" } } },
            },
            properties = new[] { "firstname" },
        })).Expect(200);
        Assert.Equal(["P01", "P02", "P06"], Names(unsorted));
    }
}
