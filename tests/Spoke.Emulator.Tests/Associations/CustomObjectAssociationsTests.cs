using Spoke.Emulator.Associations;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Schemas;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Associations;

/// <summary>Custom objects associate only as their schema declares, with the schema's association ids.</summary>
public sealed class CustomObjectAssociationsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private async Task<(string Name, string TypeId, string AssociationToContact)> Schema()
    {
        var name = $"car_{Guid.NewGuid():N}"[..12];
        var reply = (await _api.Post("/crm-object-schemas/v3/schemas", SchemasApiTests.CarSchema(name))).Expect(201);
        var typeId = Str(reply["objectTypeId"]);
        var toContact = reply["associations"]!.AsArray().Single(a => Str(a!["toObjectTypeId"]) == "0-1")!;
        return (name, typeId, Str(toContact["id"]));
    }

    private async Task<string> Car(string typeId) =>
        Str((await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "Corolla" } })).Expect(201)["id"]);

    [Fact]
    public async Task Declared_pairs_use_the_schema_association_id_both_ways()
    {
        var (name, typeId, toContact) = await Schema();
        var forwardId = int.Parse(toContact);
        var labels = (await _api.Get($"/crm/v4/associations/{typeId}/contacts/labels")).Expect(200);
        Assert.Equal(forwardId, labels["results"]![0]!["typeId"]!.GetValue<int>());
        var inverse = (await _api.Get($"/crm/v4/associations/contacts/p_{name}/labels")).Expect(200);
        var inverseId = inverse["results"]![0]!["typeId"]!.GetValue<int>();
        Assert.NotEqual(forwardId, inverseId);

        var car = await Car(typeId);
        var contact = await Contact(_api);
        (await _api.Put($"/crm/v4/objects/p_{name}/{car}/associations/default/contacts/{contact}", null)).Expect(200);

        Assert.Equal(new[] { forwardId }, (await Associated(_api, typeId, car, "contacts"))[contact]);
        Assert.Equal(new[] { inverseId }, (await Associated(_api, "contacts", contact, $"p_{name}"))[car]);
        var withAssociations = (await _api.Get($"/crm/v3/objects/contacts/{contact}?associations=p_{name}")).Expect(200);
        Assert.Equal(car, Str(withAssociations["associations"]![$"p_{name}"]!["results"]![0]!["id"]));

        // Labelled form with the custom id and on create.
        var contact2 = await Contact(_api);
        (await _api.Put($"/crm/v4/objects/{typeId}/{car}/associations/contacts/{contact2}", new[] { Spec(forwardId, "USER_DEFINED") })).Expect(201);
        var created = (await _api.Post($"/crm/v3/objects/{typeId}", new
        {
            properties = new { model = "Yaris" },
            associations = new[] { new { to = new { id = contact }, types = new[] { Spec(forwardId, "USER_DEFINED") } } },
        })).Expect(201);
        Assert.Equal(2, (await Associated(_api, "contacts", contact, typeId)).Count);
        Assert.NotNull(created["id"]);
    }

    [Fact]
    public async Task Undeclared_pairs_cant_be_associated_until_the_schema_declares_them()
    {
        var (_, typeId, _) = await Schema();
        var car = await Car(typeId);
        var deal = await Deal(_api);

        (await _api.Put($"/crm/v4/objects/{typeId}/{car}/associations/default/deals/{deal}", null)).Expect(400);

        var defined = (await _api.Post($"/crm-object-schemas/v3/schemas/{typeId}/associations",
            new { fromObjectTypeId = typeId, toObjectTypeId = "0-3", name = $"car_to_deal_{Guid.NewGuid():N}"[..20] })).Expect(201);
        (await _api.Put($"/crm/v4/objects/{typeId}/{car}/associations/default/deals/{deal}", null)).Expect(200);
        Assert.Equal([int.Parse(Str(defined["id"]))], (await Associated(_api, typeId, car, "deals"))[deal]);
    }

    [Fact]
    public async Task Custom_objects_associate_with_each_other()
    {
        var (_, cars, _) = await Schema();
        var (_, boats, _) = await Schema();
        var defined = (await _api.Post($"/crm-object-schemas/v3/schemas/{cars}/associations",
            new { fromObjectTypeId = cars, toObjectTypeId = boats, name = $"car_to_boat_{Guid.NewGuid():N}"[..20] })).Expect(201);
        var car = await Car(cars);
        var boat = await Car(boats);

        (await _api.Put($"/crm/v4/objects/{boats}/{boat}/associations/default/{cars}/{car}", null)).Expect(200);

        Assert.Equal([int.Parse(Str(defined["id"]))], (await Associated(_api, cars, car, boats))[boat]);
        Assert.Single(await Associated(_api, boats, boat, cars));
    }

    [Fact]
    public async Task Label_ids_never_clash_with_schema_association_ids()
    {
        var (name, typeId, toContact) = await Schema();
        var label = (await _api.Post($"/crm/v4/associations/{typeId}/contacts/labels", new { name = "owner", label = "Owner", inverseLabel = "Owns" })).Expect(200);
        var ids = label["results"]!.AsArray().Select(r => r!["typeId"]!.GetValue<int>()).ToList();
        Assert.DoesNotContain(int.Parse(toContact), ids);
        Assert.All(ids, id => Assert.True(id >= AssociationStore.FirstUserTypeId));

        var (_, _, next) = await Schema();
        Assert.DoesNotContain(int.Parse(next), ids);
        Assert.NotNull(name);
    }

    [Fact]
    public async Task Search_helper_finds_records_associated_with_another()
    {
        var company = await Company(_api);
        var a = await Contact(_api);
        var b = await Contact(_api);
        await Contact(_api);
        foreach (var c in new[] { a, b })
        {
            (await _api.Put($"/crm/v4/objects/contacts/{c}/associations/default/companies/{company}", null)).Expect(200);
        }

        (await _api.Delete($"/crm/v3/objects/contacts/{b}")).Expect(204);
        var portal = fixture.Emulator.Portal;
        using (portal.Read())
        {
            var ids = AssociationIndex.RecordsAssociatedWith(portal, portal.ResolveType("contacts"), portal.ResolveType("companies"), long.Parse(company));
            Assert.Equal(new[] { long.Parse(a) }, ids);
        }
    }
}
