using System.Globalization;
using System.Text;
using Spoke.Crm;
using Spoke.DataTools.Export;
using Spoke.DataTools.Mapping;
using Spoke.Emulator;

namespace Spoke.DataTools.Tests.Export;

/// <summary>An exported CSV goes back in with a map whose columns name the properties: the same values land in another portal.</summary>
public sealed class ExportRoundTripTests : IAsyncLifetime
{
    private static readonly string[] Properties = ["email", "firstname", "lastname", "lifecyclestage", "annualrevenue"];
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-roundtrip-").FullName;
    private HubSpotEmulator _source = null!;
    private HubSpotEmulator _target = null!;

    public async Task InitializeAsync()
    {
        _source = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        _target = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static HubSpotClient Client(HubSpotEmulator emulator) =>
        new(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token, ProactiveRateLimiting = false });

    private static async Task<string> ExportAsync(HubSpotClient client, string path)
    {
        await using (var file = File.Create(path))
        {
            await new RecordExporter(client).ExportAsync("contacts", file, new ExportOptions { Properties = Properties });
        }

        return path;
    }

    private static HashSet<string> WithoutIds(string csv) =>
        [.. File.ReadAllText(csv).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line[(line.IndexOf(',', StringComparison.Ordinal) + 1)..])];

    [Fact]
    public async Task An_exported_csv_imports_back_with_a_map_of_its_column_names()
    {
        var source = Client(_source);
        (await source.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 30).Select(i => new PropertyBag()
            .Set("email", $"round{i}@trip.example.com")
            .Set("firstname", i == 7 ? "Quote \"and\", comma\nnew line" : $"First {i}")
            .Set("lastname", i % 3 == 0 ? null : $"Last {i}")
            .Set("lifecyclestage", i % 2 == 0 ? "customer" : "lead")
            .Set("annualrevenue", 1000.5m * i)))).EnsureAllSucceeded();
        var exported = await ExportAsync(source, Path.Combine(_directory, "source.csv"));

        // The map a user writes for an exported file: each column is the property of its own name; the id is not imported.
        var map = new StringBuilder("""{ "upsertBy": "email", "columns": [ { "source": "hs_object_id", "property": null }""");
        foreach (var property in Properties)
        {
            map.Append(CultureInfo.InvariantCulture, $$""", { "source": "{{property}}", "property": "{{property}}" }""");
        }

        await File.WriteAllTextAsync(Path.Combine(_directory, "export.map.json"), map.Append("] }").ToString());
        var target = Client(_target);
        var plan = await ImportPlanner.PrepareAsync(target, await ImportMap.LoadAsync(Path.Combine(_directory, "export.map.json")), "contacts", exported);
        var rows = new List<(string Id, PropertyBag Properties)>();
        await foreach (var row in plan.ReadRowsAsync())
        {
            Assert.True(row.IsValid, $"line {row.LineNumber}: {string.Join("; ", row.Problems)}");
            rows.Add((row.UpsertKey!, row.Properties));
        }

        // Written as the importer writes a plan (batch upsert by the map's key).
        (await target.Crm.Contacts.BatchUpsertAsync("email", rows)).EnsureAllSucceeded();
        var reexported = await ExportAsync(target, Path.Combine(_directory, "target.csv"));

        Assert.Equal(30, rows.Count);
        Assert.Equal(WithoutIds(exported), WithoutIds(reexported));
    }
}
