using System.Globalization;
using CsvHelper;
using Spoke.Crm;
using Spoke.DataTools.Import;

namespace Spoke.DataTools.Tests.Import;

/// <summary><c>spoke import --via imports-api</c>: the plan uploaded to HubSpot's (the emulator's) Imports API.</summary>
public sealed class ImportsApiImporterTests : IAsyncLifetime
{
    private static readonly string[] Header = ["email", "firstname", "lifecyclestage"];
    private readonly ImportPortal _portal = new();

    public Task InitializeAsync() => _portal.InitializeAsync();

    public Task DisposeAsync() => _portal.DisposeAsync();

    private ImportsApiImporter Importer() => new(_portal.Client, TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Valid_rows_are_upserted_by_hubspots_import_and_rows_it_refuses_join_the_validation_rejects_with_their_line_and_fields()
    {
        await _portal.Client.Crm.Contacts.BatchCreateAsync([new PropertyBag { ["email"] = "person1@example.com", ["firstname"] = "Before" }]);
        var rows = Enumerable.Range(0, 120).Select(i => ImportPortal.Row(i + 2, Header, $"person{i}@example.com", $"Imported {i}", "lead")).ToList();
        // One row HubSpot's import refuses (not an option of lifecyclestage: the in-memory plan skipped Spoke's check),
        // and one Spoke's validation refused before the upload.
        rows[7] = ImportPortal.Row(9, Header, "person7@example.com", "Imported 7", "no_such_stage");
        rows[8] = new PreparedRow { LineNumber = 10, SourceFields = ["not an email", "X", "lead"], Problems = ["email: \"not an email\" is not an email address."] };

        var result = await Importer().RunAsync(_portal.Plan("contacts", "email", Header, rows));

        Assert.Equal("DONE", result.State);
        Assert.Equal((120L, 119L, 117L, 1L, 2L), (result.Rows, result.Sent, result.Created, result.Updated, result.Rejected));
        var contacts = await _portal.AllAsync("contacts", "email", "firstname", "lifecyclestage");
        Assert.Equal(118, contacts.Count);
        Assert.Equal("Imported 1", Assert.Single(contacts, c => c.Properties.GetString("email") == "person1@example.com").Properties.GetString("firstname"));
        Assert.DoesNotContain(contacts, c => c.Properties.GetString("email") == "person7@example.com");

        using var reader = new CsvReader(new StreamReader(result.RejectsPath!), CultureInfo.InvariantCulture);
        var rejected = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["10", "9"], rejected.Select(r => (string)r["line"]).Order(StringComparer.Ordinal));
        var refused = Assert.Single(rejected, r => (string)r["line"] == "9");
        Assert.Equal("person7@example.com", refused["email"]);
        Assert.Contains("HubSpot's import refused the row", (string)refused["reasons"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploading_the_same_file_again_without_an_upsert_key_updates_what_the_first_upload_created_instead_of_duplicating_it()
    {
        string[] header = ["name", "city"];
        var rows = Enumerable.Range(0, 150).Select(i => ImportPortal.Row(i + 2, header, $"Company {i}", "Oslo")).ToList();
        var plan = _portal.Plan("companies", null, header, rows, sha: "0123456789abcdef0123456789abcdef");

        var first = await Importer().RunAsync(plan);
        var second = await Importer().RunAsync(plan);

        Assert.Equal((150L, 0L), (first.Created, first.Updated));
        Assert.Equal((0L, 150L), (second.Created, second.Updated));
        var companies = await _portal.AllAsync("companies", "name");
        Assert.Equal(150, companies.Count);
        Assert.Equal(150, companies.Select(c => c.Properties.GetString("name")).Distinct().Count());
    }

    [Fact]
    public async Task A_plan_with_associations_is_refused_before_anything_is_uploaded()
    {
        var row = ImportPortal.Row(2, Header, "a@example.com", "A", "lead");
        var plan = _portal.Plan("contacts", "email", Header,
            [new PreparedRow { LineNumber = 2, SourceFields = row.SourceFields, Properties = row.Properties, UpsertKey = "a@example.com", Associations = [new ImportAssociation("companies", "domain", "acme.com")] }]);

        var error = await Assert.ThrowsAsync<FormatException>(() => Importer().RunAsync(plan));

        Assert.Contains("without --via imports-api", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _portal.Client.Imports.ListAsync().ToListAsync());
    }
}
