using Spoke.DataTools.Import;
using Spoke.DataTools.Mapping;
using Spoke.Emulator;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary>An in-process emulator, a client on it, and a temporary folder for the test's CSV and map files.</summary>
public abstract class PortalTestBase : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "spoke-mapping-" + Guid.NewGuid().ToString("N"));

    protected HubSpotEmulator Emulator { get; private set; } = null!;

    protected HubSpotClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        Client = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token });
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Writes a file in the test's folder and returns its path.</summary>
    protected string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A map from JSON text.</summary>
    protected static ImportMap Map(string json) => ImportMap.Parse(json, "test.map.json");

    /// <summary>Plans <paramref name="csv"/> with <paramref name="mapJson"/> for contacts and reads every row.</summary>
    protected async Task<List<PreparedRow>> PrepareRowsAsync(string mapJson, string csv, string objectType = "contacts", ImportPlanOptions? options = null)
    {
        var plan = await ImportPlanner.PrepareAsync(Client, Map(mapJson), objectType, WriteFile("data.csv", csv), options);
        var rows = new List<PreparedRow>();
        await foreach (var row in plan.ReadRowsAsync())
        {
            rows.Add(row);
        }

        return rows;
    }
}
