using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Gdpr;

/// <summary>GDPR delete (fact sheet §3.1, §13): permanent, by id or email, associations gone, emails blocklisted.</summary>
public sealed class GdprDeleteTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Path = "/crm/v3/objects/contacts/gdpr-delete";
    private readonly Api _api = fixture.Api;

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static string Email(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    private async Task<string> Create(string type, object properties) =>
        Str((await _api.Post($"/crm/v3/objects/{type}", new { properties })).Expect(201)["id"]);

    private Task<Reply> CreateContact(string email) => _api.Post("/crm/v3/objects/contacts", new { properties = new { email } });

    [Fact]
    public async Task Delete_by_id_is_permanent_and_answers_204_with_no_body()
    {
        var id = await Create("contacts", new { email = Email("byid"), firstname = "Gone" });

        var reply = (await _api.Post(Path, new { objectId = id })).Expect(204);

        Assert.Empty(reply.Text);
        (await _api.Get($"/crm/v3/objects/contacts/{id}")).Expect(404);
        (await _api.Get($"/crm/v3/objects/contacts/{id}?archived=true")).Expect(404);
        var archived = (await _api.Get("/crm/v3/objects/contacts?archived=true&limit=100")).Expect(200);
        Assert.DoesNotContain(archived["results"].AsArray(), r => Str(r!["id"]) == id);
        // Unlike an archive, there is nothing to restore or delete again.
        (await _api.Post(Path, new { objectId = id })).Expect(404);
    }

    [Fact]
    public async Task Delete_by_email_finds_the_contact_and_blocklists_its_email()
    {
        var email = Email("byemail");
        var id = await Create("contacts", new { email });

        (await _api.Post(Path, new { objectId = email.ToUpperInvariant(), idProperty = "email" })).Expect(204);

        (await _api.Get($"/crm/v3/objects/contacts/{id}")).Expect(404);
        var blocked = (await CreateContact(email)).Expect(400);
        Assert.Equal("VALIDATION_ERROR", Str(blocked["category"]));
        Assert.Contains("blocked", Str(blocked["message"]));
        Assert.Equal("BLOCKED_EMAIL", Str(blocked["errors"][0]!["code"]));
    }

    [Fact]
    public async Task An_email_no_contact_has_is_blocklisted_for_create_update_and_upsert()
    {
        var email = Email("nobody");
        (await _api.Post("/crm/objects/2026-09/contacts/gdpr-delete", new { objectId = email, idProperty = "email" })).Expect(204);

        (await CreateContact(email)).Expect(400);
        var other = await Create("contacts", new { firstname = "Someone" });
        (await _api.Patch($"/crm/v3/objects/contacts/{other}", new { properties = new { email } })).Expect(400);
        (await _api.Post("/crm/v3/objects/contacts/batch/upsert", new
        {
            inputs = new[] { new { id = email, idProperty = "email", properties = new { firstname = "Again" } } },
        })).Expect(400);
        // Other emails are unaffected.
        (await CreateContact(Email("fine"))).Expect(201);
    }

    [Fact]
    public async Task Delete_by_id_blocklists_the_contacts_emails_too()
    {
        var email = Email("idblock");
        var id = await Create("contacts", new { email });
        (await _api.Post("/crm/objects/2026-03/contacts/gdpr-delete", new { objectId = id })).Expect(204);
        (await CreateContact(email)).Expect(400);
    }

    [Fact]
    public async Task Associations_are_removed_and_counts_follow()
    {
        var contact = await Create("contacts", new { email = Email("assoc") });
        var company = await Create("companies", new { name = "Keeps going" });
        var deal = await Create("deals", new { dealname = "Keeps going", dealstage = "appointmentscheduled" });
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null)).Expect(200);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/deals/{deal}", null)).Expect(200);
        Assert.Equal("1", Str((await _api.Get($"/crm/v3/objects/deals/{deal}?properties=num_associated_contacts")).Expect(200)["properties"]["num_associated_contacts"]));

        (await _api.Post(Path, new { objectId = contact })).Expect(204);

        Assert.Empty((await _api.Get($"/crm/v4/objects/companies/{company}/associations/contacts")).Expect(200)["results"].AsArray());
        Assert.Empty((await _api.Get($"/crm/v4/objects/deals/{deal}/associations/contacts")).Expect(200)["results"].AsArray());
        Assert.Equal("0", Str((await _api.Get($"/crm/v3/objects/deals/{deal}?properties=num_associated_contacts")).Expect(200)["properties"]["num_associated_contacts"]));
        // The edges are gone from the store, not just hidden: nothing remains to persist or resurrect.
        var portal = fixture.Emulator.Portal;
        using (portal.Read())
        {
            Assert.DoesNotContain(portal.Associations.Edges(), e => e.FromId.ToString(System.Globalization.CultureInfo.InvariantCulture) == contact ||
                                                                  e.ToId.ToString(System.Globalization.CultureInfo.InvariantCulture) == contact);
        }
    }

    [Fact]
    public async Task List_memberships_go_with_the_contact()
    {
        var contact = await Create("contacts", new { email = Email("list") });
        var stays = await Create("contacts", new { email = Email("stays") });
        var list = Str((await _api.Post("/crm/v3/lists", new { name = $"Gdpr list {Guid.NewGuid():N}", objectTypeId = "0-1", processingType = "MANUAL" }))
            .Expect(200)["list"]["listId"]);
        (await _api.Put($"/crm/v3/lists/{list}/memberships/add", new[] { contact, stays })).Expect(200);

        (await _api.Post(Path, new { objectId = contact })).Expect(204);

        var members = (await _api.Get($"/crm/v3/lists/{list}/memberships")).Expect(200)["results"].AsArray();
        Assert.Equal([stays], members.Select(m => Str(m!["recordId"])).ToArray());
    }

    [Fact]
    public async Task A_merged_survivor_takes_the_records_it_absorbed_and_all_their_emails()
    {
        var survivorEmail = Email("surv");
        var absorbedEmail = Email("absorbed");
        var survivor = await Create("contacts", new { email = survivorEmail });
        var absorbed = await Create("contacts", new { email = absorbedEmail });
        (await _api.Post("/crm/v3/objects/contacts/merge", new { primaryObjectId = survivor, objectIdToMerge = absorbed })).Expect(200);

        // The absorbed email finds the survivor, so a delete by it removes the survivor.
        (await _api.Post(Path, new { objectId = absorbedEmail, idProperty = "email" })).Expect(204);

        (await _api.Get($"/crm/v3/objects/contacts/{survivor}")).Expect(404);
        (await _api.Get($"/crm/v3/objects/contacts/{absorbed}")).Expect(404);
        (await CreateContact(survivorEmail)).Expect(400);
        (await CreateContact(absorbedEmail)).Expect(400);
    }

    [Fact]
    public async Task Timeline_events_of_the_contact_are_deleted()
    {
        var portal = fixture.Emulator.Portal;
        using var developer = _api.WithToken(null);
        var template = (await developer.Post($"/integrators/timeline/v3/{portal.AppId}/event-templates?hapikey={portal.DeveloperApiKey}", new
        {
            name = $"Gdpr {Guid.NewGuid():N}"[..16], objectType = "contacts", headerTemplate = "Hello", detailTemplate = "World",
            tokens = new[] { new { name = "note", label = "Note", type = "string" } },
        })).Expect(201);
        var templateId = Str(template["id"]);
        var contact = await Create("contacts", new { email = Email("timeline") });
        (await _api.Post("/integrators/timeline/v3/events", new { id = "gdpr-evt", eventTemplateId = templateId, objectId = contact })).Expect(201);

        (await _api.Post(Path, new { objectId = contact })).Expect(204);

        (await _api.Get($"/integrators/timeline/v3/events/{templateId}/gdpr-evt")).Expect(404);
    }

    [Fact]
    public async Task Archived_contacts_can_be_gdpr_deleted()
    {
        var email = Email("archived");
        var id = await Create("contacts", new { email });
        (await _api.Delete($"/crm/v3/objects/contacts/{id}")).Expect(204);

        (await _api.Post(Path, new { objectId = id })).Expect(204);

        (await _api.Get($"/crm/v3/objects/contacts/{id}?archived=true")).Expect(404);
        (await CreateContact(email)).Expect(400);
    }

    [Fact]
    public async Task Bad_requests_and_other_types_are_refused()
    {
        (await _api.Post(Path, new { objectId = "99999999999" })).Expect(404);
        (await _api.Post(Path, new { idProperty = "email" })).Expect(400);
        (await _api.Post(Path, new { objectId = "x", idProperty = "firstname" })).Expect(400);
        var company = await Create("companies", new { name = "Not a person" });
        var reply = (await _api.Post("/crm/v3/objects/companies/gdpr-delete", new { objectId = company })).Expect(404);
        Assert.Contains("only available for contacts", Str(reply["message"]));
        (await _api.Get($"/crm/v3/objects/companies/{company}")).Expect(200);
    }

    [Fact]
    public async Task Gdpr_delete_needs_the_contacts_write_scope()
    {
        var id = await Create("contacts", new { email = Email("scope") });
        using var reader = _api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        var reply = (await reader.Post(Path, new { objectId = id })).Expect(403);
        Assert.Equal("crm.objects.contacts.write", Str(reply["errors"][0]!["context"]!["requiredGranularScopes"]![0]));
        (await _api.Get($"/crm/v3/objects/contacts/{id}")).Expect(200);
    }

    [Fact]
    public async Task The_blocklist_is_cleared_by_a_reset()
    {
        var email = Email("reset");
        (await _api.Post(Path, new { objectId = email, idProperty = "email" })).Expect(204);
        (await CreateContact(email)).Expect(400);

        fixture.Emulator.Reset();

        (await CreateContact(email)).Expect(201);
    }
}
