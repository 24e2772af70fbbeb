using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Schemas;

/// <summary>Records of a custom object through the objects API, end to end from the schema that defines them.</summary>
public sealed class CustomObjectRecordsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private async Task<(string Name, string TypeId)> CreateSchema()
    {
        var name = Unique("lender");
        var reply = (await _api.Post("/crm-object-schemas/v3/schemas", SchemasApiTests.CarSchema(name))).Expect(201);
        return (name, Str(reply["objectTypeId"]));
    }

    [Fact]
    public async Task Records_are_reachable_by_type_id_short_name_and_fully_qualified_name()
    {
        var (name, typeId) = await CreateSchema();
        var created = (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "Corolla", make = "toyota", year = "2019" } })).Expect(201);
        var id = Str(created["id"]);
        Assert.Equal("Corolla", Str(created["properties"]["model"]));
        Assert.Equal("toyota", Str(created["properties"]["make"]));
        Assert.Equal(id, Str(created["properties"]["hs_object_id"]));

        foreach (var key in new[] { typeId, $"p_{name}", $"p{fixture.Emulator.PortalId}_{name}" })
        {
            var read = (await _api.Get($"/crm/v3/objects/{key}/{id}?properties=model,year")).Expect(200);
            Assert.Equal("2019", Str(read["properties"]["year"]));
        }

        var list = (await _api.Get($"/crm/v3/objects/p_{name}")).Expect(200);
        Assert.Equal([id], list["results"].AsArray().Select(r => Str(r!["id"])));
        (await _api.Get($"/crm/objects/2026-09/{typeId}/{id}")).Expect(200);
    }

    [Fact]
    public async Task Required_and_typed_properties_are_enforced()
    {
        var (_, typeId) = await CreateSchema();
        var missing = (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { year = "2020" } })).Expect(400);
        Assert.Contains("model", Str(missing["message"]));

        (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "X", year = "twenty" } })).Expect(400);
        (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "X", make = "tesla" } })).Expect(400);
        (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "X", bought_on = "yesterday" } })).Expect(400);
        (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "X", colour = "red" } })).Expect(400);
        var ok = (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "X", bought_on = "2024-05-01" } })).Expect(201);
        Assert.Equal("2024-05-01", Str(ok["properties"]["bought_on"]));
    }

    [Fact]
    public async Task Unique_schema_property_rejects_duplicates_and_drives_upsert()
    {
        var (name, typeId) = await CreateSchema();
        var first = (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "A", vin = "VIN-1" } })).Expect(201);
        (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "B", vin = "VIN-1" } })).Expect(400);

        var upsert = (await _api.Post($"/crm/v3/objects/p_{name}/batch/upsert", new
        {
            inputs = new object[]
            {
                new { id = "VIN-1", idProperty = "vin", properties = new { year = "2001" } },
                new { id = "VIN-2", idProperty = "vin", properties = new { model = "C" } },
            },
        })).Expect(200);
        var results = upsert["results"].AsArray();
        Assert.Contains(results, r => Str(r!["id"]) == Str(first["id"]) && !r["new"]!.GetValue<bool>());
        Assert.Contains(results, r => r!["new"]!.GetValue<bool>());
        var byVin = (await _api.Get($"/crm/v3/objects/{typeId}/VIN-2?idProperty=vin&properties=model")).Expect(200);
        Assert.Equal("C", Str(byVin["properties"]["model"]));
    }

    [Fact]
    public async Task Properties_api_manages_the_custom_type_and_records_use_new_properties()
    {
        var (name, typeId) = await CreateSchema();
        var listed = (await _api.Get($"/crm/v3/properties/p_{name}")).Expect(200);
        Assert.Contains(listed["results"].AsArray(), p => Str(p!["name"]) == "model");

        (await _api.Post($"/crm/v3/properties/{typeId}", new { name = "mileage", label = "Mileage", type = "number", fieldType = "number", groupName = $"{name}_information" })).Expect(201);
        var record = (await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "M", mileage = "12000" } })).Expect(201);
        Assert.Equal("12000", Str(record["properties"]["mileage"]));

        var schema = (await _api.Get($"/crm/v3/schemas/{typeId}")).Expect(200);
        Assert.Contains(schema["properties"].AsArray(), p => Str(p!["name"]) == "mileage");

        // The required and primary display property can't be archived while the schema names it.
        (await _api.Delete($"/crm/v3/properties/{typeId}/model")).Expect(400);
        (await _api.Delete($"/crm/v3/properties/{typeId}/mileage")).Expect(204);

        using var customWriter = _api.WithToken(fixture.Emulator.CreateToken("crm.schemas.custom.write"));
        (await customWriter.Post($"/crm/v3/properties/{typeId}", new { name = "trim", label = "Trim", type = "string", fieldType = "text", groupName = $"{name}_information" })).Expect(201);
        using var recordsOnly = _api.WithToken(fixture.Emulator.CreateToken("crm.objects.custom.write"));
        (await recordsOnly.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "Scoped" } })).Expect(201);
        (await recordsOnly.Post($"/crm/v3/properties/{typeId}", new { name = "nope", label = "Nope", type = "string", fieldType = "text", groupName = $"{name}_information" })).Expect(403);
    }
}
