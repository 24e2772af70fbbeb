using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Spoke.Crm;
using Spoke.Emulator;

namespace Spoke.Cli.Tests.Sync;

/// <summary><c>spoke sync --conflict</c>, <c>spoke sync conflicts</c> and <c>… resolve</c> as a user runs them, against an in-process emulator.</summary>
public sealed class SyncConflictsCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-conflicts-").FullName;
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    private string File => Path.Combine(_directory, "mirror.db");

    private string Database => "sqlite:" + File;

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Seed = SeedKind.Demo, SeedSize = 10, RateLimits = RateLimitTier.Off });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SpokeProcess Spoke(params string[] args) =>
        SpokeProcess.Start([.. args, "--database", Database, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token]);

    private string Portal => _emulator.PortalId.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("sideways")]
    [InlineData("contacts=sideways")]
    [InlineData("=manual")]
    public async Task A_bad_conflict_policy_is_bad_input_listing_the_policies(string entry)
    {
        await using var sync = SpokeProcess.Start("sync", "--conflict", entry, "--database", Database);

        Assert.Equal(2, await sync.WaitForExitAsync(Exit));
        Assert.Contains($"--conflict \"{entry}\"", sync.Errors);
        Assert.Contains(entry.StartsWith('=') ? "names no object type" : "last-writer-wins, hubspot-wins, local-wins, prefer-non-empty, manual", sync.Errors);
    }

    [Fact]
    public async Task A_manual_conflict_is_listed_held_and_pushed_once_resolved_with_the_local_side()
    {
        await using (var first = Spoke("sync", "--objects", "contacts", "--conflict", "contacts.firstname=manual"))
        {
            Assert.Equal(0, await first.WaitForExitAsync(Exit));
        }

        string id;
        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            id = await connection.ExecuteScalarAsync<string>("SELECT id FROM obj_contacts WHERE NOT archived AND merged_into IS NULL ORDER BY id LIMIT 1") ?? throw new InvalidOperationException("no contact");
            await connection.ExecuteAsync("UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', 'Local') WHERE id = @id", new { id });
        }

        await _client.Crm.Contacts.UpdateAsync(id, new PropertyBag().Set("firstname", "Remote"));
        await using (var sync = Spoke("sync", "--push", "--objects", "contacts", "--conflict", "contacts.firstname=manual"))
        {
            Assert.Equal(0, await sync.WaitForExitAsync(Exit));
        }

        // Held: the push before the sync had nothing to send, the sync found the conflict and kept the local value.
        Assert.Equal("Remote", await RemoteFirstNameAsync(id));
        await using (var status = SpokeProcess.Start("sync", "status", "--database", Database, "--portal-id", Portal))
        {
            Assert.Equal(0, await status.WaitForExitAsync(Exit));
            Assert.Contains("open conflicts: 1", status.Output);
            Assert.Contains("spoke sync conflicts", status.Output);
        }

        long conflictId;
        await using (var list = SpokeProcess.Start("sync", "conflicts", "--database", Database, "--portal-id", Portal))
        {
            Assert.Equal(0, await list.WaitForExitAsync(Exit));
            var match = System.Text.RegularExpressions.Regex.Match(list.Output, $@"#(\d+) contacts {id} firstname \(open, manual\): local ""Local"" \([^)]+\) vs HubSpot ""Remote""");
            Assert.True(match.Success, list.Output);
            conflictId = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        foreach (var bad in new[] { new[] { "--take", "sideways", conflictId.ToString(CultureInfo.InvariantCulture) }, ["--all", "--value", "X"], ["--take", "local"], ["--take", "local", "999"] })
        {
            await using var refused = SpokeProcess.Start(["sync", "conflicts", "resolve", .. bad, "--database", Database, "--portal-id", Portal]);
            Assert.Equal(2, await refused.WaitForExitAsync(Exit));
            Assert.NotEqual("", refused.Errors.Trim());
        }

        await using (var resolve = SpokeProcess.Start("sync", "conflicts", "resolve", conflictId.ToString(CultureInfo.InvariantCulture), "--take", "local", "--database", Database, "--portal-id", Portal))
        {
            Assert.Equal(0, await resolve.WaitForExitAsync(Exit));
            Assert.Contains($"Resolved #{conflictId} contacts {id} firstname: local value kept. Run `spoke sync --push` to send it.", resolve.Output);
        }

        await using (var push = Spoke("sync", "--push", "--objects", "contacts", "--conflict", "contacts.firstname=manual"))
        {
            Assert.Equal(0, await push.WaitForExitAsync(Exit));
            Assert.Contains("Pushed 1 local change to HubSpot.", push.Output);
        }

        Assert.Equal("Local", await RemoteFirstNameAsync(id));
        await using var after = SpokeProcess.Start("sync", "conflicts", "--database", Database, "--portal-id", Portal);
        Assert.Equal(0, await after.WaitForExitAsync(Exit));
        Assert.Contains("no open conflicts", after.Output);
    }

    private async Task<string?> RemoteFirstNameAsync(string id) =>
        (await _client.Crm.Contacts.GetAsync(id, new CrmReadOptions { Properties = ["firstname"] })).Properties.GetString("firstname");
}
