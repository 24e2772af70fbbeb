using Spoke.DataTools.Mapping;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary>The planner against the emulator's contact properties: rows mapped, validated, numbered.</summary>
public sealed class ImportPlannerTests(PortalFixture portal) : PortalTestBase(portal)
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

    [Fact]
    public async Task A_byte_order_mark_is_not_part_of_the_first_header_and_broken_quoting_rejects_only_its_row()
    {
        var rows = await PrepareRowsAsync(EmailMap, "\uFEFFEmail,First Name\nada@example.com,\"Ada\"x\ngrace@example.com,Grace\n");
        Assert.Equal(2, rows.Count);
        Assert.Contains("the row's quoting is broken", Assert.Single(rows[0].Problems), StringComparison.Ordinal);
        Assert.True(rows[1].IsValid);
        Assert.Equal(3, rows[1].LineNumber);
    }

    [Fact]
    public async Task Each_read_of_the_rows_streams_the_file_again_from_the_start()
    {
        var plan = await ImportPlanner.PrepareAsync(Client, Map(EmailMap), "contacts", WriteFile("twice.csv", "Email,First Name\na@example.com,A\na@example.com,B\n"));
        for (var pass = 0; pass < 2; pass++)
        {
            var valid = new List<bool>();
            await foreach (var row in plan.ReadRowsAsync())
            {
                valid.Add(row.IsValid);
            }

            Assert.Equal([true, false], valid); // the duplicate set starts empty on each read
        }
    }

    [Fact]
    public async Task A_quote_never_closed_rejects_its_row_instead_of_swallowing_the_rest_of_the_file_silently()
    {
        var rows = await PrepareRowsAsync(EmailMap, "Email,First Name\nada@example.com,\"Ada\ngrace@example.com,Grace\n");
        var row = Assert.Single(rows);
        Assert.Contains("the row's quoting is broken", Assert.Single(row.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_the_rows_of_a_file_changed_after_planning_fails_instead_of_reading_unchecked_rows()
    {
        var path = WriteFile("changing.csv", "Email,First Name\na@example.com,A\n");
        var plan = await ImportPlanner.PrepareAsync(Client, Map(EmailMap), "contacts", path);
        await File.AppendAllTextAsync(path, "b@example.com,B\n");
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var row in plan.ReadRowsAsync())
            {
                Assert.Fail($"read line {row.LineNumber}");
            }
        });
        Assert.Contains("changed after the import was planned", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_is_refused_at_the_header_or_rejected_by_row()
    {
        var latin1Header = WriteFile("latin1.csv", "");
        await File.WriteAllBytesAsync(latin1Header, [.. "Email,Stra"u8.ToArray(), 0xDF, (byte)'e', (byte)'\n']);
        var error = await Assert.ThrowsAsync<FormatException>(() => ImportPlanner.PrepareAsync(Client, Map(EmailMap), "contacts", latin1Header));
        Assert.Contains("is not UTF-8", error.Message, StringComparison.Ordinal);

        var latin1Row = WriteFile("latin1-row.csv", "");
        await File.WriteAllBytesAsync(latin1Row, [.. "Email,First Name\na@example.com,Ren"u8.ToArray(), 0xE9, (byte)'\n']);
        var plan = await ImportPlanner.PrepareAsync(Client, Map(EmailMap), "contacts", latin1Row);
        await foreach (var row in plan.ReadRowsAsync())
        {
            Assert.Contains("bytes that are not UTF-8", Assert.Single(row.Problems), StringComparison.Ordinal);
        }
    }
}
