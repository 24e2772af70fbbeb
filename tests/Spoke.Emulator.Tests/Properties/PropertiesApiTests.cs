using System.Globalization;
using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Properties;

/// <summary>Properties v3: create, read, update, archive, batch, scopes, and records using the new definitions.</summary>
public sealed class PropertiesApiTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private string Now => fixture.Emulator.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private Task<Reply> CreateProperty(string objectType, object body) => _api.Post($"/crm/v3/properties/{objectType}", body);

    [Fact]
    public async Task Create_answers_201_with_the_full_property_and_a_location()
    {
        var name = Unique("favorite_food");
        var reply = (await CreateProperty("contacts", new
        {
            name, label = "Favorite food", type = "string", fieldType = "text", groupName = "contactinformation",
            description = "What they like to eat", displayOrder = 3, formField = true,
        })).Expect(201);

        Assert.EndsWith($"/crm/v3/properties/contacts/{name}", reply.Headers["Location"]);
        Assert.Equal(name, Str(reply["name"]));
        Assert.Equal("Favorite food", Str(reply["label"]));
        Assert.Equal("string", Str(reply["type"]));
        Assert.Equal("text", Str(reply["fieldType"]));
        Assert.Equal("What they like to eat", Str(reply["description"]));
        Assert.Equal("contactinformation", Str(reply["groupName"]));
        Assert.Empty(reply["options"].AsArray());
        Assert.Equal(3, reply["displayOrder"].GetValue<int>());
        Assert.False(reply["hidden"].GetValue<bool>());
        Assert.True(reply["formField"].GetValue<bool>());
        Assert.False(reply["hasUniqueValue"].GetValue<bool>());
        Assert.False(reply["hubspotDefined"].GetValue<bool>());
        Assert.False(reply["calculated"].GetValue<bool>());
        Assert.False(reply["externalOptions"].GetValue<bool>());
        Assert.False(reply["archived"].GetValue<bool>());
        Assert.Null(reply.Body!["archivedAt"]);
        Assert.Equal(Now, Str(reply["createdAt"]));
        Assert.Equal(Now, Str(reply["updatedAt"]));
        Assert.True(reply["modificationMetadata"]["archivable"]!.GetValue<bool>());
        Assert.False(reply["modificationMetadata"]["readOnlyDefinition"]!.GetValue<bool>());
        Assert.False(reply["modificationMetadata"]["readOnlyValue"]!.GetValue<bool>());
        Assert.Equal("non_sensitive", Str(reply["dataSensitivity"]));

        var read = (await _api.Get($"/crm/v3/properties/contacts/{name}")).Expect(200);
        Assert.Equal(reply.Text, read.Text);
    }

    [Fact]
    public async Task Created_property_is_usable_by_records_at_once_with_type_checks()
    {
        var count = Unique("seats");
        var renewal = Unique("renewal");
        var tier = Unique("tier");
        (await CreateProperty("companies", new { name = count, label = "Seats", type = "number", fieldType = "number", groupName = "companyinformation" })).Expect(201);
        (await CreateProperty("companies", new { name = renewal, label = "Renewal", type = "date", fieldType = "date", groupName = "companyinformation" })).Expect(201);
        var enumReply = (await CreateProperty("companies", new
        {
            name = tier, label = "Tier", type = "enumeration", fieldType = "select", groupName = "companyinformation",
            options = new[]
            {
                new { label = "Gold", value = "gold", displayOrder = 1, hidden = false },
                new { label = "Silver", value = "silver", displayOrder = 2, hidden = false },
            },
        })).Expect(201);
        Assert.Equal("gold", Str(enumReply["options"][0]!["value"]));
        Assert.Equal("Silver", Str(enumReply["options"][1]!["label"]));
        Assert.Equal(2, enumReply["options"][1]!["displayOrder"]!.GetValue<int>());
        Assert.False(enumReply["modificationMetadata"]["readOnlyOptions"]!.GetValue<bool>());

        var created = (await _api.Post("/crm/v3/objects/companies", new
        {
            properties = new Dictionary<string, string> { ["name"] = "Acme", [count] = "12.5", [renewal] = "2026-03-01", [tier] = "gold" },
        })).Expect(201);
        Assert.Equal("12.5", Str(created["properties"][count]));
        Assert.Equal("2026-03-01", Str(created["properties"][renewal]));
        Assert.Equal("gold", Str(created["properties"][tier]));

        var badNumber = (await _api.Post("/crm/v3/objects/companies", new { properties = new Dictionary<string, string> { ["name"] = "B", [count] = "many" } })).Expect(400);
        Assert.Contains(count, badNumber.Text);
        (await _api.Post("/crm/v3/objects/companies", new { properties = new Dictionary<string, string> { ["name"] = "B", [renewal] = "next week" } })).Expect(400);
        var badOption = (await _api.Post("/crm/v3/objects/companies", new { properties = new Dictionary<string, string> { ["name"] = "B", [tier] = "bronze" } })).Expect(400);
        Assert.Contains("bronze", badOption.Text);
    }

    [Fact]
    public async Task Create_reports_every_missing_required_field()
    {
        var reply = (await CreateProperty("contacts", new { label = "No name" })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", Str(reply["category"]));
        var fields = reply["errors"].AsArray().Select(e => Str(e!["in"])).ToList();
        Assert.Contains("name", fields);
        Assert.Contains("type", fields);
        Assert.Contains("fieldType", fields);
        Assert.Contains("groupName", fields);
        Assert.DoesNotContain("label", fields);
    }

    [Theory]
    [InlineData("Bad-Name", "string", "text", "INVALID_PROPERTY_NAME")]
    [InlineData("1starts_with_digit", "string", "text", "INVALID_PROPERTY_NAME")]
    [InlineData("hs_reserved_prefix", "string", "text", "INVALID_PROPERTY_NAME")]
    [InlineData("wrong_pair", "bool", "text", "INVALID_FIELD_TYPE")]
    [InlineData("wrong_pair2", "number", "select", "INVALID_FIELD_TYPE")]
    [InlineData("wrong_pair3", "date", "text", "INVALID_FIELD_TYPE")]
    [InlineData("unknown_type", "money", "number", "INVALID_PROPERTY_TYPE")]
    public async Task Create_rejects_bad_names_and_type_pairs(string name, string type, string fieldType, string code)
    {
        var reply = (await CreateProperty("deals", new { name, label = "X", type, fieldType, groupName = "dealinformation" })).Expect(400);
        Assert.Equal(code, Str(reply["errors"][0]!["code"]));
    }

    [Fact]
    public async Task Create_rejects_duplicate_option_values_and_unknown_groups()
    {
        var duplicated = (await CreateProperty("deals", new
        {
            name = Unique("dup"), label = "Dup", type = "enumeration", fieldType = "radio", groupName = "dealinformation",
            options = new[] { new { label = "A", value = "a" }, new { label = "A again", value = "a" } },
        })).Expect(400);
        Assert.Equal("DUPLICATE_OPTION_VALUE", Str(duplicated["errors"][0]!["code"]));

        var noGroup = (await CreateProperty("deals", new { name = Unique("lonely"), label = "L", type = "string", fieldType = "text", groupName = "nosuchgroup" })).Expect(400);
        Assert.Contains("nosuchgroup", Str(noGroup["message"]));
    }

    [Fact]
    public async Task Create_with_a_taken_name_answers_409_conflict()
    {
        var name = Unique("taken");
        var body = new { name, label = "Taken", type = "string", fieldType = "text", groupName = "contactinformation" };
        (await CreateProperty("contacts", body)).Expect(201);
        var again = (await CreateProperty("contacts", body)).Expect(409);
        Assert.Equal("CONFLICT", Str(again["category"]));
        Assert.Equal($"A property named '{name}' already exists.", Str(again["message"]));

        (await CreateProperty("contacts", new { name = "email", label = "E", type = "string", fieldType = "text", groupName = "contactinformation" })).Expect(409);
        // Names are per object type: the same name is free on companies.
        (await CreateProperty("companies", new { name, label = "Taken", type = "string", fieldType = "text", groupName = "companyinformation" })).Expect(201);
    }

    [Fact]
    public async Task Bool_property_gets_yes_no_options_and_checks_values()
    {
        var name = Unique("vip");
        var reply = (await CreateProperty("contacts", new { name, label = "VIP", type = "bool", fieldType = "booleancheckbox", groupName = "contactinformation" })).Expect(201);
        Assert.Equal(["true", "false"], reply["options"].AsArray().Select(o => Str(o!["value"])));
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new Dictionary<string, string> { ["email"] = $"{name}@x.io", [name] = "true" } })).Expect(201);
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new Dictionary<string, string> { ["email"] = $"{name}2@x.io", [name] = "maybe" } })).Expect(400);
    }

    [Fact]
    public async Task List_returns_definitions_and_filters_by_name_and_archived()
    {
        var all = (await _api.Get("/crm/v3/properties/contacts")).Expect(200);
        var email = all["results"].AsArray().Single(p => Str(p!["name"]) == "email")!;
        Assert.True(email["hubspotDefined"]!.GetValue<bool>());
        Assert.Equal("string", Str(email["type"]));
        Assert.True(email["modificationMetadata"]!["readOnlyDefinition"]!.GetValue<bool>());
        Assert.False(email["modificationMetadata"]!["archivable"]!.GetValue<bool>());
        var objectId = all["results"].AsArray().Single(p => Str(p!["name"]) == "hs_object_id")!;
        Assert.True(objectId["modificationMetadata"]!["readOnlyValue"]!.GetValue<bool>());
        Assert.Null(all.Body!["paging"]);

        var some = (await _api.Get("/crm/v3/properties/contacts?properties=email,firstname")).Expect(200);
        Assert.Equal(["email", "firstname"], some["results"].AsArray().Select(p => Str(p!["name"])).Order());

        var name = Unique("gone");
        (await CreateProperty("contacts", new { name, label = "Gone", type = "string", fieldType = "text", groupName = "contactinformation" })).Expect(201);
        (await _api.Delete($"/crm/v3/properties/contacts/{name}")).Expect(204);
        var live = (await _api.Get("/crm/v3/properties/contacts")).Expect(200);
        Assert.DoesNotContain(live["results"].AsArray(), p => Str(p!["name"]) == name);
        var archived = (await _api.Get("/crm/v3/properties/contacts?archived=true")).Expect(200);
        Assert.Contains(archived["results"].AsArray(), p => Str(p!["name"]) == name);
        Assert.All(archived["results"].AsArray(), p => Assert.True(p!["archived"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Get_of_an_unknown_property_or_type_fails()
    {
        var missing = (await _api.Get("/crm/v3/properties/contacts/no_such_property")).Expect(404);
        Assert.Equal("OBJECT_NOT_FOUND", Str(missing["category"]));
        var badType = (await _api.Get("/crm/v3/properties/widgets")).Expect(400);
        Assert.Contains("widgets", Str(badType["message"]));
    }

    [Fact]
    public async Task Patch_updates_the_editable_fields()
    {
        var name = Unique("size");
        (await CreateProperty("deals", new
        {
            name, label = "Size", type = "enumeration", fieldType = "select", groupName = "dealinformation",
            options = new[] { new { label = "Small", value = "s" } },
        })).Expect(201);
        var createdAt = Now;
        fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(5));

        var reply = (await _api.Patch($"/crm/v3/properties/deals/{name}", new
        {
            label = "Deal size", description = "T-shirt size", displayOrder = 7, hidden = true, formField = true,
            options = new[] { new { label = "Small", value = "s" }, new { label = "Large", value = "l" } },
        })).Expect(200);
        Assert.Equal("Deal size", Str(reply["label"]));
        Assert.Equal("T-shirt size", Str(reply["description"]));
        Assert.Equal(7, reply["displayOrder"].GetValue<int>());
        Assert.True(reply["hidden"].GetValue<bool>());
        Assert.True(reply["formField"].GetValue<bool>());
        Assert.Equal(["s", "l"], reply["options"].AsArray().Select(o => Str(o!["value"])));
        Assert.Equal(createdAt, Str(reply["createdAt"]));
        Assert.Equal(Now, Str(reply["updatedAt"]));

        // The new option is accepted by records straight away.
        (await _api.Post("/crm/v3/objects/deals", new { properties = new Dictionary<string, string> { ["dealname"] = "D", ["dealstage"] = "appointmentscheduled", [name] = "l" } })).Expect(201);
    }

    [Fact]
    public async Task Patch_validates_type_changes_and_records_follow_the_new_type()
    {
        var name = Unique("code");
        (await CreateProperty("tickets", new { name, label = "Code", type = "string", fieldType = "text", groupName = "ticketinformation" })).Expect(201);
        var bad = (await _api.Patch($"/crm/v3/properties/tickets/{name}", new { type = "number" })).Expect(400);
        Assert.Equal("INVALID_FIELD_TYPE", Str(bad["errors"][0]!["code"]));

        var ok = (await _api.Patch($"/crm/v3/properties/tickets/{name}", new { type = "number", fieldType = "number" })).Expect(200);
        Assert.Equal("number", Str(ok["type"]));
        var ticket = new Dictionary<string, string> { ["subject"] = "S", ["hs_pipeline_stage"] = "1", [name] = "abc" };
        (await _api.Post("/crm/v3/objects/tickets", new { properties = ticket })).Expect(400);
        ticket[name] = "42";
        (await _api.Post("/crm/v3/objects/tickets", new { properties = ticket })).Expect(201);
    }

    [Fact]
    public async Task Patch_of_a_hubspot_defined_property_is_refused()
    {
        var reply = (await _api.Patch("/crm/v3/properties/contacts/email", new { label = "E-mail" })).Expect(400);
        Assert.Equal("READ_ONLY_DEFINITION", Str(reply["errors"][0]!["code"]));
        var email = (await _api.Get("/crm/v3/properties/contacts/email")).Expect(200);
        Assert.Equal("Email", Str(email["label"]));
    }

    [Fact]
    public async Task Delete_archives_custom_properties_only()
    {
        var name = Unique("legacy_code");
        (await CreateProperty("contacts", new { name, label = "Legacy", type = "string", fieldType = "text", groupName = "contactinformation" })).Expect(201);
        (await _api.Delete($"/crm/v3/properties/contacts/{name}")).Expect(204);

        (await _api.Get($"/crm/v3/properties/contacts/{name}")).Expect(404);
        var archived = (await _api.Get($"/crm/v3/properties/contacts/{name}?archived=true")).Expect(200);
        Assert.True(archived["archived"].GetValue<bool>());
        Assert.Equal(Now, Str(archived["archivedAt"]));
        var write = (await _api.Post("/crm/v3/objects/contacts", new { properties = new Dictionary<string, string> { ["email"] = $"{name}@x.io", [name] = "v" } })).Expect(400);
        Assert.Contains("PROPERTY_DOESNT_EXIST", write.Text);
        (await _api.Delete($"/crm/v3/properties/contacts/{name}")).Expect(404);

        var defined = (await _api.Delete("/crm/v3/properties/contacts/firstname")).Expect(400);
        Assert.Contains("can't be archived", Str(defined["message"]));
        (await _api.Get("/crm/v3/properties/contacts/firstname")).Expect(200);
    }

    [Fact]
    public async Task Batch_read_answers_207_for_missing_names()
    {
        var name = Unique("batch_read");
        (await CreateProperty("contacts", new { name, label = "BR", type = "string", fieldType = "text", groupName = "contactinformation" })).Expect(201);

        var ok = (await _api.Post("/crm/v3/properties/contacts/batch/read", new { archived = false, inputs = new[] { new { name }, new { name = "email" } } })).Expect(200);
        Assert.Equal("COMPLETE", Str(ok["status"]));
        Assert.Equal([name, "email"], ok["results"].AsArray().Select(p => Str(p!["name"])));
        Assert.NotNull(ok.Body!["startedAt"]);

        var partial = (await _api.Post("/crm/v3/properties/contacts/batch/read", new { archived = false, inputs = new[] { new { name }, new { name = "nope_nope" } } })).Expect(207);
        Assert.Single(partial["results"].AsArray());
        Assert.Equal(1, partial["numErrors"].GetValue<int>());
        Assert.Equal("OBJECT_NOT_FOUND", Str(partial["errors"][0]!["category"]));
        Assert.Contains("nope_nope", partial["errors"][0]!.ToJsonString());
    }

    [Fact]
    public async Task Batch_create_answers_201_or_207_per_input()
    {
        var a = Unique("bc_a");
        var b = Unique("bc_b");
        var all = (await _api.Post("/crm/v3/properties/deals/batch/create", new
        {
            inputs = new[]
            {
                new { name = a, label = "A", type = "string", fieldType = "text", groupName = "dealinformation" },
                new { name = b, label = "B", type = "number", fieldType = "number", groupName = "dealinformation" },
            },
        })).Expect(201);
        Assert.Equal([a, b], all["results"].AsArray().Select(p => Str(p!["name"])));

        var c = Unique("bc_c");
        var some = (await _api.Post("/crm/v3/properties/deals/batch/create", new
        {
            inputs = new[]
            {
                new { name = c, label = "C", type = "string", fieldType = "text", groupName = "dealinformation" },
                new { name = a, label = "A again", type = "string", fieldType = "text", groupName = "dealinformation" },
            },
        })).Expect(207);
        Assert.Equal([c], some["results"].AsArray().Select(p => Str(p!["name"])));
        Assert.Equal("CONFLICT", Str(some["errors"][0]!["category"]));
        (await _api.Get($"/crm/v3/properties/deals/{c}")).Expect(200);
    }

    [Fact]
    public async Task Batch_archive_answers_204_whatever_the_state()
    {
        var name = Unique("ba");
        (await CreateProperty("deals", new { name, label = "BA", type = "string", fieldType = "text", groupName = "dealinformation" })).Expect(201);
        (await _api.Post("/crm/v3/properties/deals/batch/archive", new { inputs = new[] { new { name }, new { name = "never_existed" } } })).Expect(204);
        (await _api.Get($"/crm/v3/properties/deals/{name}")).Expect(404);
        (await _api.Post("/crm/v3/properties/deals/batch/archive", new { inputs = new[] { new { name } } })).Expect(204);
        (await _api.Post("/crm/v3/properties/deals/batch/archive", new { inputs = new[] { new { name = "dealname" } } })).Expect(400);
    }

    [Fact]
    public async Task Dated_paths_serve_the_same_properties()
    {
        var name = Unique("dated");
        (await _api.Post("/crm/properties/2026-09/companies", new { name, label = "Dated", type = "string", fieldType = "textarea", groupName = "companyinformation" })).Expect(201);
        (await _api.Get($"/crm/v3/properties/companies/{name}")).Expect(200);
        var viaMarch = (await _api.Get($"/crm/properties/2026-03/0-2/{name}")).Expect(200);
        Assert.Equal("textarea", Str(viaMarch["fieldType"]));
    }

    [Fact]
    public async Task Reading_takes_an_object_scope_and_writing_the_schema_scope()
    {
        using var reader = _api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        (await reader.Get("/crm/v3/properties/contacts")).Expect(200);
        var denied = (await reader.Post("/crm/v3/properties/contacts", new { name = Unique("nope"), label = "N", type = "string", fieldType = "text", groupName = "contactinformation" })).Expect(403);
        Assert.Equal("MISSING_SCOPES", Str(denied["category"]));
        Assert.Contains("crm.schemas.contacts.write", denied.Text);
        (await reader.Get("/crm/v3/properties/deals")).Expect(403);

        using var writer = _api.WithToken(fixture.Emulator.CreateToken("crm.schemas.contacts.write"));
        (await writer.Post("/crm/v3/properties/contacts", new { name = Unique("yes"), label = "Y", type = "string", fieldType = "text", groupName = "contactinformation" })).Expect(201);
        (await writer.Get("/crm/v3/properties/contacts/email")).Expect(200);
    }
}
