using Microsoft.Data.Sqlite;
using Spoke.Crm;
using Spoke.DataTools.Import;
using Spoke.DataTools.Journal;
using Spoke.Emulator;

namespace Spoke.DataTools.Tests.Import;

/// <summary>An in-process emulator, a client on it, a scratch directory and an import journal in it.</summary>
public sealed class ImportPortal : IAsyncLifetime
{
    public HubSpotEmulator Emulator { get; private set; } = null!;

    public HubSpotClient Client { get; private set; } = null!;

    public ImportJournal Journal { get; private set; } = null!;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("spoke-import-").FullName;

    public async Task InitializeAsync()
    {
        Emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        Client = NewClient();
        Journal = await ImportJournal.OpenAsync(Path.Combine(Directory, "imports.db"));
    }

    public HubSpotClient NewClient(int maxRetries = 5) => new(new HubSpotClientOptions
    {
        BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token, MaxRetries = maxRetries, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    });

    public async Task DisposeAsync()
    {
        await Journal.DisposeAsync();
        await Emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>A plan over in-memory rows (what the planner would produce), for a file in the scratch directory.</summary>
    public ImportPlan Plan(string objectType, string? upsertBy, IReadOnlyList<string> header, IReadOnlyList<PreparedRow> rows, string? sha = null) =>
        new(objectType, upsertBy, header, Path.Combine(Directory, objectType + ".csv"), sha ?? Guid.NewGuid().ToString("N"), [],
            ct => rows.ToAsyncEnumerable());

    /// <summary>A valid row whose fields are the header's properties (empty fields are not written).</summary>
    public static PreparedRow Row(long line, IReadOnlyList<string> header, params string[] fields)
    {
        var bag = new PropertyBag();
        for (var i = 0; i < header.Count; i++)
        {
            if (fields[i].Length > 0)
            {
                bag[header[i]] = fields[i];
            }
        }

        return new PreparedRow { LineNumber = line, SourceFields = fields, Properties = bag, UpsertKey = bag.GetString("email") };
    }

    public async Task<List<CrmObject>> AllAsync(string objectType, params string[] properties) =>
        await Client.Crm.Objects(objectType).ListAsync(new CrmReadOptions { Properties = properties }).ToListAsync();
}
