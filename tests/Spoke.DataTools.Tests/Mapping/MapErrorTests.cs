using Spoke.DataTools.Mapping;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary>A map that cannot be used is refused before any row is read, with a message naming the place and the fix.</summary>
public sealed class MapErrorTests(PortalFixture portal) : PortalTestBase(portal)
{
    private async Task<string> RefusedAsync(string mapJson, string csv = "Email,Name\na@example.com,A\n", string objectType = "contacts")
    {
        var map = Map(mapJson);
        var error = await Assert.ThrowsAsync<FormatException>(() => ImportPlanner.PrepareAsync(Client, map, objectType, WriteFile("in.csv", csv)));
        return error.Message;
    }

    [Fact]
    public void An_unknown_field_is_refused_with_its_path_line_and_the_allowed_fields()
    {
        var error = Assert.Throws<FormatException>(() => ImportMap.Parse("""
            {
              "columns": [
                { "source": "Email", "property": "email", "requried": true }
              ]
            }
            """, "contacts.map.json"));
        Assert.Contains("contacts.map.json: unknown field 'requried'", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed here: comment, source, sources, separator, property, transforms, required, whenEmpty", error.Message, StringComparison.Ordinal);
        Assert.Contains("$.columns[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("(line 3)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Spoke.DataTools", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_transforms_and_transform_options_are_refused()
    {
        var word = Assert.Throws<FormatException>(() => ImportMap.Parse("""{ "columns": [{ "source": "a", "property": "b", "transforms": ["strip"] }] }""", "m.json"));
        Assert.Contains("unknown transform \"strip\"", word.Message, StringComparison.Ordinal);
        Assert.Contains("$.columns[0].transforms[0]", word.Message, StringComparison.Ordinal);
        var option = Assert.Throws<FormatException>(() => ImportMap.Parse("""{ "columns": [{ "source": "a", "property": "b", "transforms": [{ "date": { "fromat": "dd/MM" } }] }] }""", "m.json"));
        Assert.Contains("unknown field 'fromat' in the \"date\" transform (allowed here: format, timeZone)", option.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_map_without_columns_or_with_null_where_a_value_belongs_is_refused()
    {
        Assert.Contains("the map has no \"columns\"", Assert.Throws<FormatException>(() => ImportMap.Parse("{}", "m.json")).Message, StringComparison.Ordinal);
        var nulls = Assert.Throws<FormatException>(() => ImportMap.Parse("""{ "columns": [{ "source": "a", "property": "b", "transforms": null }] }""", "m.json"));
        Assert.Contains("null is not allowed here", nulls.Message, StringComparison.Ordinal);
        Assert.Contains("$.columns[0].transforms", nulls.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_needs_one_source_and_json_syntax_errors_name_the_line()
    {
        Assert.Contains("needs exactly one of \"source\"", Assert.Throws<FormatException>(() => ImportMap.Parse("""{ "columns": [{ "property": "b" }] }""", "m.json")).Message, StringComparison.Ordinal);
        Assert.Contains("(line 2)", Assert.Throws<FormatException>(() => ImportMap.Parse("{\n \"columns\": [ }", "m.json")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_reads_a_file_with_comments_and_says_when_it_is_missing()
    {
        var path = WriteFile("m.json", "{ // contacts\n \"upsertBy\": \"email\", \"columns\": [{ \"source\": \"Email\", \"property\": \"email\" },], }");
        var map = await ImportMap.LoadAsync(path);
        Assert.Equal("email", map.UpsertBy);
        var missing = await Assert.ThrowsAsync<FormatException>(() => ImportMap.LoadAsync(path + ".nope"));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_not_in_the_header_is_named_with_the_header()
    {
        var message = await RefusedAsync("""{ "columns": [{ "source": "E-mail", "property": "email" }] }""");
        Assert.Contains("columns[0] ('E-mail'): the file has no column 'E-mail'; its header has Email, Name", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_property_suggests_the_internal_name_and_createProperties()
    {
        var message = await RefusedAsync("""{ "columns": [{ "source": "Email", "property": "email" }, { "source": "Name", "property": "First Name" }] }""");
        Assert.Contains("columns[1]: contacts has no property 'First Name' (did you mean firstname?)", message, StringComparison.Ordinal);
        Assert.Contains("declare it in \"createProperties\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_only_properties_cannot_be_written()
    {
        var message = await RefusedAsync("""{ "columns": [{ "source": "Email", "property": "email" }, { "source": "Name", "property": "createdate" }] }""");
        Assert.Contains("columns[1]: createdate is read-only", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertBy_must_be_unique_and_mapped()
    {
        var notUnique = await RefusedAsync("""{ "upsertBy": "firstname", "columns": [{ "source": "Email", "property": "email" }, { "source": "Name", "property": "firstname" }] }""");
        Assert.Contains("upsertBy: firstname is not a unique property of contacts, so HubSpot cannot match rows by it", notUnique, StringComparison.Ordinal);
        Assert.Contains("upsert by email or a property with hasUniqueValue", notUnique, StringComparison.Ordinal);

        var companies = await RefusedAsync("""{ "upsertBy": "domain", "columns": [{ "source": "Email", "property": "domain" }] }""", objectType: "companies");
        Assert.Contains("upsertBy: domain is not a unique property of companies", companies, StringComparison.Ordinal);

        var unmapped = await RefusedAsync("""{ "upsertBy": "email", "columns": [{ "source": "Name", "property": "firstname" }] }""");
        Assert.Contains("upsertBy: no column writes email", unmapped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_unique_property_declared_in_createProperties_can_be_the_upsert_key_and_is_planned_for_creation()
    {
        var map = Map("""
            { "upsertBy": "member_no", "columns": [{ "source": "Email", "property": "member_no" }, { "source": "Name", "property": "tier" }],
              "createProperties": [{ "name": "member_no", "label": "Member no", "type": "string", "fieldType": "text", "hasUniqueValue": true },
                { "name": "tier", "label": "Tier", "type": "enumeration", "fieldType": "select", "options": [{ "label": "Gold", "value": "gold" }] },
                { "name": "email", "label": "Email", "type": "string", "fieldType": "text" }] }
            """);
        var plan = await ImportPlanner.PrepareAsync(Client, map, "contacts", WriteFile("in.csv", "Email,Name\nM1,gold\nM2,silver\n"));
        Assert.Equal(["member_no", "tier"], plan.PropertiesToCreate.Select(p => p.Name));
        Assert.Equal("contactinformation", plan.PropertiesToCreate[0].GroupName);
        var rows = new List<Spoke.DataTools.Import.PreparedRow>();
        await foreach (var row in plan.ReadRowsAsync())
        {
            rows.Add(row);
        }

        Assert.True(rows[0].IsValid);
        Assert.Contains("'silver' is not an option of tier; allowed: gold", Assert.Single(rows[1].Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_createProperties_entry_whose_type_differs_from_the_portals_is_refused()
    {
        var message = await RefusedAsync("""
            { "columns": [{ "source": "Email", "property": "email" }],
              "createProperties": [{ "name": "annualrevenue", "label": "Revenue", "type": "string", "fieldType": "text" }] }
            """);
        Assert.Contains("the portal already has annualrevenue with type number, not string", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_problem_is_listed_at_once_and_the_object_type_must_match()
    {
        var message = await RefusedAsync("""
            { "columns": [{ "source": "Nope", "property": "email" }, { "source": "Name", "property": "nope" }, { "source": "Email", "property": "email" }],
              "constants": { "lifecyclestage": "gold" },
              "associations": [{ "column": "Email", "toObjectType": "companies", "by": "domian" }] }
            """);
        Assert.Contains("the file has no column 'Nope'", message, StringComparison.Ordinal);
        Assert.Contains("contacts has no property 'nope'", message, StringComparison.Ordinal);
        Assert.Contains("email is already written by columns[0]", message, StringComparison.Ordinal);
        Assert.Contains("constants.lifecyclestage: 'gold' is not an option of lifecyclestage", message, StringComparison.Ordinal);
        Assert.Contains("associations[0]: companies has no property 'domian'", message, StringComparison.Ordinal);

        var wrongType = await RefusedAsync("""{ "objectType": "companies", "columns": [{ "source": "Email", "property": "email" }] }""");
        Assert.Contains("The map is for companies but the import is for contacts", wrongType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transform_options_the_planner_cannot_use_are_refused()
    {
        var message = await RefusedAsync("""
            { "columns": [{ "source": "Email", "property": "email" }, { "source": "Name", "property": "annualrevenue", "transforms": [{ "number": "xx-YY" }] },
              { "source": "Name", "property": "date_of_birth", "transforms": ["date"] }, { "source": "Name", "property": "closedate_x", "transforms": [] }] }
            """);
        Assert.Contains("culture 'xx-YY' is not in the built-in table", message, StringComparison.Ordinal);
        Assert.Contains("(date): no input format", message, StringComparison.Ordinal);

        var zone = await RefusedAsync("""{ "timeZone": "Mars/Olympus", "columns": [{ "source": "Email", "property": "email" }, { "source": "Name", "property": "date_of_birth", "transforms": [{ "date": "yyyy" }] }] }""");
        Assert.Contains("unknown time zone 'Mars/Olympus'", zone, StringComparison.Ordinal);
    }
}
