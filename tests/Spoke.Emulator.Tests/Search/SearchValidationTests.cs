using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>Request limits and errors: filter maxima, limit, body size, unknown names, scopes (docs/hubspot-api.md §5, §6).</summary>
public sealed class SearchValidationTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static JsonObject Filters(int groups, int perGroup)
    {
        var array = new JsonArray();
        for (var g = 0; g < groups; g++)
        {
            var filters = new JsonArray();
            for (var f = 0; f < perGroup; f++)
            {
                filters.Add(new JsonObject { ["propertyName"] = "firstname", ["operator"] = "HAS_PROPERTY" });
            }

            array.Add(new JsonObject { ["filters"] = filters });
        }

        return new JsonObject { ["filterGroups"] = array };
    }

    [Theory]
    [InlineData(6, 1, "5 filter groups")]
    [InlineData(1, 11, "10 filters")]
    [InlineData(3, 9, "25 filters")]
    public async Task Filter_maxima_are_enforced_with_a_message_naming_the_limit(int groups, int perGroup, string limit)
    {
        var reply = (await fixture.Api.Post(ContactsSearch, Filters(groups, perGroup))).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Contains(limit, reply["message"].GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_largest_allowed_request_passes()
    {
        (await fixture.Api.Post(ContactsSearch, Filters(5, 5))).Expect(200);
        (await fixture.Api.Post(ContactsSearch, Filters(2, 10))).Expect(200);
    }

    [Fact]
    public async Task Limit_above_200_is_refused()
    {
        (await fixture.Api.Post(ContactsSearch, new { limit = 200 })).Expect(200);
        var reply = (await fixture.Api.Post(ContactsSearch, new { limit = 201 })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
    }

    [Fact]
    public async Task A_body_over_3000_characters_is_refused()
    {
        var ok = new JsonObject { ["query"] = new string('a', 2_900) };
        (await fixture.Api.Post(ContactsSearch, ok)).Expect(200);
        var tooLong = new JsonObject { ["query"] = new string('a', 3_001) };
        var reply = (await fixture.Api.Post(ContactsSearch, tooLong)).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_property_is_named_in_the_error()
    {
        var reply = (await fixture.Api.Post(ContactsSearch, Filter("favourite_colour", "EQ", "blue"))).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Contains("favourite_colour", reply["message"].GetValue<string>(), StringComparison.Ordinal);

        var sort = (await fixture.Api.Post(ContactsSearch, new { sorts = new[] { "favourite_colour" } })).Expect(400);
        Assert.Contains("favourite_colour", sort["message"].GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_operator_or_a_missing_value_is_refused()
    {
        var unknown = (await fixture.Api.Post(ContactsSearch, Filter("firstname", "LIKE", "a"))).Expect(400);
        Assert.Contains("LIKE", unknown["message"].GetValue<string>(), StringComparison.Ordinal);
        (await fixture.Api.Post(ContactsSearch, Filter("firstname", "EQ"))).Expect(400);
        (await fixture.Api.Post(ContactsSearch, Filter("firstname", "IN", "a"))).Expect(400);
        (await fixture.Api.Post(ContactsSearch, Filter("annualrevenue", "BETWEEN", "1"))).Expect(400);
        var missing = (await fixture.Api.Post(ContactsSearch, new { filterGroups = new[] { new { filters = new[] { new { @operator = "EQ", value = "x" } } } } })).Expect(400);
        Assert.Contains("propertyName", missing["message"].GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_object_type_is_refused()
    {
        var reply = (await fixture.Api.Post("/crm/v3/objects/spaceships/search", new { })).Expect(400);
        Assert.Contains("spaceships", reply["message"].GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searching_needs_the_read_scope_of_the_type()
    {
        using var companiesOnly = fixture.Api.WithToken(fixture.Emulator.CreateToken("crm.objects.companies.read"));
        var denied = (await companiesOnly.Post(ContactsSearch, new { })).Expect(403);
        Assert.Equal("MISSING_SCOPES", denied["category"].GetValue<string>());
        (await companiesOnly.Post("/crm/v3/objects/companies/search", new { })).Expect(200);
    }
}
