using Spoke.DataTools.Import;
using Spoke.DataTools.Mapping;
using Spoke.Emulator;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary>One in-process emulator per test class: the planner only reads property definitions, so tests can share it.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public HubSpotEmulator Emulator { get; private set; } = null!;

    public HubSpotClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        Client = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token });
    }

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}

/// <summary>A client on the class's emulator, and a temporary folder for the test's CSV and map files.</summary>
public abstract class PortalTestBase(PortalFixture portal) : IClassFixture<PortalFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-mapping-").FullName;

    protected HubSpotClient Client => portal.Client;

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
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

    /// <summary>Plans <paramref name="csv"/> with <paramref name="mapJson"/> and reads every row.</summary>
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
