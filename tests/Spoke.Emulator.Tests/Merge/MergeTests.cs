using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Merge;

/// <summary>Merge (fact sheet §3.1): field rules, history, merged ids, aliases, emails, search, associations, lists, errors.</summary>
public sealed class MergeTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static string Email(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    private async Task<string> Create(string type, object properties) =>
        Str((await _api.Post($"/crm/v3/objects/{type}", new { properties })).Expect(201)["id"]);

    private Task<Reply> Merge(string type, string primary, string toMerge, string prefix = "/crm/v3/objects") =>
        _api.Post($"{prefix}/{type}/merge", new { primaryObjectId = primary, objectIdToMerge = toMerge });

    private async Task<Reply> Get(string type, string id, string properties) =>
        (await _api.Get($"/crm/v3/objects/{type}/{id}?properties={properties}")).Expect(200);

    [Fact]
    public async Task Primary_values_win_and_missing_values_come_from_the_merged_contact()
    {
        var primary = await Create("contacts", new { email = Email("keep"), firstname = "Ada", city = "London" });
        var other = await Create("contacts", new { email = Email("gone"), firstname = "Augusta", lastname = "King", jobtitle = "Analyst" });

        var merged = (await Merge("contacts", primary, other)).Expect(200);

        Assert.Equal(primary, Str(merged["id"]));
        Assert.Equal("Ada", Str(merged["properties"]["firstname"]));
        Assert.Equal("King", Str(merged["properties"]["lastname"]));
        Assert.False(merged["archived"].GetValue<bool>());
        var survivor = await Get("contacts", primary, "firstname,lastname,city,jobtitle,hs_merged_object_ids");
        Assert.Equal("London", Str(survivor["properties"]["city"]));
        Assert.Equal("Analyst", Str(survivor["properties"]["jobtitle"]));
        Assert.Equal(other, Str(survivor["properties"]["hs_merged_object_ids"]));
    }

    [Fact]
    public async Task History_of_both_records_is_interleaved_by_time_with_the_primary_value_current()
    {
        var clock = fixture.Emulator.Clock;
        var primary = await Create("contacts", new { email = Email("h1"), firstname = "P1" });
        clock.Advance(TimeSpan.FromMinutes(1));
        var other = await Create("contacts", new { email = Email("h2"), firstname = "M1" });
        clock.Advance(TimeSpan.FromMinutes(1));
        (await _api.Patch($"/crm/v3/objects/contacts/{primary}", new { properties = new { firstname = "P2" } })).Expect(200);
        clock.Advance(TimeSpan.FromMinutes(1));
        (await _api.Patch($"/crm/v3/objects/contacts/{other}", new { properties = new { firstname = "M2" } })).Expect(200);

        (await Merge("contacts", primary, other)).Expect(200);

        var survivor = (await _api.Get($"/crm/v3/objects/contacts/{primary}?propertiesWithHistory=firstname")).Expect(200);
        var history = survivor["propertiesWithHistory"]["firstname"]!.AsArray().Select(v => Str(v!["value"])).ToList();
        // The primary's value stays current although the merged record's value is newer.
        Assert.Equal(["P2", "M2", "M1", "P1"], history);
        Assert.Equal("P2", Str((await Get("contacts", primary, "firstname"))["properties"]["firstname"]));
    }

    [Fact]
    public async Task Merged_ids_accumulate_across_merges_including_ids_absorbed_earlier()
    {
        var a = await Create("contacts", new { email = Email("a") });
        var b = await Create("contacts", new { email = Email("b") });
        var c = await Create("contacts", new { email = Email("c") });
        var d = await Create("contacts", new { email = Email("d") });

        (await Merge("contacts", c, d)).Expect(200);
        (await Merge("contacts", a, b)).Expect(200);
        (await Merge("contacts", a, c)).Expect(200);

        var survivor = await Get("contacts", a, "hs_merged_object_ids,hs_all_contact_vids");
        Assert.Equal([b, c, d], Str(survivor["properties"]["hs_merged_object_ids"]).Split(';').Order().ToArray());
        Assert.Equal([a, b, c, d], Str(survivor["properties"]["hs_all_contact_vids"]).Split(';').Order().ToArray());
        // d was merged into c, c into a: d's id answers for a.
        Assert.Equal(a, Str((await _api.Get($"/crm/v3/objects/contacts/{d}")).Expect(200)["id"]));
    }

    [Fact]
    public async Task A_merged_id_is_an_alias_of_the_survivor_for_get_patch_and_batch_read()
    {
        var primary = await Create("contacts", new { email = Email("alias-p"), firstname = "Keep" });
        var other = await Create("contacts", new { email = Email("alias-m") });
        (await Merge("contacts", primary, other)).Expect(200);

        var got = (await _api.Get($"/crm/v3/objects/contacts/{other}")).Expect(200);
        Assert.Equal(primary, Str(got["id"]));
        Assert.Equal("Keep", Str(got["properties"]["firstname"]));

        var patched = (await _api.Patch($"/crm/v3/objects/contacts/{other}", new { properties = new { lastname = "ViaAlias" } })).Expect(200);
        Assert.Equal(primary, Str(patched["id"]));
        Assert.Equal("ViaAlias", Str((await Get("contacts", primary, "lastname"))["properties"]["lastname"]));

        var batch = (await _api.Post("/crm/v3/objects/contacts/batch/read", new
        {
            inputs = new[] { new { id = other }, new { id = primary } },
            properties = new[] { "firstname" },
        })).Expect(200);
        var results = batch["results"].AsArray();
        Assert.Single(results);
        Assert.Equal(primary, Str(results[0]!["id"]));

        // Deleting a merged id does not archive the survivor.
        (await _api.Delete($"/crm/v3/objects/contacts/{other}")).Expect(204);
        (await _api.Get($"/crm/v3/objects/contacts/{primary}")).Expect(200);
    }

    [Fact]
    public async Task With_the_alias_switch_off_a_merged_id_answers_404()
    {
        var primary = await Create("contacts", new { email = Email("strict-p") });
        var other = await Create("contacts", new { email = Email("strict-m") });
        (await Merge("contacts", primary, other)).Expect(200);
        var fidelity = fixture.Emulator.Portal.Fidelity;
        fidelity.MergedIdsResolveToSurvivor = false;
        try
        {
            (await _api.Get($"/crm/v3/objects/contacts/{other}")).Expect(404);
            (await _api.Patch($"/crm/v3/objects/contacts/{other}", new { properties = new { firstname = "No" } })).Expect(404);
        }
        finally
        {
            fidelity.MergedIdsResolveToSurvivor = true;
        }

        (await _api.Get($"/crm/v3/objects/contacts/{other}")).Expect(200);
    }

    [Fact]
    public async Task The_merged_email_becomes_an_additional_email_that_stays_unique_and_finds_the_survivor()
    {
        var keptEmail = Email("kept");
        var mergedEmail = Email("Merged");
        var primary = await Create("contacts", new { email = keptEmail });
        var other = await Create("contacts", new { email = mergedEmail });
        (await Merge("contacts", primary, other)).Expect(200);

        var survivor = await Get("contacts", primary, "email,hs_additional_emails");
        Assert.Equal(keptEmail, Str(survivor["properties"]["email"]));
        Assert.Equal(mergedEmail, Str(survivor["properties"]["hs_additional_emails"]));

        var byEmail = (await _api.Get($"/crm/v3/objects/contacts/{Uri.EscapeDataString(mergedEmail.ToUpperInvariant())}?idProperty=email")).Expect(200);
        Assert.Equal(primary, Str(byEmail["id"]));

        var duplicate = (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = mergedEmail } })).Expect(409);
        Assert.Equal($"Contact already exists. Existing ID: {primary}", Str(duplicate["message"]));

        var third = await Create("contacts", new { email = Email("third") });
        var update = (await _api.Patch($"/crm/v3/objects/contacts/{third}", new { properties = new { email = mergedEmail } })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", Str(update["category"]));
        Assert.Contains($"{primary} already has that value", Str(update["message"]));
    }

    [Fact]
    public async Task A_survivor_without_email_takes_the_merged_email()
    {
        var mergedEmail = Email("only");
        var primary = await Create("contacts", new { firstname = "NoEmail" });
        var other = await Create("contacts", new { email = mergedEmail });
        (await Merge("contacts", primary, other)).Expect(200);

        var survivor = await Get("contacts", primary, "email,hs_additional_emails");
        Assert.Equal(mergedEmail, Str(survivor["properties"]["email"]));
        Assert.Null(survivor["properties"]["hs_additional_emails"]);
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = mergedEmail } })).Expect(409);
    }

    [Fact]
    public async Task Search_and_lists_never_return_the_merged_record()
    {
        var tag = Guid.NewGuid().ToString("N");
        var primary = await Create("contacts", new { email = Email("s1"), lastname = tag });
        var other = await Create("contacts", new { email = Email("s2"), lastname = tag });
        (await Merge("contacts", primary, other)).Expect(200);

        var found = (await _api.Post("/crm/v3/objects/contacts/search", new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "lastname", @operator = "EQ", value = tag } } } },
        })).Expect(200);
        Assert.Equal(1, found["total"].GetValue<int>());
        Assert.Equal(primary, Str(found["results"][0]!["id"]));

        var page = (await _api.Get($"/crm/v3/objects/contacts?limit=100&after={other}")).Expect(200);
        Assert.DoesNotContain(page["results"].AsArray(), r => Str(r!["id"]) == other);
        var archived = (await _api.Get($"/crm/v3/objects/contacts?archived=true&limit=100")).Expect(200);
        Assert.DoesNotContain(archived["results"].AsArray(), r => Str(r!["id"]) == other);
    }

    [Fact]
    public async Task Associations_move_to_the_survivor_without_duplicates_and_the_survivor_keeps_its_primary_company()
    {
        var primary = await Create("contacts", new { email = Email("as-p") });
        var other = await Create("contacts", new { email = Email("as-m") });
        var keptCompany = await Create("companies", new { name = "Kept primary" });
        var otherCompany = await Create("companies", new { name = "Other primary" });
        var shared = await Create("deals", new { dealname = "Shared", dealstage = "appointmentscheduled" });
        var movedDeal = await Create("deals", new { dealname = "Moved", dealstage = "appointmentscheduled" });
        var primarySpec = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 1 } };
        (await _api.Put($"/crm/v4/objects/contacts/{primary}/associations/companies/{keptCompany}", primarySpec)).Expect(201);
        (await _api.Put($"/crm/v4/objects/contacts/{other}/associations/companies/{otherCompany}", primarySpec)).Expect(201);
        foreach (var (contact, deal) in new[] { (primary, shared), (other, shared), (other, movedDeal) })
        {
            (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/deals/{deal}", null)).Expect(200);
        }

        (await Merge("contacts", primary, other)).Expect(200);

        var deals = await Associations("contacts", primary, "deals");
        Assert.Equal(new[] { movedDeal, shared }.Order(), deals.Keys.Order());
        Assert.Equal(new[] { 4 }, deals[shared]);
        var companies = await Associations("contacts", primary, "companies");
        Assert.Equal(new[] { 1, 279 }, companies[keptCompany]);
        Assert.Equal(new[] { 279 }, companies[otherCompany]);
        Assert.Equal([primary], (await Associations("deals", movedDeal, "contacts")).Keys.ToArray());
        Assert.Equal([primary], (await Associations("deals", shared, "contacts")).Keys.ToArray());
        Assert.Equal(new[] { 280 }, (await Associations("companies", otherCompany, "contacts"))[primary]);

        var counts = await Get("contacts", primary, "num_associated_deals,associatedcompanyid");
        Assert.Equal("2", Str(counts["properties"]["num_associated_deals"]));
        Assert.Equal(keptCompany, Str(counts["properties"]["associatedcompanyid"]));
        Assert.Equal("1", Str((await Get("deals", shared, "num_associated_contacts"))["properties"]["num_associated_contacts"]));
    }

    [Fact]
    public async Task Manual_list_memberships_move_to_the_survivor()
    {
        var primary = await Create("contacts", new { email = Email("l1") });
        var other = await Create("contacts", new { email = Email("l2") });
        var list = Str((await _api.Post("/crm/v3/lists", new { name = $"Merge list {Guid.NewGuid():N}", objectTypeId = "0-1", processingType = "MANUAL" }))
            .Expect(200)["list"]["listId"]);
        (await _api.Put($"/crm/v3/lists/{list}/memberships/add", new[] { other })).Expect(200);

        (await Merge("contacts", primary, other)).Expect(200);

        var members = (await _api.Get($"/crm/v3/lists/{list}/memberships")).Expect(200)["results"].AsArray();
        Assert.Equal([primary], members.Select(m => Str(m!["recordId"])).ToArray());
    }

    [Fact]
    public async Task Timeline_events_move_to_the_survivor()
    {
        var portal = fixture.Emulator.Portal;
        using var developer = _api.WithToken(null);
        var template = (await developer.Post($"/integrators/timeline/v3/{portal.AppId}/event-templates?hapikey={portal.DeveloperApiKey}", new
        {
            name = $"Merge {Guid.NewGuid():N}"[..16], objectType = "contacts", headerTemplate = "Hello", detailTemplate = "World",
            tokens = new[] { new { name = "note", label = "Note", type = "string" } },
        })).Expect(201);
        var templateId = Str(template["id"]);
        var primary = await Create("contacts", new { email = Email("tl-p") });
        var other = await Create("contacts", new { email = Email("tl-m") });
        (await _api.Post("/integrators/timeline/v3/events", new { id = "merge-evt", eventTemplateId = templateId, objectId = other })).Expect(201);

        (await Merge("contacts", primary, other)).Expect(200);

        Assert.Equal(primary, Str((await _api.Get($"/integrators/timeline/v3/events/{templateId}/merge-evt")).Expect(200)["objectId"]));
    }

    [Fact]
    public async Task Companies_deals_tickets_and_dated_paths_merge()
    {
        var c1 = await Create("companies", new { name = "Acme", domain = "acme.test" });
        var c2 = await Create("companies", new { name = "Acme Inc", industry = "COMPUTER_SOFTWARE" });
        var company = (await Merge("companies", c1, c2, "/crm/objects/2026-09")).Expect(200);
        Assert.Equal("Acme", Str(company["properties"]["name"]));
        Assert.Equal(c2, Str((await Get("companies", c1, "hs_merged_object_ids"))["properties"]["hs_merged_object_ids"]));

        var d1 = await Create("deals", new { dealname = "Big", dealstage = "appointmentscheduled" });
        var d2 = await Create("deals", new { dealname = "Small", dealstage = "closedwon", amount = "500" });
        (await Merge("deals", d1, d2, "/crm/objects/2026-03")).Expect(200);
        var deal = await Get("deals", d1, "dealname,dealstage,amount");
        Assert.Equal("appointmentscheduled", Str(deal["properties"]["dealstage"]));
        Assert.Equal("500", Str(deal["properties"]["amount"]));

        var t1 = await Create("tickets", new { subject = "Broken", hs_pipeline_stage = "1" });
        var t2 = await Create("tickets", new { subject = "Also broken", hs_pipeline_stage = "2", hs_ticket_priority = "HIGH" });
        (await Merge("0-5", t1, t2)).Expect(200);
        Assert.Equal("HIGH", Str((await Get("tickets", t1, "hs_ticket_priority"))["properties"]["hs_ticket_priority"]));
        (await _api.Get($"/crm/v3/objects/tickets/{t2}")).Expect(200);
    }

    [Fact]
    public async Task Custom_objects_merge_and_unique_values_move_with_them()
    {
        var name = $"mcar{Guid.NewGuid():N}"[..12];
        (await _api.Post("/crm-object-schemas/v3/schemas", Schemas.SchemasApiTests.CarSchema(name))).Expect(201);
        var type = $"p_{name}";
        var primary = await Create(type, new { model = "Corolla" });
        var other = await Create(type, new { model = "Camry", vin = "VIN-123" });

        (await Merge(type, primary, other)).Expect(200);

        var car = await Get(type, primary, "model,vin,hs_merged_object_ids");
        Assert.Equal("Corolla", Str(car["properties"]["model"]));
        Assert.Equal("VIN-123", Str(car["properties"]["vin"]));
        Assert.Equal(other, Str(car["properties"]["hs_merged_object_ids"]));
        Assert.Equal(primary, Str((await _api.Get($"/crm/v3/objects/{type}/VIN-123?idProperty=vin")).Expect(200)["id"]));
    }

    [Fact]
    public async Task Types_that_cannot_merge_answer_400()
    {
        foreach (var (type, properties) in new (string, object)[] { ("products", new { name = "Widget" }), ("line_items", new { name = "Line", quantity = "1" }), ("notes", new { hs_timestamp = "2026-01-01T00:00:00Z", hs_note_body = "n" }) })
        {
            var a = await Create(type, properties);
            var b = await Create(type, properties);
            var reply = (await Merge(type, a, b)).Expect(400);
            Assert.Contains("Merging is not supported for", Str(reply["message"]));
        }
    }

    [Fact]
    public async Task Invalid_merges_answer_with_clear_errors()
    {
        var a = await Create("contacts", new { email = Email("e1") });
        var b = await Create("contacts", new { email = Email("e2") });

        Assert.Contains("can't be merged into itself", Str((await Merge("contacts", a, a)).Expect(400)["message"]));
        var missing = (await Merge("contacts", a, "99999999999")).Expect(404);
        Assert.Equal("OBJECT_NOT_FOUND", Str(missing["category"]));
        Assert.Contains("objectIdToMerge", Str(missing["message"]));
        (await Merge("contacts", "99999999999", a)).Expect(404);
        (await _api.Post("/crm/v3/objects/contacts/merge", new { primaryObjectId = a })).Expect(400);

        (await _api.Delete($"/crm/v3/objects/contacts/{b}")).Expect(204);
        Assert.Contains("archived", Str((await Merge("contacts", a, b)).Expect(400)["message"]));

        // A record merged away already stands for its survivor: merging it again has nothing left to merge.
        var c = await Create("contacts", new { email = Email("e3") });
        (await Merge("contacts", a, c)).Expect(200);
        Assert.Contains("already merged", Str((await Merge("contacts", a, c)).Expect(400)["message"]));
        // Merging into a merged-away id follows it to the survivor.
        var d = await Create("contacts", new { email = Email("e4") });
        Assert.Equal(a, Str((await Merge("contacts", c, d)).Expect(200)["id"]));
    }

    [Fact]
    public async Task Merge_needs_the_objects_write_scope()
    {
        var a = await Create("contacts", new { email = Email("sc1") });
        var b = await Create("contacts", new { email = Email("sc2") });
        using var reader = _api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        var reply = (await reader.Post("/crm/v3/objects/contacts/merge", new { primaryObjectId = a, objectIdToMerge = b })).Expect(403);
        Assert.Equal("MISSING_SCOPES", Str(reply["category"]));
    }

    private async Task<Dictionary<string, int[]>> Associations(string from, string id, string to)
    {
        var reply = (await _api.Get($"/crm/v4/objects/{from}/{id}/associations/{to}")).Expect(200);
        return reply["results"]!.AsArray().ToDictionary(
            r => r!["toObjectId"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture),
            r => r!["associationTypes"]!.AsArray().Select(t => t!["typeId"]!.GetValue<int>()).Order().ToArray());
    }
}
