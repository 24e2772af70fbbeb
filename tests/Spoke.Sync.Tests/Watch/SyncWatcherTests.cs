using Microsoft.Data.Sqlite;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Sync.Watch;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Watch;

/// <summary>
/// The watcher against the in-process emulator, whose app delivers signed webhooks to a real receiver (Kestrel on
/// 127.0.0.1) over a SQLite inbox; the mirror is SQLite. Each test ends with the whole mirror equal to the portal.
/// </summary>
public sealed class SyncWatcherTests : IAsyncLifetime
{
    private static readonly string[] Types = ["contacts", "companies"];
    private readonly TempInboxDirectory _directory = new("sync-watch");
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;
    private ISyncStore _store = null!;
    private SqliteWebhookInboxStore _inbox = null!;
    private SyncWebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        var options = new HubSpotEmulatorOptions
        {
            Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)),
            ClientSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
        };
        options.Fidelity.WebhookTimeoutMilliseconds = 30_000; // what arrives is under test, not HubSpot's 5 s timeout
        _emulator = await HubSpotEmulator.StartAsync(options);
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
        _store = await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"));
        _inbox = new SqliteWebhookInboxStore(_directory.File("inbox.db"));
        // The receiver checks v3 timestamps against the emulator's (frozen) clock, which signs them.
        _receiver = await SyncWebhookReceiver.StartAsync(new Uri("http://127.0.0.1:0/hubspot/webhooks"), _emulator.ClientSecret, _inbox, _emulator.Clock);
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _receiver.DisposeAsync();
        await _inbox.DisposeAsync();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private SyncWatcher Watcher(bool webhooks, TimeSpan? pollInterval = null)
    {
        var options = new SyncOptions();
        foreach (var type in Types)
        {
            options.ObjectTypes.Add(type);
        }

        var engine = new SyncEngine(_client, _store, options, _emulator.Clock);
        return new SyncWatcher(engine, webhooks ? _inbox : null, new SyncWatchOptions
        {
            PollInterval = pollInterval ?? TimeSpan.FromDays(365), // "polling far off": only webhooks can bring a change
            InboxPollInterval = TimeSpan.FromMilliseconds(50),
        });
    }

    private Task SubscribeAsync() =>
        SyncWebhookApp.SubscribeAsync(_client, _emulator.BaseUri, _emulator.AppId, _emulator.DeveloperApiKey, _receiver.Endpoint, Types);

    private async Task<(List<string> Contacts, List<string> Companies)> SeedAsync(int contacts, int companies)
    {
        var companyIds = (await _client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, companies)
            .Select(i => new PropertyBag().Set("name", $"Company {i}").Set("domain", $"c{i}.example.com")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        var contactIds = (await _client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, contacts)
            .Select(i => new PropertyBag().Set("email", $"p{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            contactIds.Select((id, i) => new AssociationPair(id, companyIds[i % companyIds.Count])))).EnsureAllSucceeded();
        return (contactIds, companyIds);
    }

    /// <summary>Waits until the emulator delivered everything, then applies the inbox's events until none are pending.</summary>
    private async Task<List<SyncWatchBatch>> DeliverAndApplyAsync(SyncWatcher watcher)
    {
        Assert.True(await _emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(60)), $"deliveries did not drain: {_emulator.Webhooks.Backlog}");
        Assert.DoesNotContain(_emulator.Webhooks.Deliveries, d => d.Outcome != "delivered");
        var batches = new List<SyncWatchBatch>();
        for (var i = 0; i < 100 && await watcher.ApplyPendingAsync(CancellationToken.None) is { } batch; i++)
        {
            batches.Add(batch);
        }

        Assert.Equal(0, (await _inbox.CountAsync()).Pending);
        return batches;
    }

    private Task AssertMirrorEqualsPortalAsync() => MirrorAssert.EqualToPortalAsync(_client, _store, _emulator.PortalId, Types);

    private async Task<string?> MirroredAsync(string type, string id, string property) =>
        (await _store.GetRecordsAsync(_emulator.PortalId, type, [id])).SingleOrDefault() is { } row && row.Properties.TryGetValue(property, out var v) ? v : null;

    [Fact]
    public async Task Creates_updates_and_deletes_reach_the_mirror_through_webhooks_alone()
    {
        await SubscribeAsync();
        var (contacts, companies) = await SeedAsync(contacts: 30, companies: 5);
        var watcher = Watcher(webhooks: true);
        await watcher.PassAsync(CancellationToken.None); // the backfill; no pass after it
        await DeliverAndApplyAsync(watcher);

        var created = await _client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "new@example.com").Set("firstname", "New"));
        await _client.Crm.Contacts.UpdateAsync(contacts[0], new PropertyBag().Set("firstname", "Renamed"));
        await _client.Crm.Companies.UpdateAsync(companies[1], new PropertyBag().Set("name", "Renamed company"));
        await _client.Crm.Contacts.ArchiveAsync(contacts[1]);
        Assert.Null(await MirroredAsync("contacts", created.Id, "email")); // nothing reads the portal but the watcher

        var batches = await DeliverAndApplyAsync(watcher);

        Assert.Equal("new@example.com", await MirroredAsync("contacts", created.Id, "email"));
        Assert.Equal("Renamed", await MirroredAsync("contacts", contacts[0], "firstname"));
        Assert.True((await _store.GetRecordsAsync(_emulator.PortalId, "contacts", [contacts[1]])).Single().Archived);
        Assert.Equal(1, batches.Sum(b => b.Deletes));
        await AssertMirrorEqualsPortalAsync();
    }

    [Fact]
    public async Task A_merge_and_association_changes_reach_the_mirror_through_webhooks_alone()
    {
        await SubscribeAsync();
        var (contacts, companies) = await SeedAsync(contacts: 20, companies: 4);
        var watcher = Watcher(webhooks: true);
        await watcher.PassAsync(CancellationToken.None);
        await DeliverAndApplyAsync(watcher);

        await _client.Crm.Contacts.MergeAsync(new CrmMergeInput(contacts[2], contacts[3]));
        await _client.Associations.CreateDefaultAsync("contacts", contacts[5], "companies", companies[3]);
        await _client.Associations.ArchiveAsync("contacts", contacts[6], "companies", companies[6 % 4]);
        // A new company with a new contact's association from the company side (the edge is stored from contacts).
        var company = await _client.Crm.Companies.CreateAsync(new PropertyBag().Set("name", "Late company"));
        await _client.Associations.CreateDefaultAsync("companies", company.Id, "contacts", contacts[7]);

        var batches = await DeliverAndApplyAsync(watcher);

        Assert.Equal(contacts[2], await _store.ResolveIdAsync(_emulator.PortalId, "contacts", contacts[3]));
        Assert.Contains(await _store.GetAssociationsAsync(_emulator.PortalId, "contacts", contacts[5]), e => e.ToId == companies[3]);
        Assert.DoesNotContain(await _store.GetAssociationsAsync(_emulator.PortalId, "contacts", contacts[6]), e => e.ToType == "companies");
        Assert.Contains(await _store.GetAssociationsAsync(_emulator.PortalId, "contacts", contacts[7]), e => e.ToId == company.Id);
        Assert.True(batches.Sum(b => b.Merges) >= 1);
        await AssertMirrorEqualsPortalAsync();
    }

    [Fact]
    public async Task Applying_a_batch_again_after_a_crash_before_its_acknowledgement_changes_nothing()
    {
        await SubscribeAsync();
        var (contacts, _) = await SeedAsync(contacts: 10, companies: 2);
        var watcher = Watcher(webhooks: true);
        await watcher.PassAsync(CancellationToken.None);
        await DeliverAndApplyAsync(watcher);
        await _client.Crm.Contacts.UpdateAsync(contacts[4], new PropertyBag().Set("firstname", "Once"));
        Assert.True(await _emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(60)));
        var pending = await _inbox.GetPendingAsync(1000);
        Assert.NotEmpty(pending);

        // The first apply commits the mirror; "crash" before the acknowledgement: put the events back to pending.
        var first = await watcher.ApplyPendingAsync(CancellationToken.None);
        await using (var connection = await _inbox.OpenAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE webhook_inbox SET status = 0 WHERE id IN (" + string.Join(",", pending.Select(p => p.Id)) + ")";
            Assert.Equal(pending.Count, await command.ExecuteNonQueryAsync());
        }

        var again = await watcher.ApplyPendingAsync(CancellationToken.None);

        Assert.Equal(1, first!.Records);
        Assert.Equal(pending.Count, again!.Events);
        Assert.Equal(0, again.Records); // the same values: no row rewritten
        Assert.Equal(0, (await _inbox.CountAsync()).Pending);
        await AssertMirrorEqualsPortalAsync();
    }

    [Fact]
    public async Task Without_webhooks_the_periodic_passes_bring_every_change()
    {
        var (contacts, _) = await SeedAsync(contacts: 25, companies: 5);
        var watcher = Watcher(webhooks: false, pollInterval: TimeSpan.FromMinutes(1));
        var reports = new List<SyncWatchReport>();
        using var stop = new CancellationTokenSource();
        var running = watcher.RunAsync(new SyncProgressList(reports), stop.Token);
        await Eventually.TrueAsync(() => Passes(reports) >= 1, "the first pass (a backfill)", TimeSpan.FromSeconds(60));

        await _client.Crm.Contacts.UpdateAsync(contacts[0], new PropertyBag().Set("firstname", "Polled"));
        await _client.Crm.Contacts.ArchiveAsync(contacts[1]);
        await _client.Crm.Contacts.MergeAsync(new CrmMergeInput(contacts[2], contacts[3]));
        await _client.Crm.Companies.CreateAsync(new PropertyBag().Set("name", "Polled company"));
        Assert.Equal(1, Passes(reports)); // the poll interval has not passed on the clock
        _emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => Passes(reports) >= 2, "the pass after the interval", TimeSpan.FromSeconds(60));

        await stop.CancelAsync();
        await running;
        Assert.DoesNotContain(reports, r => r.Error is not null);
        Assert.Equal("Polled", await MirroredAsync("contacts", contacts[0], "firstname"));
        await AssertMirrorEqualsPortalAsync();
    }

    [Fact]
    public async Task A_change_whose_webhook_never_came_is_caught_by_the_next_pass()
    {
        await SubscribeAsync();
        var (contacts, _) = await SeedAsync(contacts: 15, companies: 3);
        var watcher = Watcher(webhooks: true, pollInterval: TimeSpan.FromMinutes(10));
        var reports = new List<SyncWatchReport>();
        using var stop = new CancellationTokenSource();
        var running = watcher.RunAsync(new SyncProgressList(reports), stop.Token);
        await Eventually.TrueAsync(() => Passes(reports) >= 1, "the first pass", TimeSpan.FromSeconds(60));

        // One change is sent, one is lost: the app has no target while it happens (HubSpot drops events then).
        await _client.Crm.Contacts.UpdateAsync(contacts[0], new PropertyBag().Set("firstname", "Delivered"));
        Assert.True(await _emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(60)));
        await Eventually.TrueAsync(async () => await MirroredAsync("contacts", contacts[0], "firstname") == "Delivered", "the delivered change applied", TimeSpan.FromSeconds(30));
        using (var http = new HttpClient { BaseAddress = _emulator.BaseUri })
        {
            using var deleted = await http.DeleteAsync($"/webhooks/v3/{_emulator.AppId}/settings?hapikey={_emulator.DeveloperApiKey}");
            Assert.True(deleted.IsSuccessStatusCode);
        }

        await _client.Crm.Contacts.UpdateAsync(contacts[1], new PropertyBag().Set("firstname", "Never announced"));
        await SubscribeAsync(); // the target again; the lost event stays lost
        Assert.True(await _emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(60)));
        // Delivered is not applied: the watcher may still be working through the inbox's last events.
        await Eventually.TrueAsync(async () => (await _inbox.CountAsync()).Pending == 0, "the inbox drained", TimeSpan.FromSeconds(30));
        Assert.Equal("Person 1", await MirroredAsync("contacts", contacts[1], "firstname"));
        Assert.Equal(1, Passes(reports));

        _emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(() => Passes(reports) >= 2, "the pass after the interval", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await running;

        Assert.Equal("Never announced", await MirroredAsync("contacts", contacts[1], "firstname"));
        Assert.DoesNotContain(reports, r => r.Error is not null);
        await AssertMirrorEqualsPortalAsync();
    }

    private static int Passes(List<SyncWatchReport> reports)
    {
        lock (reports)
        {
            return reports.Count(r => r.Pass is not null);
        }
    }

    /// <summary>Collects reports synchronously (Progress&lt;T&gt; would post them later, to the thread pool).</summary>
    private sealed class SyncProgressList(List<SyncWatchReport> reports) : IProgress<SyncWatchReport>
    {
        public void Report(SyncWatchReport value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}

/// <summary>Bounded polling for effects on other threads (never a sleep that waits for time to pass).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan timeout) => TrueAsync(() => Task.FromResult(condition()), what, timeout);
}
