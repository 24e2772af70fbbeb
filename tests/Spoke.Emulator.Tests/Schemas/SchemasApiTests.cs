using System.Globalization;
using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Schemas;

/// <summary>Custom object schemas: create, read, update, archive, purge, associations, scopes (docs/hubspot-api.md §3.4).</summary>
public sealed class SchemasApiTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private string Now => fixture.Emulator.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static object CarSchema(string name) => new
    {
        name,
        description = "Cars on the lot",
        labels = new { singular = "Car", plural = "Cars" },
        primaryDisplayProperty = "model",
        secondaryDisplayProperties = new[] { "make" },
        searchableProperties = new[] { "model", "vin" },
        requiredProperties = new[] { "model" },
        properties = new object[]
        {
            new { name = "model", label = "Model", type = "string", fieldType = "text" },
            new { name = "make", label = "Make", type = "enumeration", fieldType = "select",
                  options = new[] { new { label = "Toyota", value = "toyota", displayOrder = 0, hidden = false }, new { label = "Ford", value = "ford", displayOrder = 1, hidden = false } } },
            new { name = "year", label = "Year", type = "number", fieldType = "number" },
            new { name = "vin", label = "VIN", type = "string", fieldType = "text", hasUniqueValue = true },
            new { name = "bought_on", label = "Bought on", type = "date", fieldType = "date" },
        },
        associatedObjects = new[] { "CONTACT", "COMPANY" },
    };

    [Fact]
    public async Task Create_answers_201_with_the_full_schema()
    {
        var name = Unique("car");
        var reply = (await _api.Post("/crm-object-schemas/v3/schemas", CarSchema(name))).Expect(201);

        var id = Str(reply["id"]);
        Assert.Matches("^[0-9]+$", id);
        Assert.Equal($"2-{id}", Str(reply["objectTypeId"]));
        Assert.Equal($"p{fixture.Emulator.PortalId}_{name}", Str(reply["fullyQualifiedName"]));
        Assert.Equal(name, Str(reply["name"]));
        Assert.Equal("Car", Str(reply["labels"]["singular"]));
        Assert.Equal("Cars", Str(reply["labels"]["plural"]));
        Assert.Equal("Cars on the lot", Str(reply["description"]));
        Assert.Equal(["model"], reply["requiredProperties"].AsArray().Select(Str));
        Assert.Equal(["model", "vin"], reply["searchableProperties"].AsArray().Select(Str));
        Assert.Equal("model", Str(reply["primaryDisplayProperty"]));
        Assert.Equal(["make"], reply["secondaryDisplayProperties"].AsArray().Select(Str));
        Assert.False(reply["archived"].GetValue<bool>());
        Assert.Equal(Now, Str(reply["createdAt"]));
        Assert.Equal(Now, Str(reply["updatedAt"]));

        var properties = reply["properties"].AsArray().ToDictionary(p => Str(p!["name"]), p => p!);
        Assert.Equal("Model", Str(properties["model"]["label"]));
        Assert.False(properties["model"]["hubspotDefined"]!.GetValue<bool>());
        Assert.Equal($"{name}_information", Str(properties["model"]["groupName"]));
        Assert.True(properties["vin"]["hasUniqueValue"]!.GetValue<bool>());
        Assert.Equal(["toyota", "ford"], properties["make"]["options"]!.AsArray().Select(o => Str(o!["value"])));
        Assert.True(properties["hs_object_id"]["hubspotDefined"]!.GetValue<bool>());
        Assert.True(properties["hs_createdate"]["modificationMetadata"]!["readOnlyValue"]!.GetValue<bool>());

        var associations = reply["associations"].AsArray();
        Assert.Equal(["0-1", "0-2"], associations.Select(a => Str(a!["toObjectTypeId"])));
        Assert.All(associations, a => Assert.Equal($"2-{id}", Str(a!["fromObjectTypeId"])));
        Assert.Equal($"{name}_to_contact", Str(associations[0]!["name"]));
        var ids = associations.Select(a => long.Parse(Str(a!["id"]), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, i => Assert.True(i > 1000));
    }

    [Fact]
    public async Task Get_by_type_id_short_name_or_fully_qualified_name()
    {
        var name = Unique("boat");
        var created = (await _api.Post("/crm-object-schemas/v3/schemas", CarSchema(name))).Expect(201);
        var typeId = Str(created["objectTypeId"]);
        foreach (var key in new[] { typeId, $"p_{name}", $"p{fixture.Emulator.PortalId}_{name}" })
        {
            var got = (await _api.Get($"/crm-object-schemas/v3/schemas/{key}")).Expect(200);
            Assert.Equal(typeId, Str(got["objectTypeId"]));
        }

        var viaDocsPath = (await _api.Get($"/crm/v3/schemas/{typeId}")).Expect(200);
        Assert.Equal(created.Text, viaDocsPath.Text);
        (await _api.Get($"/crm-object-schemas/2026-09/schemas/{typeId}")).Expect(200);

        var lean = (await _api.Get($"/crm/v3/schemas/{typeId}?includePropertyDefinitions=false&includeAssociationDefinitions=false")).Expect(200);
        Assert.Empty(lean["properties"].AsArray());
        Assert.Empty(lean["associations"].AsArray());

        var list = (await _api.Get("/crm/v3/schemas")).Expect(200);
        Assert.Contains(list["results"].AsArray(), s => Str(s!["objectTypeId"]) == typeId);

        var batch = (await _api.Post("/crm-object-schemas/v3/schemas/batch/read", new { inputs = new[] { typeId, "p_no_such_thing" }, includePropertyDefinitions = true, includeAssociationDefinitions = true, includeAuditMetadata = true })).Expect(200);
        Assert.Equal([typeId], batch["results"].AsArray().Select(s => Str(s!["objectTypeId"])));

        var missing = (await _api.Get("/crm/v3/schemas/2-999")).Expect(404);
        Assert.Equal("OBJECT_NOT_FOUND", Str(missing["category"]));
    }

    [Fact]
    public async Task Create_validates_names_labels_and_property_references()
    {
        var name = Unique("truck");
        (await _api.Post("/crm/v3/schemas", CarSchema(name))).Expect(201);
        var dup = (await _api.Post("/crm/v3/schemas", CarSchema(name))).Expect(409);
        Assert.Equal("CONFLICT", Str(dup["category"]));
        Assert.Contains(name, Str(dup["message"]));

        (await _api.Post("/crm/v3/schemas", CarSchema("1bad"))).Expect(400);
        (await _api.Post("/crm/v3/schemas", CarSchema("has-dash"))).Expect(400);
        var noLabels = (await _api.Post("/crm/v3/schemas", new { name = Unique("nolabels"), properties = Array.Empty<object>() })).Expect(400);
        Assert.Equal("labels", Str(noLabels["errors"][0]!["in"]));

        var badRequired = (await _api.Post("/crm/v3/schemas", new
        {
            name = Unique("bad_required"), labels = new { singular = "X", plural = "Xs" },
            properties = new[] { new { name = "title", label = "Title", type = "string", fieldType = "text" } },
            requiredProperties = new[] { "title", "missing_one" }, primaryDisplayProperty = "also_missing",
        })).Expect(400);
        Assert.Contains("missing_one", Str(badRequired["message"]));
        Assert.Contains("also_missing", Str(badRequired["message"]));

        var badAssociation = (await _api.Post("/crm/v3/schemas", new
        {
            name = Unique("bad_assoc"), labels = new { singular = "X", plural = "Xs" }, associatedObjects = new[] { "WIDGET" },
        })).Expect(400);
        Assert.Contains("WIDGET", Str(badAssociation["message"]));

        var badProperty = (await _api.Post("/crm/v3/schemas", new
        {
            name = Unique("bad_prop"), labels = new { singular = "X", plural = "Xs" },
            properties = new[] { new { name = "flag", label = "Flag", type = "bool", fieldType = "text" } },
        })).Expect(400);
        Assert.Equal("INVALID_FIELD_TYPE", Str(badProperty["errors"][0]!["code"]));

        // Nothing of a refused schema is left behind.
        var list = (await _api.Get("/crm/v3/schemas")).Expect(200);
        Assert.DoesNotContain(list["results"].AsArray(), s => Str(s!["name"]).StartsWith("bad_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Patch_updates_labels_and_layout_and_answers_the_definition()
    {
        var name = Unique("bike");
        var typeId = Str((await _api.Post("/crm/v3/schemas", CarSchema(name))).Expect(201)["objectTypeId"]);
        fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(1));

        var reply = (await _api.Patch($"/crm/v3/schemas/{typeId}", new
        {
            labels = new { singular = "Bicycle" },
            requiredProperties = new[] { "model", "year" },
            primaryDisplayProperty = "year",
            secondaryDisplayProperties = new[] { "model", "vin" },
            searchableProperties = new[] { "vin" },
            description = "Two wheels",
        })).Expect(200);
        Assert.Equal("Bicycle", Str(reply["labels"]["singular"]));
        Assert.Equal("Cars", Str(reply["labels"]["plural"]));
        Assert.Equal(["model", "year"], reply["requiredProperties"].AsArray().Select(Str));
        Assert.Equal("year", Str(reply["primaryDisplayProperty"]));
        Assert.Equal(["model", "vin"], reply["secondaryDisplayProperties"].AsArray().Select(Str));
        Assert.Equal(["vin"], reply["searchableProperties"].AsArray().Select(Str));
        Assert.Equal("Two wheels", Str(reply["description"]));
        Assert.Equal(fixture.Emulator.PortalId, reply["portalId"].GetValue<long>());
        Assert.Equal(Now, Str(reply["updatedAt"]));
        Assert.Null(reply.Body!["properties"]);

        // Records follow: year is now required, and answers by default.
        (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "Roadster" } })).Expect(400);
        var record = (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "Roadster", year = "2020" } })).Expect(201);
        var read = (await _api.Get($"/crm/v3/objects/{typeId}/{Str(record["id"])}")).Expect(200);
        var keys = read["properties"].AsObject().Select(kv => kv.Key).ToList();
        Assert.Equal(["year", "model", "vin", "hs_createdate", "hs_lastmodifieddate", "hs_object_id"], keys);

        var bad = (await _api.Patch($"/crm/v3/schemas/{typeId}", new { requiredProperties = new[] { "nope" } })).Expect(400);
        Assert.Contains("nope", Str(bad["message"]));
    }

    [Fact]
    public async Task Delete_needs_an_empty_type_then_archives_and_purge_frees_the_name()
    {
        var name = Unique("plane");
        var typeId = Str((await _api.Post("/crm/v3/schemas", CarSchema(name))).Expect(201)["objectTypeId"]);
        var record = (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "A320" } })).Expect(201);

        var blocked = (await _api.Delete($"/crm/v3/schemas/{typeId}")).Expect(400);
        Assert.Contains("records", Str(blocked["message"]));

        (await _api.Delete($"/crm/v3/objects/{typeId}/{Str(record["id"])}")).Expect(204);
        (await _api.Delete($"/crm/v3/schemas/{typeId}")).Expect(204);

        (await _api.Get($"/crm/v3/schemas/{typeId}")).Expect(404);
        var archived = (await _api.Get($"/crm/v3/schemas/{typeId}?archived=true")).Expect(200);
        Assert.True(archived["archived"].GetValue<bool>());
        var archivedList = (await _api.Get("/crm/v3/schemas?archived=true")).Expect(200);
        Assert.Contains(archivedList["results"].AsArray(), s => Str(s!["objectTypeId"]) == typeId);
        var liveList = (await _api.Get("/crm/v3/schemas")).Expect(200);
        Assert.DoesNotContain(liveList["results"].AsArray(), s => Str(s!["objectTypeId"]) == typeId);

        // The type no longer answers in the objects and properties APIs, and its name stays taken.
        (await _api.Get($"/crm/v3/objects/{typeId}")).Expect(400);
        (await _api.Get($"/crm/v3/objects/p_{name}")).Expect(400);
        (await _api.Get($"/crm/v3/properties/{typeId}")).Expect(400);
        (await _api.Post("/crm/v3/schemas", CarSchema(name))).Expect(409);

        (await _api.Delete($"/crm/v3/schemas/{typeId}?archived=true")).Expect(204);
        (await _api.Get($"/crm/v3/schemas/{typeId}?archived=true")).Expect(404);
        var again = (await _api.Post("/crm/v3/schemas", CarSchema(name))).Expect(201);
        Assert.NotEqual(typeId, Str(again["objectTypeId"]));
    }

    [Fact]
    public async Task Purge_requires_an_archived_schema()
    {
        var typeId = Str((await _api.Post("/crm/v3/schemas", CarSchema(Unique("van")))).Expect(201)["objectTypeId"]);
        (await _api.Delete($"/crm/v3/schemas/{typeId}?archived=true")).Expect(400);
        (await _api.Get($"/crm/v3/schemas/{typeId}")).Expect(200);
        (await _api.Delete("/crm/v3/schemas/2-424242")).Expect(404);
    }

    [Fact]
    public async Task Association_definitions_can_be_added_and_removed()
    {
        var name = Unique("ship");
        var typeId = Str((await _api.Post("/crm/v3/schemas", CarSchema(name))).Expect(201)["objectTypeId"]);

        var created = (await _api.Post($"/crm-object-schemas/v3/schemas/{typeId}/associations", new { fromObjectTypeId = typeId, toObjectTypeId = "0-3", name = "ship_to_deal" })).Expect(201);
        var associationId = Str(created["id"]);
        Assert.Equal(typeId, Str(created["fromObjectTypeId"]));
        Assert.Equal("0-3", Str(created["toObjectTypeId"]));
        Assert.Equal("ship_to_deal", Str(created["name"]));
        Assert.Equal(Now, Str(created["createdAt"]));

        var schema = (await _api.Get($"/crm/v3/schemas/{typeId}")).Expect(200);
        Assert.Contains(schema["associations"].AsArray(), a => Str(a!["id"]) == associationId);
        Assert.Equal(3, schema["associations"].AsArray().Count);

        (await _api.Post($"/crm/v3/schemas/{typeId}/associations", new { fromObjectTypeId = typeId, toObjectTypeId = "0-3", name = "ship_to_deal" })).Expect(409);
        (await _api.Post($"/crm/v3/schemas/{typeId}/associations", new { fromObjectTypeId = typeId, toObjectTypeId = "widgets" })).Expect(400);
        (await _api.Post($"/crm/v3/schemas/{typeId}/associations", new { fromObjectTypeId = "0-1", toObjectTypeId = "0-2" })).Expect(400);

        (await _api.Delete($"/crm/v3/schemas/{typeId}/associations/{associationId}")).Expect(204);
        var after = (await _api.Get($"/crm/v3/schemas/{typeId}")).Expect(200);
        Assert.DoesNotContain(after["associations"].AsArray(), a => Str(a!["id"]) == associationId);
        (await _api.Delete($"/crm/v3/schemas/{typeId}/associations/{associationId}")).Expect(404);
    }

    [Fact]
    public async Task Schemas_need_the_custom_schema_scopes()
    {
        using var reader = _api.WithToken(fixture.Emulator.CreateToken("crm.schemas.custom.read"));
        (await reader.Get("/crm/v3/schemas")).Expect(200);
        var denied = (await reader.Post("/crm/v3/schemas", CarSchema(Unique("denied")))).Expect(403);
        Assert.Contains("crm.schemas.custom.write", denied.Text);

        using var objectsReader = _api.WithToken(fixture.Emulator.CreateToken("crm.objects.custom.read"));
        (await objectsReader.Get("/crm/v3/schemas")).Expect(200);

        using var contactsOnly = _api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        (await contactsOnly.Get("/crm/v3/schemas")).Expect(403);

        using var writer = _api.WithToken(fixture.Emulator.CreateToken("crm.schemas.custom.write"));
        (await writer.Post("/crm/v3/schemas", CarSchema(Unique("allowed")))).Expect(201);
    }
}
