using Spoke.DataTools.Mapping;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary>The planner against the emulator's contact properties: rows mapped, validated, numbered.</summary>
public sealed class ImportPlannerTests : PortalTestBase
{
    private const string EmailMap = """
        { "upsertBy": "email", "columns": [
            { "source": "Email", "property": "email", "transforms": ["trim", "lower"], "required": true },
            { "source": "First Name", "property": "firstname" } ] }
        """;

    [Fact]
    public async Task Valid_rows_carry_wire_values_the_upsert_key_and_their_physical_line_numbers()
    {
        var rows = await PrepareRowsAsync(EmailMap,
            "Email,First Name\n ADA@Example.com ,Ada\n\n\"grace@example.com\",\"Grace\nHopper\"\nalan@example.com,Alan\n");

        Assert.Equal([2L, 4, 6], rows.Select(r => r.LineNumber));
        Assert.All(rows, r => Assert.True(r.IsValid, string.Join("; ", r.Problems)));
        Assert.Equal("ada@example.com", rows[0].Properties["email"]);
        Assert.Equal("ada@example.com", rows[0].UpsertKey);
        Assert.Equal("Grace\nHopper", rows[1].Properties["firstname"]);
        Assert.Equal([" ADA@Example.com ", "Ada"], rows[0].SourceFields);
    }

    [Fact]
    public async Task The_plan_names_the_object_the_upsert_property_the_header_and_the_files_sha256()
    {
        var path = WriteFile("hash.csv", "Email,First Name\nada@example.com,Ada\n");
        var plan = await ImportPlanner.PrepareAsync(Client, Map(EmailMap), "contacts", path, new ImportPlanOptions());

        Assert.Equal(("contacts", "email"), (plan.ObjectType, plan.UpsertBy));
        Assert.Equal(["Email", "First Name"], plan.Header);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), plan.FileSha256);
        Assert.Equal(Path.GetFullPath(path), plan.FilePath);
    }
}
