using System.Text.Json;
using Spoke.Emulator;

namespace Spoke.Cli.Tests.Export;

/// <summary>`spoke export` as a user runs it, on the embedded emulator's portal kept in a file of the test's own.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-export-cli-").FullName;

    private string EmulatorData => Path.Combine(_directory, "portal.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The live contacts' ids of the portal the CLI used, read by opening its data file in-process.</summary>
    private async Task<List<string>> ContactIdsAsync()
    {
        await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0, DataFile = EmulatorData });
        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token, ProactiveRateLimiting = false });
        var ids = new List<string>();
        await foreach (var contact in client.Crm.Contacts.ListAsync())
        {
            ids.Add(contact.Id);
        }

        return ids;
    }

    [Fact]
    public async Task It_writes_the_file_and_a_summary_of_records_time_and_rate()
    {
        var file = Path.Combine(_directory, "contacts.csv");
        await using var export = SpokeProcess.Start("export", "contacts", "--properties", "email,firstname", "--associations", "companies",
            "--out", file, "--emulator-data", EmulatorData);

        Assert.Equal(0, await export.WaitForExitAsync(Exit));
        Assert.Contains("No HubSpot credentials: using the embedded emulator's portal", export.Output);
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal("hs_object_id,email,firstname,associations.companies", lines[0]);
        var ids = await ContactIdsAsync();
        Assert.Equal(ids.Order(), lines.Skip(1).Select(l => l.Split(',')[0]).Order());
        Assert.Matches($@"Exported {ids.Count} contacts records \(2 properties\) in [\d.]+ s, [\d,]+ records/s, to {System.Text.RegularExpressions.Regex.Escape(file)}\.", export.Output);
        Assert.Contains(lines.Skip(1), l => l.Split(',')[3].Length > 0); // the demo portal's contacts have companies
        Assert.False(File.Exists(file + ".partial"));
    }

    [Fact]
    public async Task Without_out_the_records_go_to_stdout_and_everything_else_to_stderr()
    {
        await using var export = SpokeProcess.Start("export", "contacts", "--properties", "email", "--format", "jsonl", "--filter", "email~*", "--emulator-data", EmulatorData);

        Assert.Equal(0, await export.WaitForExitAsync(Exit));
        var errors = export.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        var stdout = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !errors.Contains(l)).ToList();
        Assert.Contains(errors, e => e.StartsWith("Exported ", StringComparison.Ordinal) && e.EndsWith("to stdout.", StringComparison.Ordinal));
        Assert.NotEmpty(stdout);
        foreach (var line in stdout)
        {
            using var doc = JsonDocument.Parse(line); // nothing but records on stdout
            Assert.NotNull(doc.RootElement.GetProperty("properties").GetProperty("email").GetString());
        }

        Assert.Equal((await ContactIdsAsync()).Order(), stdout.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).Order());
    }

    [Theory]
    [InlineData("--properties", "email,favourite_colour", "favourite_colour")]
    [InlineData("--filter", "amount>lots", "amount")]
    [InlineData("--filter", "createdate>=last tuesday", "ISO 8601")]
    [InlineData("--format", "xml", "xml")]
    public async Task Bad_input_exits_2_with_the_fix_and_writes_no_file(string option, string value, string named)
    {
        var file = Path.Combine(_directory, "out.csv");
        await using var export = SpokeProcess.Start("export", "contacts", option, value, "--out", file, "--emulator-data", EmulatorData);

        Assert.Equal(2, await export.WaitForExitAsync(Exit));
        Assert.Contains(named, export.Errors);
        Assert.DoesNotContain("   at ", export.Output); // no stack trace
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(file + ".partial"));
    }
}
