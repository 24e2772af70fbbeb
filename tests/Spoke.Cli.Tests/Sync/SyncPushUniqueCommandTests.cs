using Dapper;
using Microsoft.Data.Sqlite;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Properties;

namespace Spoke.Cli.Tests.Sync;

/// <summary>
/// <c>spoke sync --push --unique TYPE=PROPERTY</c>: a local create of a type without a default unique property (the
/// demo portal's <c>projects</c> custom object) is matched by the one named, so it reaches HubSpot once, however often
/// it is pushed; without it the create is refused with the reason.
/// </summary>
public sealed class SyncPushUniqueCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-unique-").FullName;
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;
    private string _type = null!;

    private string File => Path.Combine(_directory, "mirror.db");

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Seed = SeedKind.Demo, SeedSize = 20, RateLimits = RateLimitTier.Off });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
        // HubSpot names a custom object by its object type id (2-…) or fully qualified name; the engine uses the id.
        _type = await _client.Schemas.ListAsync().Where(s => s.Name == "projects").Select(s => s.ObjectTypeId).SingleAsync();
        await _client.Properties.CreateAsync(_type, new PropertyCreate
        {
            Name = "project_code", Label = "Project code", Type = PropertyType.String, FieldType = PropertyFieldType.Text, GroupName = "projects_information", HasUniqueValue = true,
        });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SpokeProcess Spoke(params string[] args) =>
        SpokeProcess.Start([.. args, "--objects", _type, "--database", "sqlite:" + File, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token]);

    private async Task CreateLocallyAsync(string id, string code)
    {
        await using var connection = new SqliteConnection($"Data Source={File}");
        var table = await connection.ExecuteScalarAsync<string>("SELECT table_name FROM sync_object_types WHERE object_type = @_type", new { _type });
        await connection.ExecuteAsync($"INSERT INTO {table} (portal_id, id, properties) VALUES (@portal, @id, json_object('project_name', @name, 'project_code', @code))",
            new { portal = _emulator.PortalId, id, name = "Made locally " + code, code });
    }

    private async Task<int> InPortalAsync(string code) =>
        await _client.Crm.Objects(_type).ListAsync(new CrmReadOptions { Properties = ["project_code"] }).CountAsync(p => p.Properties.GetValueOrDefault("project_code") == code);

    [Fact]
    public async Task A_local_create_is_matched_by_the_unique_property_named_and_never_duplicated()
    {
        await using (var first = Spoke("sync"))
        {
            Assert.True(await first.WaitForExitAsync(Exit) == 0, first.Output + first.Errors);
        }

        // Without --unique, projects have no property to match a create by: refused, with what to do.
        await CreateLocallyAsync("local-1", "PRJ-1");
        await using (var refused = Spoke("sync", "--push"))
        {
            Assert.Equal(1, await refused.WaitForExitAsync(Exit));
            Assert.Contains("1 rejected", refused.Output);
        }

        await using (var status = SpokeProcess.Start("sync", "status", "--database", "sqlite:" + File))
        {
            Assert.Equal(0, await status.WaitForExitAsync(Exit));
            Assert.Contains($"no unique property is configured for {_type} creates", status.Output);
        }

        Assert.Equal(0, await InPortalAsync("PRJ-1"));

        await CreateLocallyAsync("local-2", "PRJ-2");
        for (var run = 0; run < 2; run++)
        {
            await using var pushed = Spoke("sync", "--push", "--unique", _type + "=project_code");
            Assert.Equal(0, await pushed.WaitForExitAsync(Exit)); // the earlier refusal is not sent again, nor counted again
            Assert.Contains(run == 0 ? "Pushed 1 local change to HubSpot" : "Pushed 0 local changes to HubSpot", pushed.Output);
        }

        Assert.Equal(1, await InPortalAsync("PRJ-2"));
        await using var connection = new SqliteConnection($"Data Source={File}");
        var table = await connection.ExecuteScalarAsync<string>("SELECT table_name FROM sync_object_types WHERE object_type = @_type", new { _type });
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE id = 'local-2'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE json_extract(properties, '$.project_code') = 'PRJ-2'"));
    }

    [Theory]
    [InlineData("projects")]
    [InlineData("=project_code")]
    [InlineData("projects=a,b")]
    public async Task A_bad_unique_entry_is_bad_input_saying_what_to_write(string entry)
    {
        await using var sync = SpokeProcess.Start("sync", "--push", "--unique", entry, "--database", "sqlite:" + File);
        Assert.Equal(2, await sync.WaitForExitAsync(Exit));
        Assert.Contains($"--unique \"{entry}\": write TYPE=PROPERTY", sync.Errors);
    }
}
