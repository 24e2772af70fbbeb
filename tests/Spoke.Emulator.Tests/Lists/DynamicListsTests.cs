using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Lists;

/// <summary>DYNAMIC and SNAPSHOT lists: PROPERTY filters in OR/AND branches, following record changes.</summary>
public sealed class DynamicListsTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;

    public DynamicListsTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
    }

    private async Task<string> Contact(object properties) =>
        (await _api.Post("/crm/v3/objects/contacts", new { properties })).Expect(201)["id"].GetValue<string>();

    private static JsonObject Filter(string property, object operation) => new()
    {
        ["filterType"] = "PROPERTY",
        ["property"] = property,
        ["operation"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(operation)),
    };

    /// <summary>OR of AND branches, each branch a list of filters.</summary>
    private static JsonObject Branch(params JsonObject[][] andBranches) => new()
    {
        ["filterBranchType"] = "OR",
        ["filters"] = new JsonArray(),
        ["filterBranches"] = new JsonArray([.. andBranches.Select(filters => (JsonNode)new JsonObject
        {
            ["filterBranchType"] = "AND",
            ["filterBranches"] = new JsonArray(),
            ["filters"] = new JsonArray([.. filters.Select(f => (JsonNode)f)]),
        })]),
    };

    private async Task<string> Dynamic(string name, JsonObject filterBranch, string processingType = "DYNAMIC")
    {
        var reply = (await _api.Post("/crm/v3/lists", new JsonObject
        {
            ["name"] = name, ["objectTypeId"] = "0-1", ["processingType"] = processingType, ["filterBranch"] = filterBranch,
        })).Expect(200);
        return reply["list"]["listId"]!.GetValue<string>();
    }

    private async Task<List<string>> Members(string listId) =>
        [.. (await _api.Get($"/crm/v3/lists/{listId}/memberships")).Expect(200)["results"].AsArray().Select(x => x!["recordId"]!.GetValue<string>())];

    [Fact]
    public async Task Dynamic_list_follows_updates_and_archives()
    {
        var ada = await Contact(new { email = "ada@acme.test", firstname = "Ada" });
        var bob = await Contact(new { email = "bob@other.test", firstname = "Bob" });
        var list = await Dynamic("Acme people", Branch([Filter("email", new { operationType = "STRING", @operator = "ENDS_WITH", value = "@acme.test" })]));

        Assert.Equal([ada], await Members(list));
        Assert.Equal(1, (await _api.Get($"/crm/v3/lists/{list}")).Expect(200)["list"]["size"]!.GetValue<int>());

        _fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        (await _api.Patch($"/crm/v3/objects/contacts/{bob}", new { properties = new { email = "bob@acme.test" } })).Expect(200);
        Assert.Equal([ada, bob], await Members(list));

        (await _api.Patch($"/crm/v3/objects/contacts/{ada}", new { properties = new { email = "ada@elsewhere.test" } })).Expect(200);
        Assert.Equal([bob], await Members(list));

        (await _api.Delete($"/crm/v3/objects/contacts/{bob}")).Expect(204);
        Assert.Empty(await Members(list));

        var carl = await Contact(new { email = "carl@acme.test" });
        Assert.Equal([carl], await Members(list));
        var memberships = (await _api.Get($"/crm/v3/lists/records/0-1/{carl}/memberships")).Expect(200)["results"].AsArray();
        Assert.Equal(list, Assert.Single(memberships)!["listId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Membership_timestamps_stay_stable_while_a_record_keeps_matching()
    {
        var ada = await Contact(new { email = "stable@acme.test", firstname = "Ada" });
        var list = await Dynamic("Stable", Branch([Filter("firstname", new { operationType = "STRING", @operator = "IS_EQUAL_TO", value = "ada" })]));
        var first = (await _api.Get($"/crm/v3/lists/{list}/memberships")).Expect(200)["results"][0]!["membershipTimestamp"]!.GetValue<string>();
        _fixture.Emulator.Clock.Advance(TimeSpan.FromHours(1));
        (await _api.Patch($"/crm/v3/objects/contacts/{ada}", new { properties = new { lastname = "Lovelace" } })).Expect(200);
        var second = (await _api.Get($"/crm/v3/lists/{list}/memberships")).Expect(200)["results"][0]!["membershipTimestamp"]!.GetValue<string>();
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Or_of_and_branches_with_number_enumeration_and_bool_filters()
    {
        // Contacts have no custom number/enum/bool properties by default: create them.
        (await _api.Post("/crm/v3/properties/contacts", new { name = "score", label = "Score", type = "number", fieldType = "number", groupName = "contactinformation" })).Expect(201);
        (await _api.Post("/crm/v3/properties/contacts", new
        {
            name = "tier", label = "Tier", type = "enumeration", fieldType = "select", groupName = "contactinformation",
            options = new[] { new { label = "Gold", value = "gold" }, new { label = "Silver", value = "silver" } },
        })).Expect(201);
        (await _api.Post("/crm/v3/properties/contacts", new { name = "vip", label = "VIP", type = "bool", fieldType = "booleancheckbox", groupName = "contactinformation",
            options = new[] { new { label = "Yes", value = "true" }, new { label = "No", value = "false" } } })).Expect(201);

        var high = await Contact(new { email = "high@x.test", score = "90", tier = "silver" });
        var gold = await Contact(new { email = "gold@x.test", score = "10", tier = "gold", vip = "true" });
        var goldNotVip = await Contact(new { email = "gold2@x.test", score = "10", tier = "gold", vip = "false" });
        var low = await Contact(new { email = "low@x.test", score = "5" });

        var list = await Dynamic("Good leads", Branch(
            [Filter("score", new { operationType = "NUMBER", @operator = "IS_GREATER_THAN", value = 50 })],
            [
                Filter("tier", new { operationType = "ENUMERATION", @operator = "IS_ANY_OF", values = new[] { "gold" } }),
                Filter("vip", new { operationType = "BOOL", @operator = "IS_EQUAL_TO", value = true }),
            ]));
        Assert.Equal([high, gold], await Members(list));

        var between = await Dynamic("Between", Branch([Filter("score", new { operationType = "NUMBER", @operator = "IS_BETWEEN", lowerBound = 6, upperBound = 10 })]));
        Assert.Equal([gold, goldNotVip], await Members(between));

        var noneOf = await Dynamic("Not gold", Branch([Filter("tier", new { operationType = "ENUMERATION", @operator = "IS_NONE_OF", values = new[] { "gold" }, includeObjectsWithNoValueSet = true })]));
        Assert.Equal([high, low], await Members(noneOf));

        var unknown = await Dynamic("No tier", Branch([Filter("tier", new { operationType = "ALL_PROPERTY", @operator = "IS_UNKNOWN" })]));
        Assert.Equal([low], await Members(unknown));
    }

    [Fact]
    public async Task Time_point_and_ranged_filters_on_datetime_properties()
    {
        var early = await Contact(new { email = "early@t.test" });
        _fixture.Emulator.Clock.Advance(TimeSpan.FromDays(2));
        var late = await Contact(new { email = "late@t.test" });

        object Date(int day) => new { timeType = "DATE", zoneId = "UTC", year = 2026, month = 1, day };
        var after = await Dynamic("Created after the 15th", Branch([Filter("createdate", new { operationType = "TIME_POINT", @operator = "IS_AFTER", timePoint = Date(15) })]));
        Assert.Equal([late], await Members(after));

        var before = await Dynamic("Created before the 16th", Branch([Filter("createdate", new { operationType = "TIME_POINT", @operator = "IS_BEFORE", timePoint = Date(16) })]));
        Assert.Equal([early], await Members(before));

        var range = await Dynamic("Created 15th-16th", Branch([Filter("createdate", new
        {
            operationType = "TIME_RANGED", @operator = "IS_BETWEEN", lowerBoundTimePoint = Date(15), upperBoundTimePoint = Date(16),
        })]));
        Assert.Equal([early], await Members(range));

        // Relative to the emulator clock: "in the last day" moves as the clock moves.
        var recent = await Dynamic("Created in the last day", Branch([Filter("createdate", new
        {
            operationType = "TIME_POINT", @operator = "IS_AFTER",
            timePoint = new { timeType = "INDEXED", zoneId = "UTC", indexReference = new { referenceType = "NOW" }, offset = new { days = -1 } },
        })]));
        Assert.Equal([late], await Members(recent));
        _fixture.Emulator.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Empty(await Members(recent));
    }

    [Fact]
    public async Task Unsupported_filters_are_refused_by_name()
    {
        async Task Refused(JsonObject branch, string named)
        {
            var reply = (await _api.Post("/crm/v3/lists", new JsonObject
            {
                ["name"] = "Refused " + Guid.NewGuid(), ["objectTypeId"] = "0-1", ["processingType"] = "DYNAMIC", ["filterBranch"] = branch,
            })).Expect(400);
            Assert.Contains(named, reply["message"].GetValue<string>(), StringComparison.Ordinal);
        }

        await Refused(Branch([new JsonObject { ["filterType"] = "ASSOCIATION", ["property"] = "email" }]), "ASSOCIATION");
        await Refused(Branch([Filter("email", new { operationType = "STRING", @operator = "SOUNDS_LIKE", value = "x" })]), "SOUNDS_LIKE");
        await Refused(Branch([Filter("email", new { operationType = "CALENDAR_DATE", @operator = "IS_EQUAL_TO", value = "x" })]), "CALENDAR_DATE");
        await Refused(Branch([Filter("no_such_property", new { operationType = "STRING", @operator = "IS_EQUAL_TO", value = "x" })]), "no_such_property");
        await Refused(new JsonObject { ["filterBranchType"] = "AND", ["filters"] = new JsonArray() }, "OR");
        var nested = Branch(Array.Empty<JsonObject>());
        nested["filterBranches"]![0]!["filterBranches"] = new JsonArray(new JsonObject { ["filterBranchType"] = "UNIFIED_EVENTS" });
        await Refused(nested, "UNIFIED_EVENTS");
    }

    [Fact]
    public async Task Dynamic_lists_refuse_manual_membership_changes()
    {
        var id = await Contact(new { email = "manual@d.test" });
        var list = await Dynamic("No hands", Branch([Filter("email", new { operationType = "ALL_PROPERTY", @operator = "IS_KNOWN" })]));
        (await _api.Put($"/crm/v3/lists/{list}/memberships/add", new[] { id })).Expect(400);
        (await _api.Put($"/crm/v3/lists/{list}/memberships/remove", new[] { id })).Expect(400);
        (await _api.Delete($"/crm/v3/lists/{list}/memberships")).Expect(400);
    }

    [Fact]
    public async Task Update_filters_changes_membership_and_returns_the_filters()
    {
        var ada = await Contact(new { email = "uf-a@f.test", firstname = "Ada" });
        var bob = await Contact(new { email = "uf-b@f.test", firstname = "Bob" });
        var list = await Dynamic("Changing", Branch([Filter("firstname", new { operationType = "STRING", @operator = "IS_EQUAL_TO", value = "Ada" })]));
        Assert.Equal([ada], await Members(list));

        var newFilters = Branch([Filter("firstname", new { operationType = "STRING", @operator = "STARTS_WITH", value = "B" })]);
        var updated = (await _api.Put($"/crm/v3/lists/{list}/update-list-filters", new JsonObject { ["filterBranch"] = newFilters })).Expect(200)["updatedList"];
        Assert.Equal(2, updated["listVersion"]!.GetValue<int>());
        Assert.Equal("STARTS_WITH", updated["filterBranch"]!["filterBranches"]![0]!["filters"]![0]!["operation"]!["operator"]!.GetValue<string>());
        Assert.Equal([bob], await Members(list));

        var withFilters = (await _api.Get($"/crm/v3/lists/{list}?includeFilters=true")).Expect(200)["list"];
        Assert.Equal("OR", withFilters["filterBranch"]!["filterBranchType"]!.GetValue<string>());
        Assert.Null((await _api.Get($"/crm/v3/lists/{list}")).Expect(200)["list"]["filterBranch"]);

        var manual = (await _api.Post("/crm/v3/lists", new { name = "Manual one", objectTypeId = "0-1", processingType = "MANUAL" })).Expect(200)["list"]["listId"]!.GetValue<string>();
        (await _api.Put($"/crm/v3/lists/{manual}/update-list-filters", new JsonObject { ["filterBranch"] = newFilters.DeepClone() })).Expect(400);
    }

    [Fact]
    public async Task Snapshot_lists_evaluate_once_then_behave_like_manual_lists()
    {
        var ada = await Contact(new { email = "snap-a@s.test", firstname = "Ada" });
        var list = await Dynamic("Snapshot", Branch([Filter("firstname", new { operationType = "STRING", @operator = "IS_EQUAL_TO", value = "Ada" })]), "SNAPSHOT");
        Assert.Equal([ada], await Members(list));

        var later = await Contact(new { email = "snap-b@s.test", firstname = "Ada" });
        (await _api.Patch($"/crm/v3/objects/contacts/{ada}", new { properties = new { firstname = "Changed" } })).Expect(200);
        Assert.Equal([ada], await Members(list));

        var added = (await _api.Put($"/crm/v3/lists/{list}/memberships/add", new[] { later })).Expect(200);
        Assert.Equal([later], added["recordsIdsAdded"].AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal([ada, later], await Members(list));
    }
}
