using System.Globalization;
using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Schemas;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Webhooks;

/// <summary>Which CRM changes produce which events (docs/hubspot-api.md §8), with their payload fields, whatever API path made them.</summary>
public sealed class WebhookEventTests(WebhooksFixture fixture) : IClassFixture<WebhooksFixture>
{
    private Api Api => fixture.Api;

    private static string S(JsonNode? n) => n!.GetValue<string>();

    private static long L(JsonNode? n) => n!.GetValue<long>();

    private static long Id(string id) => long.Parse(id, CultureInfo.InvariantCulture);

    private static object Properties(string type, string suffix) => type switch
    {
        "contacts" => new { email = $"{suffix}@example.com" },
        "companies" => new { name = "Co " + suffix },
        "deals" => new { dealname = "Deal " + suffix, pipeline = "default", dealstage = "appointmentscheduled" },
        "tickets" => new { subject = "Ticket " + suffix, hs_pipeline_stage = "1" },
        "products" => new { name = "Product " + suffix },
        "line_items" => new { name = "Line " + suffix },
        _ => (object)new { model = "Model " + suffix },
    };

    private static string ChangedProperty(string type) => type switch
    {
        "contacts" => "firstname", "companies" => "domain", "deals" => "amount", "tickets" => "content",
        "products" => "price", "line_items" => "quantity", _ => "make",
    };

    [Theory]
    [InlineData("contacts", "contact")]
    [InlineData("companies", "company")]
    [InlineData("deals", "deal")]
    [InlineData("tickets", "ticket")]
    [InlineData("products", "product")]
    [InlineData("line_items", "line_item")]
    [InlineData("custom", "object")]
    public async Task Creation_propertyChange_deletion_and_restore_for_every_object_kind(string type, string prefix)
    {
        await fixture.ResetAsync();
        string? typeId = null;
        if (type == "custom")
        {
            typeId = S((await Api.Post("/crm-object-schemas/v3/schemas", SchemasApiTests.CarSchema("car" + Guid.NewGuid().ToString("N")[..6]))).Expect(201)["objectTypeId"]);
            type = typeId;
        }

        var property = ChangedProperty(type == typeId ? "custom" : type);
        var value = type switch { "deals" or "products" => "125", "line_items" => "3", _ when type == typeId => "toyota", _ => "changed" };
        foreach (var action in new[] { "creation", "propertyChange", "deletion", "restore" })
        {
            (await fixture.Developer.Post(fixture.Path("/subscriptions"), new
            {
                eventType = $"{prefix}.{action}", active = true, objectTypeId = typeId,
                propertyName = action == "propertyChange" ? property : null,
            })).Expect(201);
        }

        var id = S((await Api.Post($"/crm/v3/objects/{type}", new { properties = Properties(type == typeId ? "custom" : type, Guid.NewGuid().ToString("N")) })).Expect(201)["id"]);
        (await Api.Patch($"/crm/v3/objects/{type}/{id}", new { properties = new Dictionary<string, string> { [property] = value } })).Expect(200);
        (await Api.Delete($"/crm/v3/objects/{type}/{id}")).Expect(204);
        (await Api.Post($"/_emulator/records/{type}/{id}/restore", null)).Expect(204);

        var events = await fixture.DeliveredAsync();
        Assert.Equal([$"{prefix}.creation", $"{prefix}.propertyChange", $"{prefix}.deletion", $"{prefix}.restore"], events.Select(e => S(e["subscriptionType"])));
        Assert.All(events, e =>
        {
            Assert.Equal(Id(id), L(e["objectId"]));
            Assert.Equal(fixture.Emulator.PortalId, L(e["portalId"]));
            Assert.Equal(fixture.Emulator.AppId, L(e["appId"]));
            Assert.Equal(WebhooksFixture.Start.ToUnixTimeMilliseconds(), L(e["occurredAt"]));
            Assert.Equal(0, e["attemptNumber"]!.GetValue<int>());
            Assert.True(L(e["eventId"]) > 0);
            Assert.True(L(e["subscriptionId"]) > 0);
            Assert.Equal(typeId, e["objectTypeId"]?.GetValue<string>());
        });
        Assert.Equal("NEW", S(events[0]["changeFlag"]));
        Assert.Equal(property, S(events[1]["propertyName"]));
        Assert.Equal(value, S(events[1]["propertyValue"]));
        Assert.Equal("INTEGRATION", S(events[0]["changeSource"]));
        Assert.Equal(fixture.Emulator.AppId.ToString(CultureInfo.InvariantCulture), S(events[0]["sourceId"]));
        Assert.Equal("CRM_UI", S(events[3]["changeSource"]));
        Assert.Equal(events.Count, events.Select(e => L(e["eventId"])).Distinct().Count());
    }

    [Fact]
    public async Task PropertyChange_fires_only_for_its_property_and_only_when_the_value_changes()
    {
        await fixture.ResetAsync(new { eventType = "contact.propertyChange", propertyName = "firstname" });
        var id = S((await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "p@example.com" } })).Expect(201)["id"]);
        (await Api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { lastname = "Other" } })).Expect(200);
        (await Api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { firstname = "Ada" } })).Expect(200);
        (await Api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { firstname = "Ada" } })).Expect(200);
        (await Api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { firstname = "" } })).Expect(200);
        // Paused subscriptions produce nothing.
        var sub = S((await fixture.Developer.Get(fixture.Path("/subscriptions"))).Expect(200)["results"][0]!["id"]);
        (await fixture.Developer.Patch(fixture.Path($"/subscriptions/{sub}"), new { active = false })).Expect(200);
        (await Api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { firstname = "Paused" } })).Expect(200);

        var events = await fixture.DeliveredAsync();
        Assert.Equal(["Ada", ""], events.Select(e => S(e["propertyValue"])));
        Assert.All(events, e => Assert.Equal("firstname", S(e["propertyName"])));
    }

    [Fact]
    public async Task Values_set_on_create_produce_propertyChange_and_batch_upsert_paths_produce_events()
    {
        await fixture.ResetAsync(new { eventType = "contact.creation" }, new { eventType = "contact.propertyChange", propertyName = "firstname" });
        (await Api.Post("/crm/v3/objects/contacts/batch/create", new { inputs = new[] { new { properties = new { email = "b1@example.com", firstname = "One" } }, new { properties = new { email = "b2@example.com", firstname = "Two" } } } })).Expect(201);
        (await Api.Post("/crm/v3/objects/contacts/batch/upsert", new { inputs = new[] { new { idProperty = "email", id = "b1@example.com", properties = new { firstname = "Uno" } } } })).Expect(200);
        var events = await fixture.DeliveredAsync();
        Assert.Equal(2, events.Count(e => S(e["subscriptionType"]) == "contact.creation"));
        Assert.Equal(["One", "Two", "Uno"], events.Where(e => S(e["subscriptionType"]) == "contact.propertyChange").Select(e => S(e["propertyValue"])));
    }

    [Fact]
    public async Task Batch_archive_and_batch_update_produce_events_per_record()
    {
        await fixture.ResetAsync(new { eventType = "deal.deletion" }, new { eventType = "deal.propertyChange", propertyName = "amount" });
        var a = await Deal(Api);
        var b = await Deal(Api);
        (await Api.Post("/crm/v3/objects/deals/batch/update", new { inputs = new[] { new { id = a, properties = new { amount = "10" } }, new { id = b, properties = new { amount = "20" } } } })).Expect(200);
        (await Api.Post("/crm/v3/objects/deals/batch/archive", new { inputs = new[] { new { id = a }, new { id = b } } })).Expect(204);
        var events = await fixture.DeliveredAsync();
        Assert.Equal(
            [("deal.propertyChange", Id(a)), ("deal.propertyChange", Id(b)), ("deal.deletion", Id(a)), ("deal.deletion", Id(b))],
            events.Select(e => (S(e["subscriptionType"]), L(e["objectId"]))));
    }

    [Fact]
    public async Task A_rejected_batch_produces_no_events()
    {
        await fixture.ResetAsync(new { eventType = "contact.creation" });
        (await Api.Post("/crm/v3/objects/contacts/batch/create", new { inputs = new object[] { new { properties = new { email = "ok@example.com" } }, new { properties = new { email = "not-an-email" } } } })).Expect(400);
        (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "later@example.com" } })).Expect(201);
        var events = await fixture.DeliveredAsync();
        Assert.Single(events);
    }

    [Fact]
    public async Task Rows_an_import_writes_fire_the_same_creation_events_with_changeSource_IMPORT()
    {
        await fixture.ResetAsync(new { eventType = "contact.creation" });
        using var http = CrmImports.ImportHttp.Client(fixture.Emulator);
        var request = new
        {
            files = new[]
            {
                new { fileName = "c.csv", fileImportPage = new { hasHeader = true, columnMappings = new object[] { new { columnObjectTypeId = "0-1", columnName = "Email", propertyName = "email" } } } },
            },
        };
        var id = S((await CrmImports.ImportHttp.StartAsync(http, request, ("c.csv", "Email\nimp1@example.com\nbad-email\nimp2@example.com\n")))["id"]);
        await CrmImports.ImportHttp.WaitAsync(Api, id);
        var events = await fixture.DeliveredAsync();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal("IMPORT", S(e["changeSource"])));
    }

    [Fact]
    public async Task Runtime_tokens_report_changeSource_API()
    {
        await fixture.ResetAsync(new { eventType = "company.creation" });
        using var other = fixture.Api.WithToken(fixture.Emulator.CreateToken("crm.objects.companies.write"));
        await Company(other);
        var e = Assert.Single(await fixture.DeliveredAsync());
        Assert.Equal("API", S(e["changeSource"]));
        Assert.Null(e["sourceId"]);
    }

    [Fact]
    public async Task AssociationChange_fires_once_per_direction_on_create_and_remove_for_v4_v3_and_batch()
    {
        await fixture.ResetAsync(new { eventType = "contact.associationChange" });
        var contact = await Contact(Api);
        var company = await Company(Api);
        var deal = await Deal(Api);
        (await Api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", new[] { Spec(1) })).Expect(201);
        (await Api.Delete($"/crm/v4/objects/contacts/{contact}/associations/companies/{company}")).Expect(204);
        (await Api.Put($"/crm/v3/objects/contacts/{contact}/associations/deals/{deal}/contact_to_deal", null)).Expect(200);
        (await Api.Post("/crm/v4/associations/deals/contacts/batch/archive", new { inputs = new[] { new { from = new { id = deal }, to = new[] { new { id = contact } } } } })).Expect(204);

        var events = await fixture.DeliveredAsync();
        Assert.All(events, e => Assert.Equal("contact.associationChange", S(e["subscriptionType"])));
        var shapes = events.Select(e => (S(e["associationType"]), L(e["fromObjectId"]), L(e["toObjectId"]), e["associationRemoved"]!.GetValue<bool>())).ToList();
        Assert.Equal(
        [
            ("CONTACT_TO_COMPANY", Id(contact), Id(company), false), ("COMPANY_TO_CONTACT", Id(company), Id(contact), false),
            ("CONTACT_TO_COMPANY", Id(contact), Id(company), true), ("COMPANY_TO_CONTACT", Id(company), Id(contact), true),
            ("CONTACT_TO_DEAL", Id(contact), Id(deal), false), ("DEAL_TO_CONTACT", Id(deal), Id(contact), false),
            ("DEAL_TO_CONTACT", Id(deal), Id(contact), true), ("CONTACT_TO_DEAL", Id(contact), Id(deal), true),
        ], shapes);
        Assert.True(events[0]["isPrimaryAssociation"]!.GetValue<bool>());
        Assert.False(events[4]["isPrimaryAssociation"]!.GetValue<bool>());
        Assert.All(events, e => Assert.Equal(L(e["fromObjectId"]), L(e["objectId"])));
    }

    [Fact]
    public async Task Adding_and_removing_a_label_on_an_existing_pair_is_an_association_change()
    {
        await fixture.ResetAsync(new { eventType = "company.associationChange" });
        var label = (await Api.Post("/crm/v4/associations/contacts/companies/labels", new { name = "boss" + Guid.NewGuid().ToString("N")[..6], label = "Boss" })).Expect(200);
        var typeId = label["results"].AsArray().First(r => S(r!["label"]) == "Boss")!["typeId"]!.GetValue<int>();
        var contact = await Contact(Api);
        var company = await Company(Api);
        (await Api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null)).Expect(200);
        (await Api.Post("/crm/v4/associations/contacts/companies/batch/create", new { inputs = new[] { new { from = new { id = contact }, to = new { id = company }, types = new[] { Spec(typeId, "USER_DEFINED") } } } })).Expect(201);
        (await Api.Post("/crm/v4/associations/contacts/companies/batch/labels/archive", new { inputs = new[] { new { from = new { id = contact }, to = new { id = company }, types = new[] { Spec(typeId, "USER_DEFINED") } } } })).Expect(204);

        var events = await fixture.DeliveredAsync();
        Assert.Equal(
        [
            ("CONTACT_TO_COMPANY", false), ("COMPANY_TO_CONTACT", false), // default
            ("CONTACT_TO_COMPANY", false), ("COMPANY_TO_CONTACT", false), // label added
            ("CONTACT_TO_COMPANY", true), ("COMPANY_TO_CONTACT", true), // label removed, the pair stays
        ], events.Select(e => (S(e["associationType"]), e["associationRemoved"]!.GetValue<bool>())));
        Assert.All(events, e => Assert.Equal("company.associationChange", S(e["subscriptionType"])));
    }

    [Fact]
    public async Task Custom_object_associations_report_through_object_associationChange()
    {
        await fixture.ResetAsync();
        var name = "car" + Guid.NewGuid().ToString("N")[..6];
        var typeId = S((await Api.Post("/crm-object-schemas/v3/schemas", SchemasApiTests.CarSchema(name))).Expect(201)["objectTypeId"]);
        (await fixture.Developer.Post(fixture.Path("/subscriptions"), new { eventType = "object.associationChange", objectTypeId = typeId, active = true })).Expect(201);
        var car = S((await Api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "T" } })).Expect(201)["id"]);
        var contact = await Contact(Api);
        (await Api.Put($"/crm/v4/objects/{typeId}/{car}/associations/default/contacts/{contact}", null)).Expect(200);

        var events = await fixture.DeliveredAsync();
        Assert.Equal([$"{name.ToUpperInvariant()}_TO_CONTACT", $"CONTACT_TO_{name.ToUpperInvariant()}"], events.Select(e => S(e["associationType"])));
        Assert.All(events, e => Assert.Equal("object.associationChange", S(e["subscriptionType"])));
        Assert.Equal(typeId, S(events[0]["objectTypeId"]));
        Assert.Equal("0-1", S(events[1]["objectTypeId"]));
    }

    [Fact]
    public async Task Merge_sends_the_merge_fields()
    {
        await fixture.ResetAsync(new { eventType = "contact.merge" });
        var primary = S((await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "keep@example.com" } })).Expect(201)["id"]);
        var merged = S((await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "gone@example.com", firstname = "Moved", jobtitle = "Too" } })).Expect(201)["id"]);
        (await Api.Post("/crm/v3/objects/contacts/merge", new { primaryObjectId = primary, objectIdToMerge = merged })).Expect(200);
        var e = Assert.Single(await fixture.DeliveredAsync());
        Assert.Equal("contact.merge", S(e["subscriptionType"]));
        Assert.Equal(Id(primary), L(e["objectId"]));
        Assert.Equal(Id(primary), L(e["primaryObjectId"]));
        Assert.Equal(Id(primary), L(e["newObjectId"]));
        Assert.Equal([Id(merged)], e["mergedObjectIds"]!.AsArray().Select(L));
        Assert.Equal(2, e["numberOfPropertiesMoved"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_GDPR_delete_sends_privacyDeletion_and_a_separate_deletion()
    {
        await fixture.ResetAsync(new { eventType = "contact.privacyDeletion" }, new { eventType = "contact.deletion" });
        var id = await Contact(Api);
        (await Api.Post("/crm/v3/objects/contacts/gdpr-delete", new { objectId = id })).Expect(204);
        var events = await fixture.DeliveredAsync();
        Assert.Equal(["contact.privacyDeletion", "contact.deletion"], events.Select(e => S(e["subscriptionType"])));
        Assert.All(events, e => Assert.Equal(Id(id), L(e["objectId"])));
    }

    [Fact]
    public async Task Without_settings_nothing_is_sent()
    {
        await fixture.ResetAsync(new { eventType = "contact.creation" });
        (await fixture.Developer.Delete(fixture.Path("/settings"))).Expect(204);
        await Contact(Api);
        Assert.Empty(await fixture.DeliveredAsync());
        Assert.Single((await fixture.Developer.Get(fixture.Path("/subscriptions"))).Expect(200)["results"].AsArray());
    }
}
