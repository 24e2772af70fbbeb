using Microsoft.Data.Sqlite;
using Spoke.Crm;
using Spoke.DataTools.Journal;
using Spoke.Emulator;
using Spoke.Emulator.Faults;

namespace Spoke.Cli.Tests.Import;

/// <summary>
/// <c>kill -9</c>s of a real <c>spoke import</c> creating companies without an upsert key, each at a random point while
/// it writes, then a rerun: every row's record exists exactly once with its values, and the journal has every row written.
/// </summary>
public sealed class ImportCrashTests : IAsyncLifetime
{
    private const int Rows = 4_000;
    private const string Map = """
        { "columns": [
          { "source": "Name", "property": "name", "required": true },
          { "source": "City", "property": "city" } ] }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-import-crash-").FullName;
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Kill_9s_mid_import_then_a_rerun_write_every_row_exactly_once()
    {
        const int Kills = 6;
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var csv = Path.Combine(_directory, "companies.csv");
        await File.WriteAllLinesAsync(csv, ["Name,City", .. Enumerable.Range(0, Rows).Select(i => $"Company {i},City {i % 50}")]);
        var map = Path.Combine(_directory, "companies.map.json");
        await File.WriteAllTextAsync(map, Map);
        var journal = Path.Combine(_directory, "imports.db");
        SpokeProcess Import() => SpokeProcess.Start("import", "companies", csv, "--map", map, "--journal", journal,
            "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token);

        // Slow writes: a run takes several seconds, so a kill 0–900 ms after a round's first write lands mid-import (mid-call,
        // between an answer and its journal entry, or between batches).
        var slow = _emulator.Faults.Add(new FaultRule { Route = "POST /crm/*/companies/batch/upsert", Kind = FaultKind.Latency, Latency = new LatencyDistribution { MinMs = 200, MaxMs = 600 } });
        // And a third of the writes are carried out and then held unanswered until the connection is cut: a kill then lands
        // after HubSpot wrote the batch and before the journal learnt it (the client also sends such a batch again itself).
        var unanswered = _emulator.Faults.Add(new FaultRule { Route = "POST /crm/*/companies/batch/upsert", Kind = FaultKind.Timeout, AfterExecute = true, TimeoutMs = 500, Probability = 0.3, Seed = seed });
        int Writes() => _emulator.Faults.List().Single(r => r.Rule.Id == slow.Id).Matched;
        var killed = 0;
        var finished = false;
        var outputs = new List<string>();
        for (var round = 0; round < Kills && !finished; round++)
        {
            var before = Writes();
            await using var import = Import();
            var bound = System.Diagnostics.Stopwatch.StartNew();
            while (Writes() == before && bound.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(5);
            }

            Assert.True(Writes() > before, $"round {round}: no write within 60 s; seed {seed}\n{import.Output}");
            await Task.Delay(random.Next(0, 900));
            import.Signal("KILL");
            var exit = await import.WaitForExitAsync(TimeSpan.FromSeconds(30));
            outputs.Add(import.Output);
            finished = exit == 0; // it finished before the kill landed: rerunning a finished import would import it again
            killed += finished ? 0 : 1;
        }

        if (!finished)
        {
            // The rerun's job is to finish what the kills left, in one run. With a third of the writes still cut off, a
            // batch can use up the client's retries (or trip its circuit breaker) and the run stops as designed ("run the
            // same command again to resume"), a few times in a hundred: the kills above are what this test is about.
            _emulator.Faults.Remove(unanswered.Id!);
            await using var rerun = Import();
            var exit = await rerun.WaitForExitAsync(TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, $"seed {seed}\n{rerun.Output}");
            Assert.Contains("Resuming import 1 from line ", rerun.Output, StringComparison.Ordinal);
        }

        var companies = await _client.Crm.Companies.ListAsync(new CrmReadOptions { Properties = ["name", "city"] }).ToListAsync();
        var byName = companies.GroupBy(c => c.Properties.GetString("name")!).ToDictionary(g => g.Key, g => g.ToList());
        for (var i = 0; i < Rows; i++)
        {
            Assert.True(byName.TryGetValue($"Company {i}", out var found) && found.Count == 1,
                $"Company {i}: {(found?.Count ?? 0)} records; seed {seed}");
            Assert.Equal($"City {i % 50}", found![0].Properties.GetString("city"));
        }

        Assert.Equal(Rows, companies.Count);
        await using var imports = await ImportJournal.OpenAsync(journal);
        var summary = Assert.Single(await imports.ListAsync());
        Assert.Equal(("completed", (long)Rows, (long)Rows, 0L), (summary.State, summary.Rows, summary.Created, summary.Pending));
        Assert.True(killed >= 3, $"only {killed} kills landed mid-import; seed {seed}");
    }

    [Fact]
    public async Task Ctrl_C_stops_an_import_with_exit_130_and_the_same_command_resumes_it()
    {
        var csv = Path.Combine(_directory, "stop.csv");
        await File.WriteAllLinesAsync(csv, ["Name,City", .. Enumerable.Range(0, 4_000).Select(i => $"Stopped {i},Bergen")]);
        var map = Path.Combine(_directory, "companies.map.json");
        await File.WriteAllTextAsync(map, Map);
        var journal = Path.Combine(_directory, "stop.db");
        SpokeProcess Import() => SpokeProcess.Start("import", "companies", csv, "--map", map, "--journal", journal,
            "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token);
        var slow = _emulator.Faults.Add(new FaultRule { Route = "POST /crm/*/companies/batch/upsert", Kind = FaultKind.Latency, LatencyMs = 300 });

        await using (var first = Import())
        {
            await first.WaitForAsync("Import 1: ", TimeSpan.FromSeconds(60));
            first.Signal("INT");
            Assert.Equal(130, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("run the same command again to resume it", first.Errors, StringComparison.Ordinal);
        }

        _emulator.Faults.Remove(slow.Id!);
        await using var rerun = Import();
        Assert.Equal(0, await rerun.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("Resuming import 1 from line ", rerun.Output, StringComparison.Ordinal);
        var companies = await _client.Crm.Companies.ListAsync(new CrmReadOptions { Properties = ["name"] }).ToListAsync();
        Assert.Equal(4_000, companies.Count);
        Assert.Equal(4_000, companies.Select(c => c.Properties.GetString("name")).Distinct().Count());
    }
}
