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
/// 20 <c>kill -9</c>s of a real <c>spoke sync --push</c>, each at a random point while it pushes local updates, creates
/// and deletes (new ones before every round, on top of what earlier rounds left pending), then a rerun: every change is applied exactly once (one record per created email), none is left pending,
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
        const int Rounds = 20, UpdatesPerRound = 150, CreatesPerRound = 8, DeletesPerRound = 2;
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
        }

        Assert.True(ids.Count >= 300 + Rounds * DeletesPerRound, $"{ids.Count} contacts mirrored");
        var expected = new Dictionary<string, string>();
        var deleted = ids.Skip(300).Take(Rounds * DeletesPerRound).ToList();

        // Slow writes (each push of a round makes at least 4 of them, ≥ 600 ms together), so a kill 0–550 ms after the
        // round's first write lands while it pushes: mid-call, between an answer and its commit, or between calls.
        var slow = _emulator.Faults.Add(new FaultRule { Route = "POST /crm/objects/*/contacts/batch/*", Kind = FaultKind.Latency, Latency = new LatencyDistribution { MinMs = 150, MaxMs = 400 } });
        int Writes() => _emulator.Faults.List().Single(r => r.Rule.Id == slow.Id).Matched;
        var killed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Every round has its own changes, so every kill interrupts a push with work left (and earlier rounds' leftovers).
            await using (var connection = new SqliteConnection($"Data Source={DatabaseFile}"))
            {
                foreach (var id in Enumerable.Range(0, UpdatesPerRound).Select(j => ids[(round * UpdatesPerRound + j) % 300]))
                {
                    expected[id] = $"Local {round}";
                    await connection.ExecuteAsync("UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', @name) WHERE id = @id", new { id, name = expected[id] });
                }

                for (var k = 0; k < CreatesPerRound; k++)
                {
                    await connection.ExecuteAsync("INSERT INTO obj_contacts (portal_id, id, properties) VALUES (@portal, @id, json_object('email', @email, 'firstname', 'Made locally'))",
                        new { portal = _emulator.PortalId, id = $"new-{round}-{k}", email = $"local-{round}-{k}@example.com" });
                }

                await connection.ExecuteAsync($"DELETE FROM obj_contacts WHERE id IN ({string.Join(", ", deleted.Skip(round * DeletesPerRound).Take(DeletesPerRound).Select(id => $"'{id}'"))})");
            }

            var before = Writes();
            await using var push = StartSync(push: true);
            var bound = System.Diagnostics.Stopwatch.StartNew();
            while (Writes() == before && bound.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(5);
            }

            Assert.True(Writes() > before, $"round {round}: no push call within 60 s; seed {seed}\n{push.Output}");
            await Task.Delay(random.Next(0, 550));
            push.Signal("KILL");
            await push.WaitForExitAsync(TimeSpan.FromSeconds(30));
            killed++;
        }

        await using (var rerun = StartSync(push: true))
        {
            Assert.Equal(0, await rerun.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }

        var portal = await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["email", "firstname"] }).ToListAsync();
        var byId = portal.ToDictionary(c => c.Id);
        foreach (var (id, name) in expected)
        {
            Assert.True(byId.TryGetValue(id, out var contact) && contact.Properties.GetString("firstname") == name, $"update of {id} to {name} not applied; seed {seed}");
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var k = 0; k < CreatesPerRound; k++)
            {
                var email = $"local-{round}-{k}@example.com";
                Assert.True(portal.Count(c => c.Properties.GetString("email") == email) == 1, $"{email}: {portal.Count(c => c.Properties.GetString("email") == email)} records; seed {seed}");
            }
        }

        Assert.DoesNotContain(portal, c => deleted.Contains(c.Id));
        await using var store = await SqliteSyncStore.OpenAsync(DatabaseFile);
        Assert.Equal(new SyncOutboxCounts(0, Rounds * (UpdatesPerRound + CreatesPerRound + DeletesPerRound), 0), await SyncOutbox.CountAsync(store, _emulator.PortalId));
        Assert.Empty(await store.GetRecordsAsync(_emulator.PortalId, "contacts", [.. Enumerable.Range(0, Rounds * CreatesPerRound).Select(i => $"new-{i / CreatesPerRound}-{i % CreatesPerRound}")]));
        await MirrorAssert.EqualToPortalAsync(_client, store, _emulator.PortalId, ["contacts"]);
        Assert.Equal(Rounds, killed);
    }

    [Fact]
    public async Task Kill_9s_of_a_watch_that_pushes_then_a_new_watch_apply_every_local_change_exactly_once()
    {
        const int Rounds = 5, Updates = 150, Creates = 8;
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using (var first = StartSync(push: false))
        {
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }

        List<string> ids;
        await using (var connection = new SqliteConnection($"Data Source={DatabaseFile}"))
        {
            ids = [.. await connection.QueryAsync<string>("SELECT id FROM obj_contacts WHERE NOT archived AND merged_into IS NULL ORDER BY id LIMIT 300")];
        }

        var slow = _emulator.Faults.Add(new FaultRule { Route = "POST /crm/objects/*/contacts/batch/*", Kind = FaultKind.Latency, Latency = new LatencyDistribution { MinMs = 150, MaxMs = 400 } });
        int Writes() => _emulator.Faults.List().Single(r => r.Rule.Id == slow.Id).Matched;
        SpokeProcess Watch() => SpokeProcess.Start("sync", "--watch", "--push", "--poll-interval", "1h", "--database", "sqlite:" + DatabaseFile,
            "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token, "--objects", "contacts");
        var expected = new Dictionary<string, string>();
        for (var round = 0; round < Rounds; round++)
        {
            await using var watch = Watch();
            await watch.WaitForAsync(" pass (", TimeSpan.FromSeconds(60));
            // Changes made while it watches: the push loop notices them within its poll interval.
            var before = Writes();
            await using (var connection = new SqliteConnection($"Data Source={DatabaseFile}"))
            {
                foreach (var id in ids.Skip(round % 2 * Updates).Take(Updates))
                {
                    expected[id] = $"Watched {round}";
                }

                await connection.ExecuteAsync("UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', @name) WHERE id IN @ids",
                    new { name = $"Watched {round}", ids = ids.Skip(round % 2 * Updates).Take(Updates).ToList() });
                for (var k = 0; k < Creates; k++)
                {
                    await connection.ExecuteAsync("INSERT INTO obj_contacts (portal_id, id, properties) VALUES (@portal, @id, json_object('email', @email, 'firstname', 'Made while watching'))",
                        new { portal = _emulator.PortalId, id = $"w-{round}-{k}", email = $"watched-{round}-{k}@example.com" });
                }
            }

            var bound = System.Diagnostics.Stopwatch.StartNew();
            while (Writes() == before && bound.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(5);
            }

            Assert.True(Writes() > before, $"round {round}: the watch pushed nothing within 30 s; seed {seed}\n{watch.Output}");
            await Task.Delay(random.Next(0, 450)); // ≥ 3 slow calls (≥ 450 ms): it is still pushing
            watch.Signal("KILL");
            await watch.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using (var last = Watch())
        {
            await using var store = await SqliteSyncStore.OpenAsync(DatabaseFile);
            var bound = System.Diagnostics.Stopwatch.StartNew();
            while ((await SyncOutbox.CountAsync(store, _emulator.PortalId)).Pending > 0 && bound.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            last.Signal("INT");
            Assert.Equal(0, await last.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            string states;
            await using (var connection = new SqliteConnection($"Data Source={DatabaseFile}"))
            {
                states = string.Join("\n", await connection.QueryAsync<string>("SELECT state || ' ' || kind || ' ' || COALESCE(reason, '') || ': ' || COUNT(*) FROM sync_outbox GROUP BY state, kind, reason"))
                    + "\nconflicts:\n" + string.Join("\n", await connection.QueryAsync<string>("SELECT record_id || ' base=' || COALESCE(base,'-') || ' local=' || COALESCE(local_value,'-') || ' @' || COALESCE(local_at,'-') || ' remote=' || COALESCE(remote_value,'-') || ' @' || COALESCE(remote_at,'-') || ' ' || outcome FROM sync_conflicts LIMIT 5"));
            }

            Assert.True(new SyncOutboxCounts(0, Rounds * (Updates + Creates), 0) == await SyncOutbox.CountAsync(store, _emulator.PortalId), $"seed {seed}; outbox:\n{states}");
        }

        var portal = await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["email", "firstname"] }).ToListAsync();
        var byId = portal.ToDictionary(c => c.Id);
        foreach (var (id, name) in expected)
        {
            Assert.True(byId.TryGetValue(id, out var contact) && contact.Properties.GetString("firstname") == name, $"update of {id} to {name} not applied; seed {seed}");
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var k = 0; k < Creates; k++)
            {
                var email = $"watched-{round}-{k}@example.com";
                Assert.True(portal.Count(c => c.Properties.GetString("email") == email) == 1, $"{email}: {portal.Count(c => c.Properties.GetString("email") == email)} records; seed {seed}");
            }
        }

        // A plain sync reads back what HubSpot set itself on the pushed records (the watch's hourly pass never came).
        await using (var sync = StartSync(push: false))
        {
            Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }

        await using var mirror = await SqliteSyncStore.OpenAsync(DatabaseFile);
        await MirrorAssert.EqualToPortalAsync(_client, mirror, _emulator.PortalId, ["contacts"]);
    }
}
