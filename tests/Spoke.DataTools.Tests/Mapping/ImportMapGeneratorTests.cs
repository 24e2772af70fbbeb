using Spoke.DataTools.Mapping;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary><c>spoke import init</c>'s starting map: headers matched to the portal's properties.</summary>
public sealed class ImportMapGeneratorTests(PortalFixture portal) : PortalTestBase(portal)
{
    [Fact]
    public async Task Headers_match_by_name_or_label_ignoring_case_and_punctuation_and_the_rest_is_listed_unmapped()
    {
        var csv = WriteFile("people.csv", "E-mail,First Name,LASTNAME,Date of birth,Unsubscribed from all email,Shoe size,Created\na@example.com,Ada,Lovelace,10/12/1815,yes,38,x\nb@example.com,Bob,B,25/01/1990,no,44,y\n");
        var map = await ImportMapGenerator.GenerateAsync(Client, "contacts", csv);

        Assert.Equal("contacts", map.ObjectType);
        Assert.Equal("email", map.UpsertBy);
        Assert.Equal(["email", "firstname", "lastname", "date_of_birth", "hs_email_optout", null, null], map.Columns.Select(c => c.Property));
        Assert.Equal(["E-mail", "First Name", "LASTNAME", "Date of birth", "Unsubscribed from all email", "Shoe size", "Created"], map.Columns.Select(c => c.Source));
        Assert.Equal(["trim", "lower"], map.Columns[0].Transforms.Select(t => t.Kind));
        Assert.Equal("dd/MM/yyyy", map.Columns[3].Transforms.Single(t => t.Kind == "date").Format);
        Assert.Contains("bool", map.Columns[4].Transforms.Select(t => t.Kind));
        Assert.Contains("No property of contacts matches this column", map.Columns[5].Comment, StringComparison.Ordinal);

        // "Created" is the read-only createdate's label: never matched. The saved map keeps "property": null so the user sees it.
        var saved = WriteFile("people.map.json", "");
        await map.SaveAsync(saved);
        var json = await File.ReadAllTextAsync(saved);
        Assert.Contains("\"property\": null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", json, StringComparison.Ordinal); // written for people: quotes and apostrophes not escaped as \u0022
        Assert.DoesNotContain("\"required\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"constants\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"sources\"", json, StringComparison.Ordinal);

        // The starting map is usable as it is.
        var plan = await ImportPlanner.PrepareAsync(Client, await ImportMap.LoadAsync(saved), "contacts", csv);
        await foreach (var row in plan.ReadRowsAsync())
        {
            Assert.True(row.IsValid, string.Join("; ", row.Problems));
        }
    }

    [Fact]
    public async Task Option_labels_get_a_map_to_their_values_and_comma_decimals_a_number_culture()
    {
        var csv = WriteFile("labels.csv", "Email,Lifecycle Stage,Buying Role,Annual Revenue\na@example.com,Customer,Budget Holder;End User,\"1.234,5\"\nb@example.com,lead,,\"12,75\"\n");
        var map = await ImportMapGenerator.GenerateAsync(Client, "contacts", csv);

        var stage = map.Columns[1].Transforms.Single(t => t.Kind == "map");
        Assert.True(stage.CaseInsensitive);
        Assert.Equal("customer", stage.Values!["Customer"]);
        Assert.Equal(["trim", "split", "map"], map.Columns[2].Transforms.Select(t => t.Kind));
        Assert.Equal("de-DE", map.Columns[3].Transforms.Single(t => t.Kind == "number").Culture);

        var plan = await ImportPlanner.PrepareAsync(Client, map, "contacts", csv);
        var rows = new List<Spoke.DataTools.Import.PreparedRow>();
        await foreach (var row in plan.ReadRowsAsync())
        {
            rows.Add(row);
        }

        Assert.All(rows, r => Assert.True(r.IsValid, string.Join("; ", r.Problems)));
        Assert.Equal(("customer", "BUDGET_HOLDER;END_USER", "1234.5"), (rows[0].Properties["lifecyclestage"], rows[0].Properties["hs_buying_role"], rows[0].Properties["annualrevenue"]));
        Assert.Equal(("lead", "12.75"), (rows[1].Properties["lifecyclestage"], rows[1].Properties["annualrevenue"]));
    }

    [Fact]
    public async Task A_semicolon_file_is_read_with_its_delimiter_and_companies_get_no_upsert_key()
    {
        var csv = WriteFile("firms.csv", "Company name;Company Domain Name;Industry\nAcme;acme.com;RETAIL\n");
        var map = await ImportMapGenerator.GenerateAsync(Client, "companies", csv);
        Assert.Equal(";", map.Delimiter);
        Assert.Null(map.UpsertBy);
        Assert.Equal(["name", "domain", "industry"], map.Columns.Select(c => c.Property));
    }
}
