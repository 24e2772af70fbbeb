using System.Diagnostics;
using System.Globalization;
using Spoke;
using Spoke.Crm;
using Spoke.DataTools.Export;
using Spoke.Emulator;

// Export of N contacts (default 100,000) from an in-process emulator to a CSV file: records/s and memory. The managed
// heap is sampled after a full collection every 10,000 records; "growth" is the largest sample minus the first, which
// stays flat when the export streams. Usage: dotnet run -c Release --project bench/Spoke.Export.Bench -- [--contacts N]
var contacts = args.Length == 2 && args[0] == "--contacts" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token, ProactiveRateLimiting = false });
var seeding = Stopwatch.StartNew();
for (var start = 0; start < contacts; start += 10_000)
{
    var chunk = Enumerable.Range(start, Math.Min(10_000, contacts - start)).Select(i => new PropertyBag()
        .Set("email", $"c{i}@bench.example.com").Set("firstname", $"First {i}").Set("lastname", $"Last {i}")
        .Set("lifecyclestage", i % 4 == 0 ? "customer" : "lead").Set("annualrevenue", i * 10m));
    (await client.Crm.Contacts.BatchCreateAsync(chunk)).EnsureAllSucceeded();
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {contacts:N0} contacts in {seeding.Elapsed.TotalSeconds:0.0} s"));
var samples = new List<long>();
var next = 10_000L;
var path = Path.Combine(Path.GetTempPath(), $"spoke-export-bench-{Environment.ProcessId}.csv");
try
{
    foreach (var (label, filters) in new[] { ("list API, no filter", Array.Empty<string>()), ("search API, lifecyclestage=customer", ["lifecyclestage=customer"]) })
    {
        samples.Clear();
        next = 10_000;
        var progress = new Sampler(value =>
        {
            if (value.Records >= next)
            {
                next += 10_000;
                samples.Add(GC.GetTotalMemory(forceFullCollection: true));
            }
        });
        ExportResult result;
        await using (var file = File.Create(path))
        {
            result = await new RecordExporter(client).ExportAsync("contacts", file, new ExportOptions
            {
                Properties = ["email", "firstname", "lastname", "lifecyclestage", "annualrevenue"], Filters = filters, Progress = progress,
            });
        }

        var growth = samples.Count > 1 ? samples.Max() - samples[0] : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {result.Records:N0} records in {result.Elapsed.TotalSeconds:0.0} s = {result.RecordsPerSecond:N0} records/s, file {new FileInfo(path).Length / 1048576.0:0.0} MiB, heap after GC first {samples.FirstOrDefault() / 1048576.0:0.0} MiB, growth {growth / 1048576.0:0.0} MiB over {samples.Count} samples"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set (emulator with {contacts:N0} contacts in the same process) {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB"));
}
finally
{
    File.Delete(path);
}

internal sealed class Sampler(Action<ExportProgress> report) : IProgress<ExportProgress>
{
    public void Report(ExportProgress value) => report(value);
}
