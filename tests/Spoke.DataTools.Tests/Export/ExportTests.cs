using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Spoke.Crm;
using Spoke.DataTools.Export;
using Spoke.Emulator;

namespace Spoke.DataTools.Tests.Export;

/// <summary>A small portal: contacts with companies and deals, one archived, exported to CSV and JSONL.</summary>
public sealed class ExportTests : IAsyncLifetime
{
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;
    private readonly List<CrmObject> _contacts = [];
    private readonly Dictionary<string, string> _companyOf = [];
    private string _archivedId = "";

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token, ProactiveRateLimiting = false });
        var acme = await _client.Crm.Companies.CreateAsync(new PropertyBag().Set("name", "Acme").Set("domain", "acme.com"));
        var globex = await _client.Crm.Companies.CreateAsync(new PropertyBag().Set("name", "Globex").Set("domain", "globex.com"));
        for (var i = 0; i < 12; i++)
        {
            var company = i % 2 == 0 ? acme : globex;
            var contact = await _client.Crm.Contacts.CreateAsync(new PropertyBag()
                .Set("email", $"person{i}@{company.Properties["domain"]}")
                .Set("firstname", i == 3 ? "Quote \"and\", comma\nnew line" : $"First{i}")
                .Set("lastname", $"Last{i}")
                .Set("lifecyclestage", i < 5 ? "customer" : "lead"));
            await _client.Associations.CreateDefaultAsync("contacts", contact.Id, "companies", company.Id);
            _companyOf[contact.Id] = company.Id;
            _contacts.Add(contact);
        }

        var archived = await _client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "gone@acme.com").Set("firstname", "Gone"));
        await _client.Crm.Contacts.ArchiveAsync(archived.Id);
        _archivedId = archived.Id;
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
    }

    private async Task<(string Text, ExportResult Result)> ExportAsync(ExportOptions options)
    {
        using var output = new MemoryStream();
        var result = await new RecordExporter(_client).ExportAsync("contacts", output, options);
        return (Encoding.UTF8.GetString(output.ToArray()), result);
    }

    private static List<Dictionary<string, string>> ReadCsv(string text)
    {
        using var reader = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = new List<Dictionary<string, string>>();
        reader.Read();
        reader.ReadHeader();
        var header = reader.HeaderRecord!;
        while (reader.Read())
        {
            rows.Add(header.ToDictionary(h => h, h => reader.GetField(h)!));
        }

        return rows;
    }

    [Fact]
    public async Task Csv_has_the_id_first_then_the_properties_asked_for_and_every_live_record_with_its_companies()
    {
        var (text, result) = await ExportAsync(new ExportOptions
        {
            Format = ExportFormat.Csv, Properties = ["email", "firstname", "lifecyclestage"], Associations = ["companies"],
        });

        Assert.StartsWith("hs_object_id,email,firstname,lifecyclestage,associations.companies\r\n", text, StringComparison.Ordinal);
        var rows = ReadCsv(text);
        Assert.Equal(12, result.Records);
        Assert.Equal(_contacts.Select(c => c.Id).Order(), rows.Select(r => r["hs_object_id"]).Order());
        foreach (var contact in _contacts)
        {
            var row = rows.Single(r => r["hs_object_id"] == contact.Id);
            Assert.Equal(contact.Properties["email"], row["email"]);
            Assert.Equal(contact.Properties["firstname"], row["firstname"]); // quotes, commas and line breaks survive RFC 4180
            Assert.Equal(contact.Properties["lifecyclestage"], row["lifecyclestage"]);
            Assert.Equal(_companyOf[contact.Id], row["associations.companies"]);
        }

        Assert.DoesNotContain(rows, r => r["hs_object_id"] == _archivedId);
    }

    [Fact]
    public async Task Jsonl_has_one_object_per_record_with_properties_timestamps_and_associations()
    {
        var (text, _) = await ExportAsync(new ExportOptions { Format = ExportFormat.Jsonl, Properties = ["email", "lastname"], Associations = ["companies"] });

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(12, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var id = root.GetProperty("id").GetString()!;
            var contact = _contacts.Single(c => c.Id == id);
            Assert.Equal(contact.Properties["email"], root.GetProperty("properties").GetProperty("email").GetString());
            Assert.Equal(contact.Properties["lastname"], root.GetProperty("properties").GetProperty("lastname").GetString());
            Assert.Equal(2, root.GetProperty("properties").EnumerateObject().Count());
            Assert.Equal(contact.CreatedAt, root.GetProperty("createdAt").GetDateTimeOffset());
            Assert.False(root.GetProperty("archived").GetBoolean());
            Assert.Equal([_companyOf[id]], root.GetProperty("associations").GetProperty("companies").EnumerateArray().Select(e => e.GetString()));
        }
    }

    [Fact]
    public async Task Archived_exports_the_recycle_bin_only()
    {
        var (text, result) = await ExportAsync(new ExportOptions { Format = ExportFormat.Jsonl, Properties = ["email"], Archived = true });

        Assert.Equal(1, result.Records);
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(_archivedId, doc.RootElement.GetProperty("id").GetString());
        Assert.True(doc.RootElement.GetProperty("archived").GetBoolean());
    }

    [Fact]
    public async Task Filters_are_anded_and_select_through_search()
    {
        var (text, _) = await ExportAsync(new ExportOptions
        {
            Properties = ["email"], Filters = ["lifecyclestage=customer", "email~*@acme.com"],
        });

        var expected = _contacts.Where(c => c.Properties["lifecyclestage"] == "customer" && c.Properties["email"]!.EndsWith("@acme.com", StringComparison.Ordinal));
        Assert.Equal(expected.Select(c => c.Id).Order(), ReadCsv(text).Select(r => r["hs_object_id"]).Order());
        Assert.Equal(3, expected.Count());
    }

    [Fact]
    public async Task Every_property_is_a_column_with_all()
    {
        var definitions = new List<string>();
        await foreach (var p in _client.Properties.ListAsync("contacts"))
        {
            definitions.Add(p.Name);
        }

        var (text, result) = await ExportAsync(new ExportOptions());

        var header = text[..text.IndexOf('\r', StringComparison.Ordinal)].Split(',');
        Assert.Equal("hs_object_id", header[0]);
        Assert.Equal(definitions.Where(d => d != "hs_object_id").Order(), header.Skip(1).Order());
        Assert.Equal(12, result.Records);
    }

    [Theory]
    [InlineData("no_such_property", null, "no_such_property")]
    [InlineData("email", "amount>1000", "amount")]
    [InlineData("email", "lifecyclestage=martian", "martian")]
    [InlineData("email", "createdate>=yesterday", "ISO 8601")]
    [InlineData("email", "lifecyclestage", "PROPERTY=VALUE")]
    public async Task Bad_input_is_refused_with_what_to_write_before_anything_is_written(string property, string? filter, string named)
    {
        using var output = new MemoryStream();
        var error = await Assert.ThrowsAsync<FormatException>(() => new RecordExporter(_client).ExportAsync("contacts", output,
            new ExportOptions { Properties = [property], Filters = filter is null ? [] : [filter] }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Date_filters_compare_as_hubspot_does()
    {
        var (text, _) = await ExportAsync(new ExportOptions { Properties = ["email"], Filters = ["createdate>=2000-01-01", "createdate<2999-01-01T00:00:00Z"] });

        Assert.Equal(12, ReadCsv(text).Count);
    }
}
