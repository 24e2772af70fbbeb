using Dapper;
using Microsoft.Data.Sqlite;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;

namespace Spoke.Cli.Tests.Sync;

/// <summary>
/// <c>kill -9</c> of a real <c>spoke sync --push</c> at random points while it pushes local updates, creates and
/// deletes, then a rerun: every change is applied exactly once (one record per created email), none is left pending,
/// and the mirror equals the portal.
/// </summary>
public sealed class SyncPushCrashTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-push-crash-").FullName;
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    private string DatabaseFile => Path.Combine(_directory, "mirror.db");

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Seed = SeedKind.Demo, SeedSize = 400, RateLimits = RateLimitTier.Off });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SpokeProcess StartSync(bool push) => push
        ? SpokeProcess.Start("sync", "--push", "--database", "sqlite:" + DatabaseFile, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token, "--objects", "contacts")
        : SpokeProcess.Start("sync", "--database", "sqlite:" + DatabaseFile, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token, "--objects", "contacts");

    [Fact]
    public async Task Kill_9s_of_a_pushing_sync_then_a_rerun_apply_every_local_change_exactly_once()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using (var first = StartSync(push: false))
        {
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }

        List<string> ids;
        await using (var connection = new SqliteConnection($"Data Source={DatabaseFile}"))
        {
            ids = [.. await connection.QueryAsync<string>("SELECT id FROM obj_contacts WHERE NOT archived AND merged_into IS NULL ORDER BY id")];
            Assert.True(ids.Count >= 340, $"{ids.Count} contacts mirrored");
            foreach (var (id, i) in ids.Take(300).Select((id, i) => (id, i)))
            {
                await connection.ExecuteAsync("UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', @name) WHERE id = @id", new { id, name = $"Local {i}" });
            }

            for (var i = 0; i < 120; i++)
            {
                await connection.ExecuteAsync("INSERT INTO obj_contacts (portal_id, id, properties) VALUES (@portal, @id, json_object('email', @email, 'firstname', 'Made locally'))",
                    new { portal = _emulator.PortalId, id = $"new-{i}", email = $"local-{i}@example.com" });
            }

            await connection.ExecuteAsync($"DELETE FROM obj_contacts WHERE id IN ({string.Join(", ", ids.Skip(300).Take(30).Select(id => $"'{id}'"))})");
        }

        // Slow writes, so kills land between calls and between an answer and its commit.
        _emulator.Faults.Add(new FaultRule { Route = "POST /crm/objects/*/contacts/batch/*", Kind = FaultKind.Latency, Latency = new LatencyDistribution { MinMs = 50, MaxMs = 400 } });
        var killed = 0;
        for (var round = 0; round < 8; round++)
        {
            await using var push = StartSync(push: true);
            try
            {
                await push.WaitForExitAsync(TimeSpan.FromMilliseconds(random.Next(600, 2_500)));
            }
            catch (TimeoutException)
            {
                push.Signal("KILL");
                await push.WaitForExitAsync(TimeSpan.FromSeconds(30));
                killed++;
            }
        }

        await using (var rerun = StartSync(push: true))
        {
            Assert.Equal(0, await rerun.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }

        var portal = await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["email", "firstname"] }).ToListAsync();
        var byId = portal.ToDictionary(c => c.Id);
        for (var i = 0; i < 300; i++)
        {
            Assert.True(byId.TryGetValue(ids[i], out var contact) && contact.Properties.GetString("firstname") == $"Local {i}", $"update of {ids[i]} not applied; seed {seed}");
        }

        for (var i = 0; i < 120; i++)
        {
            var email = $"local-{i}@example.com";
            Assert.True(portal.Count(c => c.Properties.GetString("email") == email) == 1, $"{email}: {portal.Count(c => c.Properties.GetString("email") == email)} records; seed {seed}");
        }

        Assert.DoesNotContain(portal, c => ids.Skip(300).Take(30).Contains(c.Id));
        await using var store = await SqliteSyncStore.OpenAsync(DatabaseFile);
        Assert.Equal(new SyncOutboxCounts(0, 300 + 120 + 30, 0), await SyncOutbox.CountAsync(store, _emulator.PortalId));
        Assert.Empty(await store.GetRecordsAsync(_emulator.PortalId, "contacts", [.. Enumerable.Range(0, 120).Select(i => $"new-{i}")]));
        await MirrorAssert.EqualToPortalAsync(_client, store, _emulator.PortalId, ["contacts"]);
        Assert.True(killed > 0, $"no push was killed; seed {seed}");
    }
}
