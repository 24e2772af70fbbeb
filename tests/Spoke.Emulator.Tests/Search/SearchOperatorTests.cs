using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>Every filter operator on every property type, with HubSpot's case rules (docs/hubspot-api.md §6, §12).</summary>
public sealed class SearchOperatorTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private async Task<List<string>> Find(string property, string op, string? value = null, string[]? values = null, string? highValue = null)
    {
        var reply = (await fixture.Api.Post(ContactsSearch, Filter(property, op, value, values, highValue))).Expect(200);
        var names = Names(reply);
        Assert.Equal(names.Count, reply["total"].GetValue<int>());
        return names;
    }

    [Fact]
    public async Task String_operators_ignore_case_and_compare_as_text()
    {
        await SeedPeople(fixture);
        Assert.Equal(["Alice"], await Find("firstname", "EQ", "aLiCe"));
        Assert.Equal(["Bob", "Carol", "Dave"], await Find("firstname", "NEQ", "ALICE"));
        Assert.Equal(["Alice", "Bob"], await Find("firstname", "LT", "c"));
        Assert.Equal(["Alice", "Bob", "Carol"], await Find("firstname", "LTE", "carol"));
        Assert.Equal(["Dave"], await Find("firstname", "GT", "Carol"));
        Assert.Equal(["Carol", "Dave"], await Find("firstname", "GTE", "CAROL"));
        Assert.Equal(["Bob", "Carol"], await Find("firstname", "BETWEEN", "b", highValue: "carol"));
        Assert.Equal(["Alice", "Bob", "Carol"], await Find("email", "HAS_PROPERTY"));
        Assert.Equal(["Dave"], await Find("email", "NOT_HAS_PROPERTY"));
    }

    [Fact]
    public async Task String_IN_needs_lowercase_values_as_HubSpot_does()
    {
        await SeedPeople(fixture);
        Assert.Equal(["Alice", "Carol"], await Find("firstname", "IN", values: ["alice", "carol", "zed"]));
        Assert.Empty(await Find("firstname", "IN", values: ["Alice", "CAROL"]));
        Assert.Equal(["Bob", "Dave"], await Find("firstname", "NOT_IN", values: ["alice", "carol"]));
        // An uppercase value matches nothing, so NOT_IN keeps everyone.
        Assert.Equal(["Alice", "Bob", "Carol", "Dave"], await Find("firstname", "NOT_IN", values: ["Alice"]));
    }

    [Fact]
    public async Task Tokens_match_words_and_wildcards()
    {
        await SeedPeople(fixture);
        Assert.Equal(["Alice", "Carol"], await Find("email", "CONTAINS_TOKEN", "*@EXAMPLE.com"));
        Assert.Equal(["Bob"], await Find("email", "CONTAINS_TOKEN", "sample"));
        Assert.Equal(["Carol"], await Find("lastname", "CONTAINS_TOKEN", "baker"));
        Assert.Equal(["Alice", "Carol"], await Find("lastname", "CONTAINS_TOKEN", "smi*"));
        // Dave has no email: a negative operator matches records without the property (FidelityOptions switch).
        Assert.Equal(["Bob", "Dave"], await Find("email", "NOT_CONTAINS_TOKEN", "*@example.com"));
    }

    [Fact]
    public async Task Numbers_compare_numerically_not_as_text()
    {
        await SeedPeople(fixture);
        Assert.Equal(["Alice"], await Find("annualrevenue", "EQ", "10"));
        Assert.Equal(["Alice"], await Find("annualrevenue", "EQ", "1E1"));
        Assert.Equal(["Bob", "Carol", "Dave"], await Find("annualrevenue", "NEQ", "10"));
        Assert.Equal(["Bob"], await Find("annualrevenue", "LT", "10"));
        Assert.Equal(["Alice", "Bob"], await Find("annualrevenue", "LTE", "10"));
        Assert.Equal(["Carol"], await Find("annualrevenue", "GT", "10"));
        Assert.Equal(["Alice", "Carol"], await Find("annualrevenue", "GTE", "10.00"));
        Assert.Equal(["Alice", "Bob"], await Find("annualrevenue", "BETWEEN", "9", highValue: "10"));
        Assert.Equal(["Bob", "Carol"], await Find("annualrevenue", "IN", values: ["9.0", "250"]));
        Assert.Equal(["Alice", "Dave"], await Find("annualrevenue", "NOT_IN", values: ["9", "250"]));
        Assert.Equal(["Dave"], await Find("annualrevenue", "NOT_HAS_PROPERTY"));
    }

    [Fact]
    public async Task A_number_filter_with_text_is_refused()
    {
        await SeedPeople(fixture);
        var reply = (await fixture.Api.Post(ContactsSearch, Filter("annualrevenue", "GT", "ten"))).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
    }

    [Fact]
    public async Task Datetimes_accept_epoch_ms_or_ISO_and_compare_as_instants()
    {
        await SeedPeople(fixture);
        // Created one minute apart from 2026-01-15T09:30Z: Alice 09:31, Bob 09:32, Carol 09:33, Dave 09:34.
        var bob = new DateTimeOffset(2026, 1, 15, 9, 32, 0, TimeSpan.Zero);
        var bobMs = bob.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(["Bob"], await Find("createdate", "EQ", bobMs));
        Assert.Equal(["Bob"], await Find("createdate", "EQ", "2026-01-15T09:32:00Z"));
        Assert.Equal(["Alice", "Carol", "Dave"], await Find("createdate", "NEQ", bobMs));
        Assert.Equal(["Alice"], await Find("createdate", "LT", bobMs));
        Assert.Equal(["Alice", "Bob"], await Find("createdate", "LTE", "2026-01-15T10:32:00+01:00"));
        Assert.Equal(["Carol", "Dave"], await Find("createdate", "GT", bobMs));
        Assert.Equal(["Bob", "Carol", "Dave"], await Find("createdate", "GTE", bobMs));
        Assert.Equal(["Bob", "Carol"], await Find("createdate", "BETWEEN", bobMs, highValue: "2026-01-15T09:33:00.000Z"));
        Assert.Equal(["Alice", "Dave"], await Find("createdate", "IN", values: ["2026-01-15T09:31:00.000Z", "1768469640000"]));
        Assert.Equal(["Bob", "Carol"], await Find("createdate", "NOT_IN", values: ["2026-01-15T09:31:00.000Z", "1768469640000"]));
    }

    [Fact]
    public async Task Dates_accept_epoch_ms_at_midnight_or_YYYY_MM_DD()
    {
        await SeedPeople(fixture);
        var midnight = new DateTimeOffset(1990, 5, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(["Alice"], await Find("date_of_birth", "EQ", midnight));
        Assert.Equal(["Alice"], await Find("date_of_birth", "EQ", "1990-05-01"));
        Assert.Equal(["Bob", "Carol", "Dave"], await Find("date_of_birth", "NEQ", "1990-05-01"));
        Assert.Equal(["Bob"], await Find("date_of_birth", "LT", midnight));
        Assert.Equal(["Alice", "Bob"], await Find("date_of_birth", "LTE", "1990-05-01"));
        Assert.Equal(["Dave"], await Find("date_of_birth", "GT", "1990-05-01"));
        Assert.Equal(["Alice", "Dave"], await Find("date_of_birth", "GTE", "1990-05-01"));
        Assert.Equal(["Alice", "Bob"], await Find("date_of_birth", "BETWEEN", "1985-01-15", highValue: "1990-05-01"));
        Assert.Equal(["Bob", "Dave"], await Find("date_of_birth", "IN", values: ["1985-01-15", "2000-12-31"]));
        Assert.Equal(["Carol"], await Find("date_of_birth", "NOT_HAS_PROPERTY"));
    }

    [Fact]
    public async Task Booleans_ignore_case()
    {
        await SeedPeople(fixture);
        Assert.Equal(["Alice"], await Find("hs_email_optout", "EQ", "TRUE"));
        Assert.Equal(["Bob", "Dave"], await Find("hs_email_optout", "EQ", "false"));
        Assert.Equal(["Bob", "Carol", "Dave"], await Find("hs_email_optout", "NEQ", "true"));
        Assert.Equal(["Alice", "Bob", "Dave"], await Find("hs_email_optout", "IN", values: ["true", "false"]));
        Assert.Equal(["Alice", "Bob", "Dave"], await Find("hs_email_optout", "HAS_PROPERTY"));
    }

    [Fact]
    public async Task Enumerations_are_case_sensitive_for_every_operator()
    {
        await SeedPeople(fixture);
        Assert.Equal(["Alice", "Carol"], await Find("lifecyclestage", "EQ", "lead"));
        Assert.Empty(await Find("lifecyclestage", "EQ", "LEAD"));
        Assert.Equal(["Bob", "Dave"], await Find("lifecyclestage", "NEQ", "lead"));
        Assert.Equal(["Alice", "Bob", "Carol", "Dave"], await Find("lifecyclestage", "NEQ", "Lead"));
        Assert.Equal(["Alice", "Bob", "Carol"], await Find("lifecyclestage", "IN", values: ["lead", "customer", "Subscriber"]));
        Assert.Equal(["Dave"], await Find("lifecyclestage", "NOT_IN", values: ["lead", "customer"]));
        Assert.Equal(["Bob"], await Find("lifecyclestage", "CONTAINS_TOKEN", "cust*"));
        Assert.Empty(await Find("lifecyclestage", "CONTAINS_TOKEN", "CUST*"));
        Assert.Equal(["Alice", "Bob", "Carol"], await Find("lifecyclestage", "LT", "m"));
    }

    [Fact]
    public async Task Multi_value_enumerations_match_any_member()
    {
        await SeedPeople(fixture);
        Assert.Equal(["Alice", "Dave"], await Find("hs_buying_role", "EQ", "END_USER"));
        Assert.Equal(["Alice"], await Find("hs_buying_role", "EQ", "BUDGET_HOLDER"));
        Assert.Equal(["Alice", "Bob"], await Find("hs_buying_role", "IN", values: ["BUDGET_HOLDER", "CHAMPION"]));
        Assert.Equal(["Bob", "Carol"], await Find("hs_buying_role", "NOT_IN", values: ["END_USER"]));
        Assert.Equal(["Carol"], await Find("hs_buying_role", "NOT_HAS_PROPERTY"));
    }

    [Fact]
    public async Task Groups_are_ORed_and_filters_in_a_group_ANDed()
    {
        await SeedPeople(fixture);
        var body = new
        {
            filterGroups = new[]
            {
                new { filters = new[] { new { propertyName = "lifecyclestage", @operator = "EQ", value = "lead" }, new { propertyName = "annualrevenue", @operator = "GT", value = "100" } } },
                new { filters = new[] { new { propertyName = "firstname", @operator = "EQ", value = "bob" } } },
            },
            properties = new[] { "firstname" },
        };
        var reply = (await fixture.Api.Post(ContactsSearch, body)).Expect(200);
        Assert.Equal(["Bob", "Carol"], Names(reply));
        Assert.Equal(2, reply["total"].GetValue<int>());
    }

    [Fact]
    public async Task Query_matches_words_and_prefixes_of_searchable_properties()
    {
        await SeedPeople(fixture);
        async Task<List<string>> Query(string q) =>
            Names((await fixture.Api.Post(ContactsSearch, new { query = q, properties = new[] { "firstname" } })).Expect(200));
        Assert.Equal(["Alice", "Carol"], await Query("smi"));
        Assert.Equal(["Alice", "Carol"], await Query("EXAMPLE.com"));
        Assert.Equal(["Alice"], await Query("alice smith"));
        Assert.Equal(["Carol"], await Query("baker"));
        Assert.Empty(await Query("lead")); // lifecyclestage is not a searchable property
    }
}
