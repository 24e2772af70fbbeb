using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Lists;

/// <summary>Lists v3 (fact sheet §3.7): list CRUD, search, delete/restore, memberships and paging.</summary>
public sealed class ListsApiTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;

    public ListsApiTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
    }

    private async Task<string> Contact(string email, object? extra = null)
    {
        var properties = new JsonObject { ["email"] = email };
        if (extra is not null)
        {
            foreach (var (k, v) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra))!.AsObject())
            {
                properties[k] = v?.DeepClone();
            }
        }

        var reply = (await _api.Post("/crm/v3/objects/contacts", new JsonObject { ["properties"] = properties })).Expect(201);
        return reply["id"].GetValue<string>();
    }

    private async Task<JsonNode> CreateList(string name, string processingType = "MANUAL", object? filterBranch = null, string objectTypeId = "0-1")
    {
        var body = new JsonObject { ["name"] = name, ["objectTypeId"] = objectTypeId, ["processingType"] = processingType };
        if (filterBranch is not null)
        {
            body["filterBranch"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(filterBranch));
        }

        return (await _api.Post("/crm/v3/lists", body)).Expect(200)["list"];
    }

    [Fact]
    public async Task Create_returns_the_list_in_HubSpots_shape()
    {
        var list = await CreateList("Newsletter");
        Assert.Matches("^[0-9]+$", list["listId"]!.GetValue<string>());
        Assert.Equal(1, list["listVersion"]!.GetValue<int>());
        Assert.Equal("Newsletter", list["name"]!.GetValue<string>());
        Assert.Equal("0-1", list["objectTypeId"]!.GetValue<string>());
        Assert.Equal("MANUAL", list["processingType"]!.GetValue<string>());
        Assert.Equal("COMPLETE", list["processingStatus"]!.GetValue<string>());
        Assert.Equal(0, list["size"]!.GetValue<int>());
        var now = _fixture.Emulator.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(now, list["createdAt"]!.GetValue<string>());
        Assert.Equal(now, list["updatedAt"]!.GetValue<string>());
        Assert.Null(list["deletedAt"]);
        Assert.Null(list["filterBranch"]);
    }

    [Fact]
    public async Task Create_accepts_an_object_type_name_and_stores_the_type_id()
    {
        var list = await CreateList("Key accounts", objectTypeId: "companies");
        Assert.Equal("0-2", list["objectTypeId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_rejects_a_duplicate_name_per_object_type_ignoring_case()
    {
        await CreateList("VIPs");
        var reply = (await _api.Post("/crm/v3/lists", new { name = "vips", objectTypeId = "0-1", processingType = "MANUAL" })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Contains("already exists", reply["message"].GetValue<string>(), StringComparison.Ordinal);
        // Another object type may use the same name.
        await CreateList("VIPs", objectTypeId: "0-2");
    }

    [Theory]
    [InlineData("""{"objectTypeId":"0-1","processingType":"MANUAL"}""", "name")]
    [InlineData("""{"name":"x1","processingType":"MANUAL"}""", "objectTypeId")]
    [InlineData("""{"name":"x2","objectTypeId":"0-1","processingType":"SOMETIMES"}""", "processingType")]
    [InlineData("""{"name":"x3","objectTypeId":"0-1","processingType":"DYNAMIC"}""", "filterBranch")]
    [InlineData("""{"name":"x4","objectTypeId":"0-1","processingType":"MANUAL","filterBranch":{"filterBranchType":"OR","filterBranches":[]}}""", "MANUAL")]
    [InlineData("""{"name":"x5","objectTypeId":"nope","processingType":"MANUAL"}""", "nope")]
    public async Task Create_rejects_invalid_definitions(string body, string mentioned)
    {
        var reply = (await _api.Post("/crm/v3/lists", body)).Expect(400);
        Assert.Contains(mentioned, reply["message"].GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_by_id_by_ids_and_by_name()
    {
        var list = await CreateList("Prospects");
        var id = list["listId"]!.GetValue<string>();
        var other = (await CreateList("Customers"))["listId"]!.GetValue<string>();

        var one = (await _api.Get($"/crm/v3/lists/{id}")).Expect(200)["list"];
        Assert.Equal("Prospects", one["name"]!.GetValue<string>());

        var many = (await _api.Get($"/crm/v3/lists?listIds={id}&listIds={other}&listIds=999999")).Expect(200)["lists"].AsArray();
        Assert.Equal(["Prospects", "Customers"], many.Select(l => l!["name"]!.GetValue<string>()));

        var byName = (await _api.Get("/crm/v3/lists/object-type-id/0-1/name/PROSPECTS")).Expect(200)["list"];
        Assert.Equal(id, byName["listId"]!.GetValue<string>());

        (await _api.Get("/crm/v3/lists/999999")).Expect(404);
        (await _api.Get("/crm/v3/lists/object-type-id/0-1/name/nobody")).Expect(404);
    }

    [Fact]
    public async Task Dated_paths_serve_the_same_lists()
    {
        var id = (await CreateList("Dated"))["listId"]!.GetValue<string>();
        (await _api.Get($"/crm/lists/2026-03/{id}")).Expect(200);
        var list = (await _api.Get($"/crm/lists/2026-09/{id}")).Expect(200)["list"];
        Assert.Equal("Dated", list["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_filters_by_query_and_processing_type_and_pages_by_offset()
    {
        await CreateList("Alpha one");
        await CreateList("Alpha two");
        await CreateList("Beta");
        await CreateList("Alpha dynamic", "DYNAMIC", AnyContactWithEmail());

        var reply = (await _api.Post("/crm/v3/lists/search", new { query = "alpha", processingTypes = new[] { "MANUAL" }, offset = 0, count = 1 })).Expect(200);
        Assert.Equal(2, reply["total"].GetValue<int>());
        Assert.Equal(1, reply["offset"].GetValue<int>());
        Assert.True(reply["hasMore"].GetValue<bool>());
        var first = Assert.Single(reply["lists"].AsArray())!;
        Assert.Equal("Alpha one", first["name"]!.GetValue<string>());
        Assert.Equal("0", first["additionalProperties"]!["hs_list_size"]!.GetValue<string>());

        var second = (await _api.Post("/crm/v3/lists/search", new { query = "alpha", processingTypes = new[] { "MANUAL" }, offset = 1, count = 1 })).Expect(200);
        Assert.Equal("Alpha two", Assert.Single(second["lists"].AsArray())!["name"]!.GetValue<string>());
        Assert.False(second["hasMore"].GetValue<bool>());

        var all = (await _api.Post("/crm/v3/lists/search", new { offset = 0 })).Expect(200);
        Assert.Equal(4, all["total"].GetValue<int>());
    }

    [Fact]
    public async Task Rename_bumps_the_version_and_refuses_a_taken_name()
    {
        var created = await CreateList("Old name");
        var id = created["listId"]!.GetValue<string>();
        await CreateList("Taken");
        _fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(5));
        var updated = (await _api.Put($"/crm/v3/lists/{id}/update-list-name?listName=New%20name", null)).Expect(200)["updatedList"];
        Assert.Equal("New name", updated["name"]!.GetValue<string>());
        Assert.Equal(2, updated["listVersion"]!.GetValue<int>());
        Assert.Equal(TimeSpan.FromMinutes(5), DateTimeOffset.Parse(updated["updatedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse(created["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        (await _api.Put($"/crm/v3/lists/{id}/update-list-name?listName=taken", null)).Expect(400);
        (await _api.Put($"/crm/v3/lists/{id}/update-list-name", null)).Expect(400);
    }

    [Fact]
    public async Task Delete_and_restore()
    {
        var id = (await CreateList("Temporary"))["listId"]!.GetValue<string>();
        (await _api.Delete($"/crm/v3/lists/{id}")).Expect(204);

        var deleted = (await _api.Get($"/crm/v3/lists/{id}")).Expect(200)["list"];
        Assert.NotNull(deleted["deletedAt"]);
        (await _api.Get("/crm/v3/lists/object-type-id/0-1/name/Temporary")).Expect(404);
        Assert.Equal(0, (await _api.Post("/crm/v3/lists/search", new { query = "Temporary" })).Expect(200)["total"].GetValue<int>());
        (await _api.Put($"/crm/v3/lists/{id}/memberships/add", new[] { "1" })).Expect(404);
        (await _api.Delete($"/crm/v3/lists/{id}")).Expect(404);

        (await _api.Put($"/crm/v3/lists/{id}/restore", null)).Expect(204);
        var restored = (await _api.Get($"/crm/v3/lists/{id}")).Expect(200)["list"];
        Assert.Null(restored["deletedAt"]);
        (await _api.Put($"/crm/v3/lists/{id}/restore", null)).Expect(400);
    }

    [Fact]
    public async Task Restore_refuses_when_the_name_was_taken_meanwhile()
    {
        var id = (await CreateList("Reused"))["listId"]!.GetValue<string>();
        (await _api.Delete($"/crm/v3/lists/{id}")).Expect(204);
        await CreateList("Reused");
        (await _api.Put($"/crm/v3/lists/{id}/restore", null)).Expect(400);
    }

    [Fact]
    public async Task Memberships_add_remove_and_report_missing_ids()
    {
        var a = await Contact("m-a@example.com");
        var b = await Contact("m-b@example.com");
        var id = (await CreateList("Members"))["listId"]!.GetValue<string>();

        var added = (await _api.Put($"/crm/v3/lists/{id}/memberships/add", new[] { a, b, "123", a })).Expect(200);
        Assert.Equal([a, b], added["recordsIdsAdded"].AsArray().Select(x => x!.GetValue<string>()));
        Assert.Empty(added["recordIdsRemoved"].AsArray());
        Assert.Equal(["123"], added["recordIdsMissing"].AsArray().Select(x => x!.GetValue<string>()));

        var again = (await _api.Put($"/crm/v3/lists/{id}/memberships/add", new[] { a })).Expect(200);
        Assert.Empty(again["recordsIdsAdded"].AsArray());

        var removed = (await _api.Put($"/crm/v3/lists/{id}/memberships/remove", new[] { a })).Expect(200);
        Assert.Equal([a], removed["recordIdsRemoved"].AsArray().Select(x => x!.GetValue<string>()));

        var list = (await _api.Get($"/crm/v3/lists/{id}")).Expect(200)["list"];
        Assert.Equal(1, list["size"]!.GetValue<int>());

        var both = (await _api.Put($"/crm/v3/lists/{id}/memberships/add-and-remove", new { recordIdsToAdd = new[] { a }, recordIdsToRemove = new[] { b } })).Expect(200);
        Assert.Equal([a], both["recordsIdsAdded"].AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal([b], both["recordIdsRemoved"].AsArray().Select(x => x!.GetValue<string>()));
        var members = (await _api.Get($"/crm/v3/lists/{id}/memberships")).Expect(200);
        Assert.Equal([a], members["results"].AsArray().Select(x => x!["recordId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Memberships_body_must_be_an_array()
    {
        var id = (await CreateList("Bad body"))["listId"]!.GetValue<string>();
        (await _api.Put($"/crm/v3/lists/{id}/memberships/add", new { ids = new[] { "1" } })).Expect(400);
    }

    [Fact]
    public async Task Add_from_copies_members_and_delete_memberships_empties_the_list()
    {
        var a = await Contact("af-a@example.com");
        var b = await Contact("af-b@example.com");
        var source = (await CreateList("Source"))["listId"]!.GetValue<string>();
        var target = (await CreateList("Target"))["listId"]!.GetValue<string>();
        (await _api.Put($"/crm/v3/lists/{source}/memberships/add", new[] { a, b })).Expect(200);

        (await _api.Put($"/crm/v3/lists/{target}/memberships/add-from/{source}", null)).Expect(204);
        Assert.Equal(2, (await _api.Get($"/crm/v3/lists/{target}")).Expect(200)["list"]["size"]!.GetValue<int>());

        (await _api.Delete($"/crm/v3/lists/{target}/memberships")).Expect(204);
        Assert.Equal(0, (await _api.Get($"/crm/v3/lists/{target}")).Expect(200)["list"]["size"]!.GetValue<int>());
        Assert.Equal(2, (await _api.Get($"/crm/v3/lists/{source}")).Expect(200)["list"]["size"]!.GetValue<int>());

        var companies = (await CreateList("Companies", objectTypeId: "0-2"))["listId"]!.GetValue<string>();
        (await _api.Put($"/crm/v3/lists/{companies}/memberships/add-from/{source}", null)).Expect(400);
    }

    [Fact]
    public async Task Membership_pages_respect_limit_and_cursors_in_both_directions()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Contact($"page-{i}@example.com"));
        }

        var list = (await CreateList("Paged"))["listId"]!.GetValue<string>();
        // Join in reverse so record-id order and join order differ.
        foreach (var id in Enumerable.Reverse(ids))
        {
            _fixture.Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
            (await _api.Put($"/crm/v3/lists/{list}/memberships/add", new[] { id })).Expect(200);
        }

        var first = (await _api.Get($"/crm/v3/lists/{list}/memberships?limit=2")).Expect(200);
        Assert.Equal(ids.Take(2), first["results"].AsArray().Select(x => x!["recordId"]!.GetValue<string>()));
        Assert.Equal(5, first["total"].GetValue<int>());
        Assert.Null(first["paging"]!["prev"]);
        var after = first["paging"]!["next"]!["after"]!.GetValue<string>();
        Assert.Contains("after=", first["paging"]!["next"]!["link"]!.GetValue<string>(), StringComparison.Ordinal);

        var second = (await _api.Get($"/crm/v3/lists/{list}/memberships?limit=2&after={after}")).Expect(200);
        Assert.Equal(ids.Skip(2).Take(2), second["results"].AsArray().Select(x => x!["recordId"]!.GetValue<string>()));
        var before = second["paging"]!["prev"]!["before"]!.GetValue<string>();

        var back = (await _api.Get($"/crm/v3/lists/{list}/memberships?limit=2&before={before}")).Expect(200);
        Assert.Equal(ids.Take(2), back["results"].AsArray().Select(x => x!["recordId"]!.GetValue<string>()));

        var joinOrder = (await _api.Get($"/crm/v3/lists/{list}/memberships/join-order?limit=250")).Expect(200);
        var results = joinOrder["results"].AsArray();
        Assert.Equal(Enumerable.Reverse(ids), results.Select(x => x!["recordId"]!.GetValue<string>()));
        // Each join was a second after the previous one.
        var stamps = results.Select(x => DateTimeOffset.Parse(x!["membershipTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(TimeSpan.FromSeconds(4), stamps[^1] - stamps[0]);
        Assert.Null(joinOrder.Body!["paging"]);

        // Limits above 250 are clamped, not refused.
        (await _api.Get($"/crm/v3/lists/{list}/memberships?limit=1000")).Expect(200);
        (await _api.Get($"/crm/v3/lists/{list}/memberships?after=xyz")).Expect(400);
    }

    [Fact]
    public async Task Archived_records_are_not_members()
    {
        var a = await Contact("arch-a@example.com");
        var b = await Contact("arch-b@example.com");
        var list = (await CreateList("Archive check"))["listId"]!.GetValue<string>();
        (await _api.Put($"/crm/v3/lists/{list}/memberships/add", new[] { a, b })).Expect(200);
        (await _api.Delete($"/crm/v3/objects/contacts/{a}")).Expect(204);

        var members = (await _api.Get($"/crm/v3/lists/{list}/memberships")).Expect(200);
        Assert.Equal([b], members["results"].AsArray().Select(x => x!["recordId"]!.GetValue<string>()));
        Assert.Equal(1, members["total"].GetValue<int>());
        var added = (await _api.Put($"/crm/v3/lists/{list}/memberships/add", new[] { a })).Expect(200);
        Assert.Equal([a], added["recordIdsMissing"].AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public async Task A_records_memberships_single_and_batch()
    {
        var a = await Contact("rm-a@example.com");
        var one = (await CreateList("One"))["listId"]!.GetValue<string>();
        var two = (await CreateList("Two"))["listId"]!.GetValue<string>();
        (await CreateList("Three")).ToString();
        _fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        (await _api.Put($"/crm/v3/lists/{one}/memberships/add", new[] { a })).Expect(200);
        (await _api.Put($"/crm/v3/lists/{two}/memberships/add", new[] { a })).Expect(200);
        (await _api.Put($"/crm/v3/lists/{two}/memberships/remove", new[] { a })).Expect(200);
        _fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        (await _api.Put($"/crm/v3/lists/{two}/memberships/add", new[] { a })).Expect(200);

        var reply = (await _api.Get($"/crm/v3/lists/records/0-1/{a}/memberships")).Expect(200);
        var results = reply["results"].AsArray();
        Assert.Equal([one, two], results.Select(x => x!["listId"]!.GetValue<string>()));
        Assert.Equal(TimeSpan.FromMinutes(1), DateTimeOffset.Parse(results[1]!["lastAddedTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse(results[1]!["firstAddedTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(results[0]!["firstAddedTimestamp"]!.GetValue<string>(), results[1]!["firstAddedTimestamp"]!.GetValue<string>());
        Assert.Equal(1, results[1]!["listVersion"]!.GetValue<int>());

        var batch = (await _api.Post("/crm/v3/lists/records/memberships/batch/read",
            new { inputs = new[] { new { objectTypeId = "0-1", recordId = a }, new { objectTypeId = "0-1", recordId = "42" } } })).Expect(200);
        Assert.Equal("COMPLETE", batch["status"].GetValue<string>());
        var items = batch["results"].AsArray();
        Assert.Equal(2, items[0]!["recordListMemberships"]!.AsArray().Count);
        Assert.Empty(items[1]!["recordListMemberships"]!.AsArray());
        Assert.Equal("42", items[1]!["recordId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scopes_are_enforced()
    {
        var id = (await CreateList("Scoped"))["listId"]!.GetValue<string>();
        using var reader = _api.WithToken(_fixture.Emulator.CreateToken("crm.lists.read"));
        (await reader.Get($"/crm/v3/lists/{id}")).Expect(200);
        var refused = (await reader.Post("/crm/v3/lists", new { name = "nope", objectTypeId = "0-1", processingType = "MANUAL" })).Expect(403);
        Assert.Equal("MISSING_SCOPES", refused["category"].GetValue<string>());
        using var other = _api.WithToken(_fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        (await other.Get($"/crm/v3/lists/{id}")).Expect(403);
    }

    internal static object AnyContactWithEmail() => new
    {
        filterBranchType = "OR",
        filterBranches = new[]
        {
            new
            {
                filterBranchType = "AND",
                filters = new[] { new { filterType = "PROPERTY", property = "email", operation = new { operationType = "ALL_PROPERTY", @operator = "IS_KNOWN" } } },
            },
        },
    };
}
