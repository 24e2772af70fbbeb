using System.Globalization;
using System.Text.Json;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;

namespace Spoke.Cli.Tests.Sync;

/// <summary>
/// <c>kill -9</c> of a real <c>spoke sync</c> process at random points — backfill pages with their association reads,
/// fresh <c>--full</c> passes, incremental passes after changes made between runs — twenty times in a row on one mirror,
/// then a normal rerun: the mirror equals the portal, and the rerun lists no backfill page that was committed.
/// </summary>
public sealed class SyncCrashTests : IAsyncLifetime
{
    private static readonly string[] Types = ["contacts", "companies", "deals", "tickets"];
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-crash-").FullName;
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    private string DatabaseFile => Path.Combine(_directory, "mirror.db");

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Seed = SeedKind.Demo, SeedSize = 1_500, RateLimits = RateLimitTier.Off });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private SpokeProcess StartSync(bool full = false) => full
        ? SpokeProcess.Start("sync", "--database", "sqlite:" + DatabaseFile, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token, "--objects", string.Join(',', Types), "--full")
        : SpokeProcess.Start("sync", "--database", "sqlite:" + DatabaseFile, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token, "--objects", string.Join(',', Types));

    private async Task<T> WithStoreAsync<T>(Func<ISyncStore, Task<T>> read)
    {
        await using var store = await SqliteSyncStore.OpenAsync(DatabaseFile);
        return await read(store);
    }

    private async Task<string?> BackfillCursorAsync(string type) => File.Exists(DatabaseFile)
        ? await WithStoreAsync(async store =>
        {
            var json = await store.GetCheckpointAsync(_emulator.PortalId, type, "backfill");
            if (json is null)
            {
                return null;
            }

            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("done").GetBoolean() ? "done" : doc.RootElement.TryGetProperty("after", out var after) ? after.GetString() : null;
        })
        : null;

    [Fact]
    public async Task Twenty_kill_9s_at_random_points_then_a_rerun_leave_the_mirror_equal_to_the_portal()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var contacts = await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }).Select(c => c.Id).ToListAsync();
        var companies = await _client.Crm.Companies.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }).Select(c => c.Id).ToListAsync();
        var deals = await _client.Crm.Deals.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }).Select(c => c.Id).ToListAsync();
        var exitedOnItsOwn = 0;

        for (var kill = 1; kill <= 20; kill++)
        {
            if (kill > 2 && kill % 3 == 0)
            {
                await ChangePortalAsync(random, contacts, companies, deals, kill);
            }

            // Every fifth run is a fresh --full pass, so kills land in backfills after the first one finished too.
            await using var sync = StartSync(full: kill % 5 == 0);
            var delay = TimeSpan.FromMilliseconds(random.Next(300, 2_500));
            try
            {
                await sync.WaitForExitAsync(delay);
                exitedOnItsOwn++;
            }
            catch (TimeoutException)
            {
                sync.Signal("KILL");
                await sync.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
        }

        // The last kill lands for sure in the middle of a fresh backfill: once contacts have committed three pages.
        await ChangePortalAsync(random, contacts, companies, deals, 21);
        await using (var sync = StartSync(full: true))
        {
            for (var i = 0; i < 600; i++)
            {
                var cursor = await BackfillCursorAsync("contacts");
                if (cursor is not null && cursor != "done" && contacts.Count(id => long.Parse(id, CultureInfo.InvariantCulture) < long.Parse(cursor, CultureInfo.InvariantCulture)) >= 300)
                {
                    break;
                }

                await Task.Delay(20);
            }

            await Task.Delay(random.Next(0, 150));
            sync.Signal("KILL");
            await sync.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var stoppedAt = await BackfillCursorAsync("contacts");
        Assert.True(stoppedAt is not null && stoppedAt != "done", $"the last kill came after the contacts backfill ended ({stoppedAt}); seed {seed}");
        var portalContacts = await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }).Select(c => long.Parse(c.Id, CultureInfo.InvariantCulture)).ToListAsync();
        var remainingPages = (portalContacts.Count(id => id >= long.Parse(stoppedAt!, CultureInfo.InvariantCulture)) + 99) / 100;
        var lists = _emulator.Faults.Add(new FaultRule { Route = "GET /crm/objects/*/contacts", Kind = FaultKind.Latency, LatencyMs = 1 });

        await using (var rerun = StartSync())
        {
            Assert.Equal(0, await rerun.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }

        // The rerun lists the contacts pages from the committed cursor on (plus the archived listing), not from the start.
        var listed = _emulator.Faults.List().Single(f => f.Rule.Id == lists.Id).Matched;
        Assert.True(listed <= remainingPages + 2, $"the rerun listed {listed} contacts pages; {remainingPages} were left after the last committed one (a restart would list {portalContacts.Count / 100 + 1}); seed {seed}");
        await WithStoreAsync(async store =>
        {
            await MirrorAssert.EqualToPortalAsync(_client, store, _emulator.PortalId, Types);
            return true;
        });
        Assert.True(exitedOnItsOwn < 20, $"no run was killed; seed {seed}");
    }

    /// <summary>Changes between runs: updates, new records, archives, merges and new association edges.</summary>
    private async Task ChangePortalAsync(Random random, List<string> contacts, List<string> companies, List<string> deals, int round)
    {
        var live = contacts.ToList();
        (await _client.Crm.Contacts.BatchUpdateAsync(Enumerable.Range(0, 40).Select(_ => live[random.Next(live.Count)]).Distinct()
            .Select(id => (id, new PropertyBag().Set("firstname", $"Round {round} {random.Next()}"))))).EnsureAllSucceeded();
        var created = (await _client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 30)
            .Select(i => new PropertyBag().Set("email", $"r{round}-{i}-{random.Next()}@example.com").Set("firstname", $"New {round}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        contacts.AddRange(created);
        // Associated before the archive and merge below, which may pick one of the new contacts.
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            created.Select(id => new AssociationPair(id, companies[random.Next(companies.Count)])))).EnsureAllSucceeded();
        var archived = contacts[random.Next(contacts.Count)];
        await _client.Crm.Contacts.ArchiveAsync(archived);
        contacts.Remove(archived);
        var loser = contacts[random.Next(contacts.Count)];
        var survivor = contacts.First(c => c != loser);
        await _client.Crm.Contacts.MergeAsync(new CrmMergeInput(survivor, loser));
        contacts.Remove(loser);
        var pairs = Enumerable.Range(0, 10).Select(_ => new AssociationPair(deals[random.Next(deals.Count)], companies[random.Next(companies.Count)])).ToList();
        (await _client.Associations.BatchCreateDefaultAsync("deals", "companies", pairs)).EnsureAllSucceeded();
        // An edge between two existing records moves neither one's last-modified time, and the engine does not yet
        // re-read the edges of records it sees no change in (its README lists that as planned): touch both ends.
        (await _client.Crm.Deals.BatchUpdateAsync(pairs.Select(p => p.FromObjectId).Distinct().Select(id => (id, new PropertyBag().Set("description", $"Linked {round}"))))).EnsureAllSucceeded();
        (await _client.Crm.Companies.BatchUpdateAsync(pairs.Select(p => p.ToObjectId).Distinct().Select(id => (id, new PropertyBag().Set("description", $"Linked {round}"))))).EnsureAllSucceeded();
        await _client.Crm.Companies.UpdateAsync(companies[random.Next(companies.Count)], new PropertyBag().Set("name", $"Renamed {round}"));
    }
}
