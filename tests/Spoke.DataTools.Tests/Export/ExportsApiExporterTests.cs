using System.Globalization;
using CsvHelper;
using Spoke.Crm;
using Spoke.DataTools.Export;
using Spoke.Emulator;

namespace Spoke.DataTools.Tests.Export;

/// <summary><c>spoke export --via exports-api</c>: HubSpot's (the emulator's) asynchronous export, downloaded.</summary>
public sealed class ExportsApiExporterTests
{
    private static async Task<(HubSpotEmulator Emulator, HubSpotClient Client)> PortalAsync(bool zipped)
    {
        var options = new HubSpotEmulatorOptions { Port = 0 };
        options.Fidelity.ExportDownloadAsZip = zipped;
        var emulator = await HubSpotEmulator.StartAsync(options);
        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token });
        (await client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 30).Select(i => new PropertyBag()
            .Set("email", $"p{i}@example.com").Set("firstname", $"First {i}").Set("lifecyclestage", i < 10 ? "customer" : "lead")))).EnsureAllSucceeded();
        return (emulator, client);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_filtered_records_arrive_as_one_csv_with_internal_names_whether_hubspot_zips_the_file_or_not(bool zipped)
    {
        var (emulator, client) = await PortalAsync(zipped);
        await using var _ = emulator;
        using var output = new MemoryStream();

        var result = await new ExportsApiExporter(client, TimeSpan.FromMilliseconds(20)).ExportAsync("contacts", output,
            new ExportOptions { Properties = ["email", "firstname", "lifecyclestage"], Filters = ["lifecyclestage=customer"] });

        Assert.Equal(output.Length, result.Bytes);
        output.Position = 0;
        using var reader = new CsvReader(new StreamReader(output), CultureInfo.InvariantCulture);
        var rows = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(10, rows.Count);
        Assert.All(rows, r => Assert.Equal("customer", r["lifecyclestage"]));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"p{i}@example.com").Order(StringComparer.Ordinal),
            rows.Select(r => (string)r["email"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Options_hubspots_export_cannot_carry_are_refused_before_any_export_is_started()
    {
        var (emulator, client) = await PortalAsync(zipped: false);
        await using var _ = emulator;
        var exporter = new ExportsApiExporter(client);

        var jsonl = await Assert.ThrowsAsync<FormatException>(() => exporter.ExportAsync("contacts", Stream.Null, new ExportOptions { Format = ExportFormat.Jsonl }));
        var archived = await Assert.ThrowsAsync<FormatException>(() => exporter.ExportAsync("contacts", Stream.Null, new ExportOptions { Archived = true }));

        Assert.Contains("--format csv", jsonl.Message, StringComparison.Ordinal);
        Assert.Contains("archived", archived.Message, StringComparison.Ordinal);
    }
}
