using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Owners;

/// <summary>Owners v3 (fact sheet §3.6), the admin endpoints that create owners, and owner assignment on records.</summary>
public sealed class OwnersApiTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;

    public OwnersApiTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
    }

    [Fact]
    public async Task List_returns_the_seeded_owners_as_PublicOwner()
    {
        var reply = (await _api.Get("/crm/v3/owners")).Expect(200);
        var results = reply["results"].AsArray();
        Assert.Equal(5, results.Count);
        Assert.Null(reply.Body!["paging"]);
        var first = results[0]!;
        Assert.Equal("90000001", first["id"]!.GetValue<string>());
        Assert.Equal("avery.stone@example.com", first["email"]!.GetValue<string>());
        Assert.Equal("Avery", first["firstName"]!.GetValue<string>());
        Assert.Equal("Stone", first["lastName"]!.GetValue<string>());
        Assert.Equal(5000001, first["userId"]!.GetValue<long>());
        Assert.Equal(5000001, first["userIdIncludingInactive"]!.GetValue<long>());
        Assert.Equal("PERSON", first["type"]!.GetValue<string>());
        Assert.False(first["archived"]!.GetValue<bool>());
        Assert.Equal("2026-01-15T09:30:00.000Z", first["createdAt"]!.GetValue<string>());
        Assert.NotNull(first["updatedAt"]);
        var team = Assert.Single(first["teams"]!.AsArray())!;
        Assert.Equal("101", team["id"]!.GetValue<string>());
        Assert.Equal("Sales", team["name"]!.GetValue<string>());
        Assert.True(team["primary"]!.GetValue<bool>());
    }

    [Fact]
    public async Task List_filters_by_email_ignoring_case()
    {
        var results = (await _api.Get("/crm/v3/owners?email=MORGAN.LEE@example.com")).Expect(200)["results"].AsArray();
        Assert.Equal("90000003", Assert.Single(results)!["id"]!.GetValue<string>());
        Assert.Empty((await _api.Get("/crm/v3/owners?email=nobody@example.com")).Expect(200)["results"].AsArray());
    }

    [Fact]
    public async Task List_pages_with_after_and_drops_paging_on_the_last_page()
    {
        var seen = new List<string>();
        var path = "/crm/v3/owners?limit=2";
        var pages = 0;
        while (true)
        {
            var reply = (await _api.Get(path)).Expect(200);
            pages++;
            seen.AddRange(reply["results"].AsArray().Select(o => o!["id"]!.GetValue<string>()));
            if (reply.Body!["paging"] is not JsonNode paging)
            {
                break;
            }

            path = $"/crm/v3/owners?limit=2&after={paging["next"]!["after"]!.GetValue<string>()}";
            Assert.Contains("after=", paging["next"]!["link"]!.GetValue<string>());
        }

        Assert.Equal(3, pages);
        Assert.Equal(["90000001", "90000002", "90000003", "90000004", "90000005"], seen);
    }

    [Fact]
    public async Task Get_by_id_and_by_user_id()
    {
        var byId = (await _api.Get("/crm/v3/owners/90000002")).Expect(200);
        Assert.Equal("jordan.reyes@example.com", byId["email"].GetValue<string>());
        var byUser = (await _api.Get("/crm/v3/owners/5000002?idProperty=userId")).Expect(200);
        Assert.Equal("90000002", byUser["id"].GetValue<string>());
        // A user id is not an owner id.
        (await _api.Get("/crm/v3/owners/5000002")).Expect(404);
        (await _api.Get("/crm/v3/owners/90000002?idProperty=email")).Expect(400);
    }

    [Fact]
    public async Task Unknown_owner_is_404()
    {
        var reply = (await _api.Get("/crm/v3/owners/12345")).Expect(404);
        Assert.Equal("OBJECT_NOT_FOUND", reply["category"].GetValue<string>());
    }

    [Fact]
    public async Task Owners_need_the_owners_read_scope()
    {
        using var contactsOnly = _api.WithToken(_fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        var reply = (await contactsOnly.Get("/crm/v3/owners")).Expect(403);
        Assert.Equal("crm.objects.owners.read", reply["errors"][0]!["context"]!["requiredGranularScopes"]![0]!.GetValue<string>());
        using var owners = _api.WithToken(_fixture.Emulator.CreateToken("crm.objects.owners.read"));
        (await owners.Get("/crm/v3/owners/90000001")).Expect(200);
    }

    [Theory]
    [InlineData("/crm/owners/2026-03")]
    [InlineData("/crm/owners/2026-09")]
    public async Task Dated_paths_serve_owners(string prefix)
    {
        Assert.Equal(5, (await _api.Get(prefix)).Expect(200)["results"].AsArray().Count);
        (await _api.Get($"{prefix}/90000005")).Expect(200);
    }

    [Fact]
    public async Task Admin_creates_owners_that_the_api_lists()
    {
        using var admin = _api.WithToken(null);
        var created = (await admin.Post("/_emulator/owners", new { email = "new.rep@example.com", firstName = "New", lastName = "Rep" })).Expect(201);
        var id = created["id"].GetValue<string>();
        Assert.Equal("90000006", id);
        Assert.Equal(5000006, created["userId"].GetValue<long>());
        var fetched = (await _api.Get($"/crm/v3/owners/{id}")).Expect(200);
        Assert.Equal("New", fetched["firstName"].GetValue<string>());
        Assert.Equal("Rep", fetched["lastName"].GetValue<string>());
        Assert.Equal(6, (await _api.Get("/crm/v3/owners")).Expect(200)["results"].AsArray().Count);

        (await admin.Post("/_emulator/owners", new { email = "NEW.REP@example.com" })).Expect(409);
        (await admin.Post("/_emulator/owners", new { firstName = "No email" })).Expect(400);
    }

    [Fact]
    public async Task Archived_owners_are_listed_only_with_archived_true()
    {
        using var admin = _api.WithToken(null);
        (await admin.Delete("/_emulator/owners/90000004")).Expect(204);
        var active = (await _api.Get("/crm/v3/owners")).Expect(200)["results"].AsArray();
        Assert.DoesNotContain(active, o => o!["id"]!.GetValue<string>() == "90000004");
        var archived = (await _api.Get("/crm/v3/owners?archived=true")).Expect(200)["results"].AsArray();
        Assert.True(Assert.Single(archived)!["archived"]!.GetValue<bool>());
        (await _api.Get("/crm/v3/owners/90000004")).Expect(404);
        (await _api.Get("/crm/v3/owners/90000004?archived=true")).Expect(200);
    }

    [Fact]
    public async Task A_deactivated_owner_has_a_null_userId_and_keeps_the_id_in_userIdIncludingInactive()
    {
        using var admin = _api.WithToken(null);
        (await admin.Delete("/_emulator/owners/90000004")).Expect(204);
        var listed = Assert.Single((await _api.Get("/crm/v3/owners?archived=true")).Expect(200)["results"].AsArray())!;
        var read = (await _api.Get("/crm/v3/owners/90000004?archived=true")).Expect(200).Body!;
        foreach (var owner in new[] { listed, read })
        {
            // Present and null, as HubSpot serves it, not omitted.
            Assert.True(owner.AsObject().ContainsKey("userId"));
            Assert.Null(owner["userId"]);
            Assert.Equal(5000004, owner["userIdIncludingInactive"]!.GetValue<long>());
        }

        // The user id a caller stored while the owner was active still finds it.
        var byUser = (await _api.Get("/crm/v3/owners/5000004?idProperty=userId&archived=true")).Expect(200);
        Assert.Equal("90000004", byUser["id"].GetValue<string>());
        (await _api.Get("/crm/v3/owners/5000004?idProperty=userId")).Expect(404);
        Assert.All((await _api.Get("/crm/v3/owners")).Expect(200)["results"].AsArray(), o => Assert.NotNull(o!["userId"]));
    }

    [Fact]
    public async Task A_seeded_owner_can_own_a_contact_and_a_made_up_id_is_400()
    {
        var contact = (await _api.Post("/crm/v3/objects/contacts",
            new { properties = new { email = "owned@example.com", hubspot_owner_id = "90000001" } })).Expect(201);
        Assert.Equal("90000001", contact["properties"]["hubspot_owner_id"]!.GetValue<string>());

        var id = contact["id"].GetValue<string>();
        var reply = (await _api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { hubspot_owner_id = "424242" } })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Contains("hubspot_owner_id", reply.Text);
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = "stranger@example.com", hubspot_owner_id = "5000001" } })).Expect(400);
    }

    [Fact]
    public async Task An_owner_made_by_the_admin_api_can_own_records_and_an_archived_one_cannot()
    {
        using var admin = _api.WithToken(null);
        var id = (await admin.Post("/_emulator/owners", new { email = "closer@example.com", firstName = "Casey" })).Expect(201)["id"].GetValue<string>();
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = "casey.lead@example.com", hubspot_owner_id = id } })).Expect(201);
        (await admin.Delete($"/_emulator/owners/{id}")).Expect(204);
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = "casey.lead2@example.com", hubspot_owner_id = id } })).Expect(400);
    }
}
