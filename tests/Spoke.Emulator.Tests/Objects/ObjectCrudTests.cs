using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Objects;

public sealed class ObjectCrudTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static string Email() => $"c{Guid.NewGuid():N}@example.com";

    private async Task<string> CreateContact(string email, string first = "Ada")
    {
        var reply = (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email, firstname = first } })).Expect(201);
        return reply["id"].GetValue<string>();
    }

    [Fact]
    public async Task Create_answers_201_with_string_id_string_values_and_system_properties()
    {
        var email = Email();
        var reply = (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email, firstname = "Ada", lastname = "Lovelace" } })).Expect(201);
        var id = reply["id"].GetValue<string>();
        Assert.True(long.Parse(id) > int.MaxValue, "ids are large numbers sent as strings");
        var props = reply["properties"];
        Assert.Equal(email, props["email"]!.GetValue<string>());
        Assert.Equal(id, props["hs_object_id"]!.GetValue<string>());
        Assert.Equal("2026-01-15T09:30:00.000Z", props["createdate"]!.GetValue<string>());
        Assert.Equal("2026-01-15T09:30:00.000Z", props["lastmodifieddate"]!.GetValue<string>());
        Assert.Equal("2026-01-15T09:30:00.000Z", reply["createdAt"].GetValue<string>());
        Assert.False(reply["archived"].GetValue<bool>());
    }

    [Fact]
    public async Task Get_returns_default_properties_and_null_for_requested_unset_ones()
    {
        var id = await CreateContact(Email());
        var reply = (await _api.Get($"/crm/v3/objects/contacts/{id}")).Expect(200);
        var props = reply["properties"].AsObject();
        Assert.Equal(["firstname", "lastname", "email", "createdate", "lastmodifieddate", "hs_object_id"], props.Select(p => p.Key));
        Assert.Null(props["lastname"]);

        var some = (await _api.Get($"/crm/v3/objects/contacts/{id}?properties=firstname,jobtitle")).Expect(200);
        Assert.Equal(["firstname", "jobtitle"], some["properties"].AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Get_by_email_idProperty_is_case_insensitive()
    {
        var email = Email();
        var id = await CreateContact(email);
        var reply = (await _api.Get($"/crm/v3/objects/contacts/{email.ToUpperInvariant()}?idProperty=email")).Expect(200);
        Assert.Equal(id, reply["id"].GetValue<string>());
    }

    [Fact]
    public async Task Missing_record_is_404_object_not_found_with_hubspot_body()
    {
        var reply = (await _api.Get("/crm/v3/objects/contacts/999")).Expect(404);
        Assert.Equal("error", reply["status"].GetValue<string>());
        Assert.Equal("OBJECT_NOT_FOUND", reply["category"].GetValue<string>());
        Assert.True(Guid.TryParse(reply["correlationId"].GetValue<string>(), out _));
        Assert.Equal(reply["correlationId"].GetValue<string>(), reply.Headers["X-HubSpot-Correlation-Id"]);
    }

    [Fact]
    public async Task Update_changes_values_clears_with_empty_string_and_keeps_history()
    {
        var id = await CreateContact(Email(), "Ada");
        fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(5));
        var updated = (await _api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { firstname = "Grace", jobtitle = "Admiral" } })).Expect(200);
        Assert.Equal("Grace", updated["properties"]["firstname"]!.GetValue<string>());
        Assert.NotEqual(updated["createdAt"].GetValue<string>(), updated["updatedAt"].GetValue<string>());

        (await _api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { jobtitle = "" } })).Expect(200);
        var read = (await _api.Get($"/crm/v3/objects/contacts/{id}?properties=jobtitle&propertiesWithHistory=firstname")).Expect(200);
        Assert.Null(read["properties"]["jobtitle"]);
        var history = read["propertiesWithHistory"]["firstname"]!.AsArray();
        Assert.Equal(["Grace", "Ada"], history.Select(h => h!["value"]!.GetValue<string>()));
        Assert.All(history, h => Assert.NotNull(h!["timestamp"]));
    }

    [Fact]
    public async Task Archive_answers_204_hides_the_record_and_archived_true_shows_it()
    {
        var id = await CreateContact(Email());
        (await _api.Delete($"/crm/v3/objects/contacts/{id}")).Expect(204);
        (await _api.Get($"/crm/v3/objects/contacts/{id}")).Expect(404);
        var archived = (await _api.Get($"/crm/v3/objects/contacts/{id}?archived=true")).Expect(200);
        Assert.True(archived["archived"].GetValue<bool>());
        Assert.NotNull(archived["archivedAt"]);
        (await _api.Delete("/crm/v3/objects/contacts/12")).Expect(204);
    }

    [Fact]
    public async Task Archived_contact_email_can_be_reused()
    {
        var email = Email();
        var id = await CreateContact(email);
        (await _api.Delete($"/crm/v3/objects/contacts/{id}")).Expect(204);
        var again = await CreateContact(email);
        Assert.NotEqual(id, again);
    }

    [Fact]
    public async Task Duplicate_email_on_create_is_409_and_on_update_is_400()
    {
        var email = Email();
        var id = await CreateContact(email);
        var conflict = (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = email.ToUpperInvariant() } })).Expect(409);
        Assert.Equal("CONFLICT", conflict["category"].GetValue<string>());
        Assert.Equal($"Contact already exists. Existing ID: {id}", conflict["message"].GetValue<string>());

        var other = await CreateContact(Email());
        var update = (await _api.Patch($"/crm/v3/objects/contacts/{other}", new { properties = new { email } })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", update["category"].GetValue<string>());
        Assert.Contains($"propertyName=email, value={email}}} on {other}. {id} already has that value.", update["message"].GetValue<string>());
    }

    [Theory]
    [InlineData("nope", "x", "PROPERTY_DOESNT_EXIST")]
    [InlineData("hs_object_id", "5", "READ_ONLY_VALUE")]
    [InlineData("email", "not-an-email", "INVALID_EMAIL")]
    [InlineData("annualrevenue", "lots", "INVALID_INTEGER")]
    [InlineData("hs_email_optout", "maybe", "INVALID_BOOLEAN")]
    [InlineData("lifecyclestage", "Lead", "INVALID_OPTION")]
    [InlineData("date_of_birth", "1430438400001", "INVALID_DATE")]
    [InlineData("hubspot_owner_id", "1", "INVALID_OPTION")]
    public async Task Invalid_values_are_refused_with_hubspot_validation_body(string property, string value, string code)
    {
        var properties = new JsonObject { ["email"] = Email(), [property] = value };
        var reply = (await _api.Post("/crm/v3/objects/contacts", new JsonObject { ["properties"] = properties })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        var message = reply["message"].GetValue<string>();
        Assert.StartsWith("Property values were not valid: [", message);
        var problems = JsonNode.Parse(message["Property values were not valid: ".Length..])!.AsArray();
        var problem = Assert.Single(problems)!;
        Assert.Equal(code, problem["error"]!.GetValue<string>());
        Assert.Equal(property, problem["name"]!.GetValue<string>());
        Assert.Equal(code, reply["errors"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Typed_values_are_stored_in_wire_form()
    {
        var reply = (await _api.Post("/crm/v3/objects/contacts", new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["email"] = Email(), ["date_of_birth"] = "1430438400000", ["hs_email_optout"] = "TRUE",
                ["annualrevenue"] = 1500.5, ["hs_buying_role"] = "BUDGET_HOLDER;END_USER",
            },
        })).Expect(201);
        var id = reply["id"].GetValue<string>();
        var props = reply["properties"];
        Assert.Equal("2015-05-01", props["date_of_birth"]!.GetValue<string>());
        Assert.Equal("true", props["hs_email_optout"]!.GetValue<string>());
        Assert.Equal("1500.5", props["annualrevenue"]!.GetValue<string>());

        // A leading ';' appends to a multi-value enumeration instead of replacing it.
        var appended = (await _api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { hs_buying_role = ";CHAMPION" } })).Expect(200);
        Assert.Equal("BUDGET_HOLDER;END_USER;CHAMPION", appended["properties"]["hs_buying_role"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_pages_in_id_order_and_paging_is_absent_on_the_last_page()
    {
        fixture.Emulator.Reset();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _api.Post("/crm/v3/objects/companies", new { properties = new { name = $"Co {i}" } })).Expect(201)["id"].GetValue<string>());
        }

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = (await _api.Get($"/crm/v3/objects/companies?limit=2{(after is null ? "" : "&after=" + after)}")).Expect(200);
            seen.AddRange(page["results"].AsArray().Select(r => r!["id"]!.GetValue<string>()));
            after = page.Body!["paging"]?["next"]?["after"]?.GetValue<string>();
            if (after is not null)
            {
                Assert.Contains("limit=2", page.Body!["paging"]!["next"]!["link"]!.GetValue<string>());
            }

            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task Create_rules_per_object_type_are_enforced()
    {
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { jobtitle = "CTO" } })).Expect(400);
        (await _api.Post("/crm/v3/objects/companies", new { properties = new { city = "Oslo" } })).Expect(400);
        (await _api.Post("/crm/v3/objects/companies", new { properties = new { domain = "example.org" } })).Expect(201);
        (await _api.Post("/crm/v3/objects/deals", new { properties = new { dealname = "No stage" } })).Expect(400);
        (await _api.Post("/crm/v3/objects/tickets", new { properties = new { subject = "No stage" } })).Expect(400);
        var ticket = (await _api.Post("/crm/v3/objects/tickets", new { properties = new { subject = "Broken", hs_pipeline_stage = "1" } })).Expect(201);
        Assert.Equal("0", ticket["properties"]["hs_pipeline"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deal_stage_must_belong_to_the_pipeline_and_sets_probability()
    {
        var bad = (await _api.Post("/crm/v3/objects/deals", new { properties = new { dealname = "D", dealstage = "nope" } })).Expect(400);
        Assert.Contains("INVALID_OPTION", bad["message"].GetValue<string>());

        var deal = (await _api.Post("/crm/v3/objects/deals", new { properties = new { dealname = "D", pipeline = "default", dealstage = "contractsent" } })).Expect(201);
        var id = deal["id"].GetValue<string>();
        var read = (await _api.Get($"/crm/v3/objects/deals/{id}?properties=hs_deal_stage_probability,hs_is_closed,hs_is_closed_won")).Expect(200);
        Assert.Equal("0.9", read["properties"]["hs_deal_stage_probability"]!.GetValue<string>());
        Assert.Equal("false", read["properties"]["hs_is_closed"]!.GetValue<string>());

        (await _api.Patch($"/crm/v3/objects/deals/{id}", new { properties = new { dealstage = "closedwon" } })).Expect(200);
        read = (await _api.Get($"/crm/v3/objects/deals/{id}?properties=hs_is_closed,hs_is_closed_won")).Expect(200);
        Assert.Equal("true", read["properties"]["hs_is_closed_won"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/crm/v3/objects/0-1")]
    [InlineData("/crm/objects/2026-03/contacts")]
    [InlineData("/crm/objects/2026-09/0-1")]
    public async Task Objects_answer_on_type_ids_and_dated_paths(string path)
    {
        var email = Email();
        var created = (await _api.Post(path, new { properties = new { email } })).Expect(201);
        var read = (await _api.Get($"{path}/{created["id"].GetValue<string>()}")).Expect(200);
        Assert.Equal(email, read["properties"]["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_object_type_and_unknown_route_answer_like_hubspot()
    {
        var type = (await _api.Get("/crm/v3/objects/widgets")).Expect(400);
        Assert.Equal("Unable to infer object type from: widgets", type["message"].GetValue<string>());
        var route = (await _api.Get("/crm/v3/nothing-here")).Expect(404);
        Assert.Equal("error", route["status"].GetValue<string>());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_validation_error()
    {
        var reply = (await _api.Post("/crm/v3/objects/contacts", "{\"properties\": {")).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.StartsWith("Invalid input JSON", reply["message"].GetValue<string>());
    }
}
