using Microsoft.Data.Sqlite;
using Spoke.Crm;
using Spoke.Emulator;

namespace Spoke.Cli.Tests.Import;

/// <summary><c>spoke import</c> and its subcommands, run as a real process against an in-process emulator.</summary>
public sealed class ImportCommandTests : IAsyncLifetime
{
    private const string Map = """
        { "upsertBy": "email", "columns": [
          { "source": "Email", "property": "email", "transforms": ["trim", "lower"], "required": true },
          { "source": "First Name", "property": "firstname" } ] }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-import-cli-").FullName;
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    private string Journal => Path.Combine(_directory, "imports.db");

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
        await File.WriteAllTextAsync(Path.Combine(_directory, "people.map.json"), Map);
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string Csv(string name, int valid, bool withBad)
    {
        var lines = new List<string> { "Email,First Name" };
        lines.AddRange(Enumerable.Range(0, valid).Select(i => $"p{i}@example.com,Name {i}"));
        if (withBad)
        {
            lines.Add("not-an-email,Bad");
            lines.Add("p1@example.com,Twice");
        }

        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        await using var spoke = SpokeProcess.Start([.. args, .. PortalArgs(args)]);
        var exit = await spoke.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exit, spoke.Output);
    }

    private string[] PortalArgs(string[] args) => args.Length > 1 && args[1] is "list" or "show"
        ? ["--journal", Journal]
        : ["--journal", Journal, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token];

    private async Task<int> ContactsAsync() => (await _client.Crm.Contacts.ListAsync().ToListAsync()).Count;

    [Fact]
    public async Task An_import_of_valid_rows_exits_0_and_says_what_it_did_and_how_to_undo_it()
    {
        var csv = Csv("people.csv", 150, withBad: false);

        var (exit, output) = await RunAsync("import", "contacts", csv, "--map", Path.Combine(_directory, "people.map.json"));

        Assert.True(exit == 0, output);
        Assert.Contains("Import 1: 150 rows, 150 created, 0 updated, 0 rejected, 0 associations", output, StringComparison.Ordinal);
        Assert.Contains("records/s", output, StringComparison.Ordinal);
        Assert.Contains($"To undo it: spoke import rollback 1 --journal {Journal}", output, StringComparison.Ordinal);
        Assert.Equal(150, await ContactsAsync());
    }

    [Fact]
    public async Task Rejected_rows_exit_1_with_the_rest_written_and_the_rejects_file_named()
    {
        var csv = Csv("people.csv", 20, withBad: true);

        var (exit, output) = await RunAsync("import", "contacts", csv, "--map", Path.Combine(_directory, "people.map.json"));

        Assert.True(exit == 1, output);
        var rejects = Path.Combine(_directory, "people.rejects.csv");
        Assert.Contains($"2 rejected (see {rejects})", output, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(rejects);
        Assert.Equal("Email,First Name,line,reasons", lines[0]);
        Assert.StartsWith("not-an-email,Bad,22,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("p1@example.com,Twice,23,", lines[2], StringComparison.Ordinal);
        Assert.Equal(20, await ContactsAsync());
    }

    [Fact]
    public async Task Bad_input_exits_2_with_what_to_fix()
    {
        var csv = Csv("people.csv", 3, withBad: false);
        var badMap = Path.Combine(_directory, "bad.map.json");
        await File.WriteAllTextAsync(badMap, """{ "columns": [ { "source": "Nope", "property": "email" } ] }""");

        var missingFile = await RunAsync("import", "contacts", Path.Combine(_directory, "missing.csv"), "--map", Path.Combine(_directory, "people.map.json"));
        var missingMap = await RunAsync("import", "contacts", csv, "--map", Path.Combine(_directory, "missing.map.json"));
        var noMap = await RunAsync("import", "contacts", csv);
        var unknownColumn = await RunAsync("import", "contacts", csv, "--map", badMap);
        var unknownImport = await RunAsync("import", "rollback", "7");

        Assert.Equal(2, missingFile.Exit);
        Assert.Contains("does not exist", missingFile.Output, StringComparison.Ordinal);
        Assert.Equal(2, missingMap.Exit);
        Assert.Contains("spoke import init", missingMap.Output, StringComparison.Ordinal);
        Assert.Equal(2, noMap.Exit);
        Assert.Contains("--map", noMap.Output, StringComparison.Ordinal);
        Assert.True(unknownColumn.Exit == 2, unknownColumn.Output);
        Assert.Contains("Nope", unknownColumn.Output, StringComparison.Ordinal);
        Assert.Equal(2, unknownImport.Exit);
        Assert.DoesNotContain("   at ", missingFile.Output + missingMap.Output + noMap.Output + unknownColumn.Output + unknownImport.Output, StringComparison.Ordinal);
        Assert.Equal(0, await ContactsAsync());
    }

    [Fact]
    public async Task A_dry_run_reports_every_rejected_row_and_reason_and_writes_nothing()
    {
        var csv = Csv("people.csv", 20, withBad: true);

        var (exit, output) = await RunAsync("import", "contacts", csv, "--map", Path.Combine(_directory, "people.map.json"), "--dry-run");

        Assert.True(exit == 1, output);
        Assert.Contains("nothing was written", output, StringComparison.Ordinal);
        Assert.Contains("Rows: 22; valid: 20; rejected: 2.", output, StringComparison.Ordinal);
        Assert.Contains("Rejected rows by reason:", output, StringComparison.Ordinal);
        Assert.Contains("line 22: ", output, StringComparison.Ordinal);
        Assert.Contains("line 23: ", output, StringComparison.Ordinal);
        Assert.Equal(0, await ContactsAsync());
        Assert.False(File.Exists(Journal), "a dry run opens no journal");
        Assert.False(File.Exists(Path.Combine(_directory, "people.rejects.csv")));
    }

    [Fact]
    public async Task List_and_show_report_each_import_and_rollback_undoes_it()
    {
        await _client.Crm.Contacts.CreateAsync(new PropertyBag { ["email"] = "p0@example.com", ["firstname"] = "Before" });
        var csv = Csv("people.csv", 5, withBad: false);
        Assert.Equal(0, (await RunAsync("import", "contacts", csv, "--map", Path.Combine(_directory, "people.map.json"))).Exit);

        var list = await RunAsync("import", "list");
        Assert.Equal(0, list.Exit);
        Assert.Matches(@"\s1\s+completed\s+contacts\s+5\s+4\s+1\s+0\s+0\s", list.Output);

        var rollback = await RunAsync("import", "rollback", "1");
        Assert.True(rollback.Exit == 0, rollback.Output);
        Assert.Contains("Rolled back import 1: 4 created records archived, 1 records restored", rollback.Output, StringComparison.Ordinal);
        var left = Assert.Single(await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["email", "firstname"] }).ToListAsync());
        Assert.Equal("Before", left.Properties.GetString("firstname"));

        var show = await RunAsync("import", "show", "1");
        Assert.Equal(0, show.Exit);
        Assert.Contains("rows:          5 (4 created, 1 updated, 0 rejected)", show.Output, StringComparison.Ordinal);
        Assert.Contains("rolled back:   yes at ", show.Output, StringComparison.Ordinal);
        Assert.Contains("Import 1 was rolled back already", (await RunAsync("import", "rollback", "1")).Output, StringComparison.Ordinal);
    }
}
