using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Timeline;

/// <summary>Timeline (fact sheet §3.8): event templates under the developer key, events with validated tokens.</summary>
public sealed class TimelineTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;
    private readonly Api _developer;
    private readonly string _templates;

    public TimelineTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
        // Template calls carry no bearer token: only ?hapikey=.
        _developer = fixture.Api.WithToken(null);
        var portal = fixture.Emulator.Portal;
        _templates = $"/integrators/timeline/v3/{portal.AppId}/event-templates";
    }

    public void Dispose() => _developer.Dispose();

    private string Key => _fixture.Emulator.Portal.DeveloperApiKey;

    private string Templates(string suffix = "") => $"{_templates}{suffix}?hapikey={Key}";

    private static object[] DefaultTokens() =>
    [
        new { name = "amount", label = "Amount", type = "number" },
        new { name = "when", label = "When", type = "date" },
        new { name = "plan", label = "Plan", type = "enumeration", options = new[] { new { label = "Basic", value = "basic" }, new { label = "Pro", value = "pro" } } },
        new { name = "note", label = "Note", type = "string" },
    ];

    private async Task<JsonNode> CreateTemplate(string objectType = "contacts", object[]? tokens = null)
    {
        var reply = (await _developer.Post(Templates(), new
        {
            name = "Webinar " + Guid.NewGuid().ToString("N")[..6], objectType, headerTemplate = "Registered for {{plan}}", detailTemplate = "Amount {{amount}}",
            tokens = tokens ?? DefaultTokens(),
        })).Expect(201);
        return reply.Body!;
    }

    private async Task<string> Contact(string email) =>
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email } })).Expect(201)["id"].GetValue<string>();

    [Fact]
    public async Task Template_create_get_list_update_and_delete()
    {
        var template = await CreateTemplate();
        var id = template["id"]!.GetValue<string>();
        Assert.Equal("contacts", template["objectType"]!.GetValue<string>());
        Assert.Equal(4, template["tokens"]!.AsArray().Count);
        Assert.Equal("pro", template["tokens"]![2]!["options"]![1]!["value"]!.GetValue<string>());
        Assert.NotNull(template["createdAt"]);

        var fetched = (await _developer.Get(Templates($"/{id}"))).Expect(200);
        Assert.Equal(template["name"]!.GetValue<string>(), fetched["name"].GetValue<string>());
        var all = (await _developer.Get(Templates())).Expect(200)["results"].AsArray();
        Assert.Equal(id, Assert.Single(all)!["id"]!.GetValue<string>());

        var updated = (await _developer.Put(Templates($"/{id}"), new
        {
            id, name = "Renamed", headerTemplate = "New header", tokens = new[] { new { name = "note", label = "Note", type = "string" } },
        })).Expect(200);
        Assert.Equal("Renamed", updated["name"].GetValue<string>());
        Assert.Equal("New header", updated["headerTemplate"].GetValue<string>());
        Assert.Equal("note", Assert.Single(updated["tokens"].AsArray())!["name"]!.GetValue<string>());

        (await _developer.Delete(Templates($"/{id}"))).Expect(204);
        (await _developer.Get(Templates($"/{id}"))).Expect(404);
    }

    [Fact]
    public async Task Template_tokens_add_update_and_delete()
    {
        var id = (await CreateTemplate())["id"]!.GetValue<string>();
        var token = (await _developer.Post(Templates($"/{id}/tokens"), new { name = "city", label = "City", type = "string", objectPropertyName = "city" })).Expect(200);
        Assert.Equal("city", token["objectPropertyName"].GetValue<string>());
        (await _developer.Post(Templates($"/{id}/tokens"), new { name = "city", label = "Again", type = "string" })).Expect(400);

        var relabeled = (await _developer.Put(Templates($"/{id}/tokens/city"), new { label = "Town" })).Expect(200);
        Assert.Equal("Town", relabeled["label"].GetValue<string>());
        Assert.Equal("string", relabeled["type"].GetValue<string>());

        (await _developer.Delete(Templates($"/{id}/tokens/city"))).Expect(204);
        (await _developer.Delete(Templates($"/{id}/tokens/city"))).Expect(404);
        Assert.DoesNotContain((await _developer.Get(Templates($"/{id}"))).Expect(200)["tokens"].AsArray(), t => t!["name"]!.GetValue<string>() == "city");
    }

    [Theory]
    [InlineData("""{"name":"t","objectType":"contacts","tokens":[{"name":"x","label":"X","type":"color"}]}""", "color")]
    [InlineData("""{"name":"t","objectType":"contacts","tokens":[{"name":"bad name","label":"X","type":"string"}]}""", "bad name")]
    [InlineData("""{"name":"t","objectType":"contacts","tokens":[{"name":"e","label":"E","type":"enumeration"}]}""", "option")]
    [InlineData("""{"name":"t","objectType":"contacts","tokens":[{"name":"p","label":"P","type":"string","objectPropertyName":"nope"}]}""", "nope")]
    [InlineData("""{"name":"t","objectType":"products","tokens":[]}""", "products")]
    [InlineData("""{"objectType":"contacts","tokens":[]}""", "name")]
    public async Task Template_create_validates_its_definition(string body, string mentioned)
    {
        var reply = (await _developer.Post(Templates(), body)).Expect(400);
        Assert.Contains(mentioned, reply["message"].GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Templates_require_the_developer_key()
    {
        // No credentials at all.
        (await _developer.Get(_templates)).Expect(401);
        // A wrong key.
        var wrong = (await _developer.Get($"{_templates}?hapikey=not-the-key")).Expect(401);
        Assert.Equal("INVALID_AUTHENTICATION", wrong["category"].GetValue<string>());
        // A bearer token is not the developer key.
        (await _api.Get(_templates)).Expect(401);
        // Another app id.
        (await _developer.Get($"/integrators/timeline/v3/999/event-templates?hapikey={Key}")).Expect(404);
    }

    [Fact]
    public async Task Event_on_a_contact_by_object_id_and_get_it_back()
    {
        var template = await CreateTemplate();
        var templateId = template["id"]!.GetValue<string>();
        var contact = await Contact("event-1@t.test");
        var created = (await _api.Post("/integrators/timeline/v3/events", new
        {
            id = "evt-1", eventTemplateId = templateId, objectId = contact,
            tokens = new { amount = 12.5, when = "2026-01-10T10:00:00Z", plan = "pro", note = "hello" },
            timestamp = "2026-01-11T08:00:00.000Z",
            extraData = new { questions = new[] { "a", "b" } },
        })).Expect(201);
        Assert.Equal("evt-1", created["id"].GetValue<string>());
        Assert.Equal(templateId, created["eventTemplateId"].GetValue<string>());
        Assert.Equal(contact, created["objectId"].GetValue<string>());
        Assert.Equal("contacts", created["objectType"].GetValue<string>());
        Assert.Equal("12.5", created["tokens"]["amount"]!.GetValue<string>());
        Assert.Equal("2026-01-11T08:00:00.000Z", created["timestamp"].GetValue<string>());
        Assert.Equal("b", created["extraData"]["questions"]![1]!.GetValue<string>());
        Assert.NotNull(created["createdAt"]);

        var fetched = (await _api.Get($"/integrators/timeline/v3/events/{templateId}/evt-1")).Expect(200);
        Assert.Equal("pro", fetched["tokens"]["plan"]!.GetValue<string>());
        (await _api.Get($"/integrators/timeline/v3/events/{templateId}/nope")).Expect(404);

        var again = (await _api.Post("/integrators/timeline/v3/events", new { id = "evt-1", eventTemplateId = templateId, objectId = contact })).Expect(409);
        Assert.Equal("CONFLICT", again["category"].GetValue<string>());
    }

    [Fact]
    public async Task Event_ids_may_ask_for_a_uuid()
    {
        var templateId = (await CreateTemplate())["id"]!.GetValue<string>();
        var contact = await Contact("uuid@t.test");
        var first = (await _api.Post("/integrators/timeline/v3/events", new { id = "evt-{{uuid}}", eventTemplateId = templateId, objectId = contact })).Expect(201);
        var second = (await _api.Post("/integrators/timeline/v3/events", new { id = "evt-{{uuid}}", eventTemplateId = templateId, objectId = contact })).Expect(201);
        Assert.Matches("^evt-[0-9a-f-]{36}$", first["id"].GetValue<string>());
        Assert.NotEqual(first["id"].GetValue<string>(), second["id"].GetValue<string>());
    }

    [Theory]
    [InlineData("amount", "lots")]
    [InlineData("when", "yesterday")]
    [InlineData("plan", "enterprise")]
    [InlineData("undeclared", "x")]
    public async Task Token_values_are_validated_against_the_template(string token, string value)
    {
        var templateId = (await CreateTemplate())["id"]!.GetValue<string>();
        var contact = await Contact($"tokens-{token}@t.test");
        var reply = (await _api.Post("/integrators/timeline/v3/events", new JsonObject
        {
            ["id"] = "bad-" + token, ["eventTemplateId"] = templateId, ["objectId"] = contact, ["tokens"] = new JsonObject { [token] = value },
        })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Contains($"\"{token}\"", reply["message"].GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(token, reply["context"]["tokenName"]![0]!.GetValue<string>());
        (await _api.Get($"/integrators/timeline/v3/events/{templateId}/bad-{token}")).Expect(404);
    }

    [Fact]
    public async Task Events_need_an_existing_template_and_record()
    {
        var templateId = (await CreateTemplate())["id"]!.GetValue<string>();
        (await _api.Post("/integrators/timeline/v3/events", new { id = "x1", eventTemplateId = "424242", objectId = "1" })).Expect(404);
        (await _api.Post("/integrators/timeline/v3/events", new { id = "x2", eventTemplateId = templateId, objectId = "999999999" })).Expect(404);
        (await _api.Post("/integrators/timeline/v3/events", new { id = "x3", eventTemplateId = templateId })).Expect(400);
    }

    [Fact]
    public async Task Email_finds_or_creates_the_contact_and_tokens_stamp_properties()
    {
        var templateId = (await CreateTemplate(tokens:
        [
            new { name = "city", label = "City", type = "string", objectPropertyName = "city" },
            new { name = "plan", label = "Plan", type = "enumeration", options = new[] { new { label = "Pro", value = "pro" } } },
        ]))["id"]!.GetValue<string>();
        var existing = await Contact("known@t.test");
        var onExisting = (await _api.Post("/integrators/timeline/v3/events", new { id = "e1", eventTemplateId = templateId, email = "known@t.test", tokens = new { city = "Lyon" } })).Expect(201);
        Assert.Equal(existing, onExisting["objectId"].GetValue<string>());
        Assert.Equal("known@t.test", onExisting["email"].GetValue<string>());
        var record = (await _api.Get($"/crm/v3/objects/contacts/{existing}?properties=city")).Expect(200);
        Assert.Equal("Lyon", record["properties"]["city"]!.GetValue<string>());

        var onNew = (await _api.Post("/integrators/timeline/v3/events", new { id = "e2", eventTemplateId = templateId, email = "brand-new@t.test", tokens = new { city = "Oslo" } })).Expect(201);
        var newId = onNew["objectId"].GetValue<string>();
        Assert.NotEqual(existing, newId);
        var created = (await _api.Get($"/crm/v3/objects/contacts/{newId}?properties=email,city")).Expect(200);
        Assert.Equal("brand-new@t.test", created["properties"]["email"]!.GetValue<string>());
        Assert.Equal("Oslo", created["properties"]["city"]!.GetValue<string>());
    }

    [Fact]
    public async Task Events_on_companies_by_domain_and_on_deals_and_custom_objects()
    {
        var companyTemplate = (await CreateTemplate("companies", []))["id"]!.GetValue<string>();
        var company = (await _api.Post("/crm/v3/objects/companies", new { properties = new { name = "Acme", domain = "acme.test" } })).Expect(201)["id"].GetValue<string>();
        var byDomain = (await _api.Post("/integrators/timeline/v3/events", new { id = "c1", eventTemplateId = companyTemplate, domain = "ACME.test" })).Expect(201);
        Assert.Equal(company, byDomain["objectId"].GetValue<string>());
        Assert.Equal("companies", byDomain["objectType"].GetValue<string>());
        (await _api.Post("/integrators/timeline/v3/events", new { id = "c2", eventTemplateId = companyTemplate, domain = "unknown.test" })).Expect(404);

        var dealTemplate = (await CreateTemplate("deals", []))["id"]!.GetValue<string>();
        var deal = (await _api.Post("/crm/v3/objects/deals", new { properties = new { dealname = "Big", dealstage = "appointmentscheduled" } })).Expect(201)["id"].GetValue<string>();
        (await _api.Post("/integrators/timeline/v3/events", new { id = "d1", eventTemplateId = dealTemplate, objectId = deal })).Expect(201);
        (await _api.Post("/integrators/timeline/v3/events", new { id = "d2", eventTemplateId = dealTemplate, email = "x@y.test" })).Expect(400);

        var schema = (await _api.Post("/crm-object-schemas/v3/schemas", new
        {
            name = "cars", labels = new { singular = "Car", plural = "Cars" }, primaryDisplayProperty = "model", requiredProperties = new[] { "model" },
            properties = new[] { new { name = "model", label = "Model", type = "string", fieldType = "text" } },
        })).Expect(201);
        var fqn = schema["fullyQualifiedName"].GetValue<string>();
        var carTemplate = await CreateTemplate(fqn, []);
        Assert.Equal(fqn, carTemplate["objectType"]!.GetValue<string>());
        var car = (await _api.Post($"/crm/v3/objects/{fqn}", new { properties = new { model = "T" } })).Expect(201)["id"].GetValue<string>();
        var onCar = (await _api.Post("/integrators/timeline/v3/events", new { id = "car1", eventTemplateId = carTemplate["id"]!.GetValue<string>(), objectId = car })).Expect(201);
        Assert.Equal(car, onCar["objectId"].GetValue<string>());
    }

    [Fact]
    public async Task Batch_create_reports_failures_per_event()
    {
        var templateId = (await CreateTemplate())["id"]!.GetValue<string>();
        var contact = await Contact("batch@t.test");
        var all = (await _api.Post("/integrators/timeline/v3/events/batch/create", new
        {
            inputs = new object[]
            {
                new { id = "b1", eventTemplateId = templateId, objectId = contact, tokens = new { plan = "basic" } },
                new { id = "b2", eventTemplateId = templateId, objectId = contact },
            },
        })).Expect(201);
        Assert.Equal(2, all["results"].AsArray().Count);
        Assert.Equal("COMPLETE", all["status"].GetValue<string>());

        var mixed = (await _api.Post("/integrators/timeline/v3/events/batch/create", new
        {
            inputs = new object[]
            {
                new { id = "b3", eventTemplateId = templateId, objectId = contact },
                new { id = "b4", eventTemplateId = templateId, objectId = contact, tokens = new { plan = "gold" } },
                new { id = "b1", eventTemplateId = templateId, objectId = contact },
            },
        })).Expect(207);
        Assert.Equal("b3", Assert.Single(mixed["results"].AsArray())!["id"]!.GetValue<string>());
        Assert.Equal(2, mixed["numErrors"].GetValue<int>());
        Assert.Equal("b4", mixed["errors"][0]!["context"]!["id"]![0]!.GetValue<string>());
        (await _api.Get($"/integrators/timeline/v3/events/{templateId}/b3")).Expect(200);
    }

    [Fact]
    public async Task Events_need_the_timeline_scope()
    {
        var templateId = (await CreateTemplate())["id"]!.GetValue<string>();
        var contact = await Contact("scope@t.test");
        using var other = _api.WithToken(_fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        (await other.Post("/integrators/timeline/v3/events", new { id = "s1", eventTemplateId = templateId, objectId = contact })).Expect(403);
        using var timeline = _api.WithToken(_fixture.Emulator.CreateToken("timeline"));
        (await timeline.Post("/integrators/timeline/v3/events", new { id = "s2", eventTemplateId = templateId, objectId = contact })).Expect(201);
        (await timeline.Get($"/integrators/timeline/2026-03/events/{templateId}/s2")).Expect(200);
    }
}
