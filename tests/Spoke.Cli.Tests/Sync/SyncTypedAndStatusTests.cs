using Dapper;
using Microsoft.Data.Sqlite;

namespace Spoke.Cli.Tests.Sync;

/// <summary>`spoke sync --typed` (and its configuration form) and `spoke sync status`, as a user runs them.</summary>
public sealed class SyncTypedAndStatusTests : IDisposable
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-typed-").FullName;

    private string File => Path.Combine(_directory, "mirror.db");

    private string Database => "sqlite:" + File;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_bad_typed_column_is_bad_input_naming_where_it_came_from_and_what_to_write()
    {
        await using (var flag = SpokeProcess.Start("sync", "--database", Database, "--typed", "deals.amount"))
        {
            Assert.Equal(2, await flag.WaitForExitAsync(Exit));
            Assert.Contains("--typed: 'deals.amount' is not a typed column: write TYPE.PROPERTY:KIND, e.g. deals.amount:number, where KIND is number, datetime, bool or text.", flag.Errors);
        }

        await using var configured = SpokeProcess.StartInShell("true", new Dictionary<string, string> { ["HubSpotSync__TypedColumns__0"] = "deals.amount:money" },
            "sync", "--database", Database);
        Assert.Equal(2, await configured.WaitForExitAsync(Exit));
        Assert.Contains("HubSpotSync__TypedColumns__0: 'deals.amount:money': the kind 'money' is not one of number, datetime, bool, text", configured.Errors);
        Assert.False(System.IO.File.Exists(File), "nothing was synced");
    }

    [Fact]
    public async Task Typed_columns_from_the_flag_and_from_configuration_hold_the_parsed_values()
    {
        await using (var sync = SpokeProcess.StartInShell("true", new Dictionary<string, string> { ["HubSpotSync__TypedColumns__0"] = "deals.createdate:datetime" },
            "sync", "--database", Database, "--seed-size", "20", "--objects", "deals", "--typed", "deals.amount:number"))
        {
            Assert.Equal(0, await sync.WaitForExitAsync(Exit));
        }

        await using var connection = new SqliteConnection($"Data Source={File}");
        var rows = (await connection.QueryAsync<(string? Amount, double? Typed, string? Created, string? CreatedTyped)>(
            "SELECT json_extract(properties, '$.amount'), p_amount, json_extract(properties, '$.createdate'), p_createdate FROM obj_deals")).ToList();
        Assert.Equal(10, rows.Count);
        Assert.Contains(rows, r => r.Amount is not null);
        foreach (var row in rows)
        {
            Assert.Equal(row.Amount is null ? null : double.Parse(row.Amount, System.Globalization.CultureInfo.InvariantCulture), row.Typed);
            Assert.NotNull(row.CreatedTyped);
            Assert.Equal(DateTimeOffset.Parse(row.Created!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(row.CreatedTyped!, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Status_shows_incremental_failed_with_the_reason_and_never_synced_types_with_their_last_run()
    {
        await using (var sync = SpokeProcess.Start("sync", "--database", Database, "--seed-size", "10", "--objects", "contacts,nosuchtype"))
        {
            Assert.Equal(1, await sync.WaitForExitAsync(Exit));
        }

        await using var status = SpokeProcess.Start("sync", "status", "--database", Database, "--objects", "tickets");
        Assert.Equal(0, await status.WaitForExitAsync(Exit));
        Assert.Matches(@"contacts\s*│\s*incremental\s*│\s*10\s*│\s*0\s*│\s*changes since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s*│\s*\S+ \S+ backfill \+10 records, \d+ calls", status.Output);
        Assert.Matches(@"nosuchtype\s*│\s*failed: Unable to infer object type from: nosuchtype\s*│\s*0\s*│\s*0\s*│\s*│\s*\S+ \S+ \+0 records, 1 call\s", status.Output);
        Assert.Matches(@"tickets\s*│\s*never synced\s*│\s*0\b", status.Output);
        Assert.Contains("failed, started", status.Output);
    }
}
