using Spoke.DataTools.Import;
using Spoke.DataTools.Mapping;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary>The sample in samples/DataTools stays true: its map plans its CSV on the emulator with no rejects.</summary>
public sealed class SampleMapTests(PortalFixture portal) : PortalTestBase(portal)
{
    private static string Samples()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Spoke.slnx not found above the test binaries."), "samples", "DataTools");
    }

    [Fact]
    public async Task The_sample_map_plans_the_sample_csv_with_no_rejects_and_every_feature_in_the_values()
    {
        var map = await ImportMap.LoadAsync(Path.Combine(Samples(), "contacts.map.json"));
        var plan = await ImportPlanner.PrepareAsync(Client, map, "contacts", Path.Combine(Samples(), "contacts.csv"));
        var rows = new List<PreparedRow>();
        await foreach (var row in plan.ReadRowsAsync())
        {
            rows.Add(row);
        }

        Assert.All(rows, r => Assert.True(r.IsValid, $"line {r.LineNumber}: {string.Join("; ", r.Problems)}"));
        Assert.Equal([2L, 4, 5], rows.Select(r => r.LineNumber));
        Assert.Equal(["customer_since", "loyalty_tier", "member_number"], plan.PropertiesToCreate.Select(p => p.Name));

        var ada = rows[0].Properties;
        Assert.Equal("ada.lovelace@example.com", ada["email"]);
        Assert.Equal("Marktplatz 1", ada["address"]);
        Assert.Equal("customer", ada["lifecyclestage"]);
        Assert.Equal("DECISION_MAKER;BUDGET_HOLDER", ada["hs_buying_role"]);
        Assert.Equal("1815-12-10", ada["date_of_birth"]);
        Assert.Equal("2021-07-01T07:30:00.000Z", ada["customer_since"]);
        Assert.Equal("1234567.50", ada["annualrevenue"]);
        Assert.Equal("false", ada["hs_email_optout"]);
        Assert.Equal("gold", ada["loyalty_tier"]);
        Assert.Equal("M-1001", ada["member_number"]);
        Assert.Equal("NEW", ada["hs_lead_status"]);
        Assert.Equal("Germany", ada["country"]);
        Assert.False(ada.ContainsKey("Notizen"));
        Assert.Equal([new ImportAssociation("companies", "domain", "example.com"), new ImportAssociation("companies", "domain", "example.com", 1, "HUBSPOT_DEFINED")],
            rows[0].Associations);

        var grace = rows[1].Properties;
        Assert.Equal("lead", grace["lifecyclestage"]);
        Assert.Equal("2024-01-15T13:00:00.000Z", grace["customer_since"]);
        Assert.Equal("", grace["jobtitle"]);
        Assert.False(grace.ContainsKey("loyalty_tier"));
        Assert.Equal("example.org", rows[1].Associations[0].Value);

        var alan = rows[2].Properties;
        Assert.Equal("other", alan["lifecyclestage"]);
        Assert.Equal("silver", alan["loyalty_tier"]);
        Assert.False(alan.ContainsKey("address"));
        Assert.Empty(rows[2].Associations);
    }

    [Fact]
    public void The_schema_lists_exactly_the_fields_and_transforms_the_reader_accepts()
    {
        using var schema = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Samples(), "map.schema.json")));
        var root = schema.RootElement;
        var defs = root.GetProperty("$defs");
        static string[] Fields(System.Text.Json.JsonElement type) => [.. type.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
        static string[] Names(System.Text.Json.Serialization.Metadata.JsonTypeInfo info) => [.. info.Properties.Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(Names(MapJsonContext.Default.ImportMap), Fields(root));
        Assert.Equal(Names(MapJsonContext.Default.ImportColumn), Fields(defs.GetProperty("column")));
        Assert.Equal(Names(MapJsonContext.Default.ImportAssociationRule), Fields(defs.GetProperty("association")));
        Assert.Equal(Names(MapJsonContext.Default.ImportPropertySpec), Fields(defs.GetProperty("createProperty")));

        // Transforms with options have an object form each; trim, lower and upper are words only.
        var transforms = defs.GetProperty("transform").GetProperty("oneOf").EnumerateArray()
            .SelectMany(t => t.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!) : [])
            .Order(StringComparer.Ordinal);
        Assert.Equal(ValueTransform.Kinds.Except(["trim", "lower", "upper"]).Order(StringComparer.Ordinal), transforms);
    }
}
