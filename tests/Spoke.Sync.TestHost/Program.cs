// A writer process for the store's crash test: `--batches N --size M --portal P`, the database from SPOKE_SYNC_DATABASE
// (a --database string; kept out of argv). It resumes after the batch its checkpoint names and, per batch k, upserts M
// contacts (ids k*M .. k*M+M-1, property "batch" = k), replaces their company edges, saves the checkpoint {"batch":k}
// and commits: all in one transaction. Only after CommitAsync returns it prints "committed k".
using System.Globalization;
using System.Text.Json;
using Spoke.Sync.Store;

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var batches = int.Parse(Arg("--batches") ?? "50", CultureInfo.InvariantCulture);
var size = int.Parse(Arg("--size") ?? "200", CultureInfo.InvariantCulture);
var portal = long.Parse(Arg("--portal") ?? "1", CultureInfo.InvariantCulture);
var database = Environment.GetEnvironmentVariable("SPOKE_SYNC_DATABASE") ?? throw new ArgumentException("set SPOKE_SYNC_DATABASE");

await using var store = await SyncDatabase.Parse(database).OpenAsync();
var checkpoint = await store.GetCheckpointAsync(portal, "contacts", "backfill");
var next = checkpoint is null ? 0 : JsonDocument.Parse(checkpoint).RootElement.GetProperty("batch").GetInt32() + 1;
Console.WriteLine($"resuming at {next}");
var started = DateTimeOffset.UnixEpoch.AddDays(20_000);
for (var k = next; k < batches; k++)
{
    await using var batch = await store.BeginAsync(portal);
    var records = new List<SyncRecord>(size);
    var edges = new List<SyncAssociation>(size);
    for (var i = 0; i < size; i++)
    {
        var id = ((k * size) + i).ToString(CultureInfo.InvariantCulture);
        records.Add(new SyncRecord(id, new Dictionary<string, string?>
        {
            ["batch"] = k.ToString(CultureInfo.InvariantCulture),
            ["email"] = $"c{id}@example.com",
            ["firstname"] = "Contact " + id,
        }, started.AddMinutes(k), started.AddMinutes(k).AddSeconds(i)));
        edges.Add(new SyncAssociation("contacts", id, "companies", k.ToString(CultureInfo.InvariantCulture), 1, "HUBSPOT_DEFINED"));
    }

    await batch.UpsertAsync("contacts", records);
    await batch.ReplaceAssociationsAsync("contacts", [.. records.Select(r => r.Id)], "companies", edges);
    await batch.SaveCheckpointAsync("contacts", "backfill", $"{{\"batch\":{k}}}");
    await batch.CommitAsync();
    Console.WriteLine($"committed {k}");
}

Console.WriteLine("done");
