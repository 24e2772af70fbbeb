using System.Text.Json;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Sync.Watch;
using Spoke.Webhooks.Inbox;

namespace Spoke.Cli.Tests.Sync;

/// <summary>
/// <c>kill -9</c> of a real <c>spoke sync --watch</c> (receiving the in-process emulator's webhooks on a fixed loopback
/// port) again and again while the portal keeps changing, then a restart: every event the receiver acknowledged is
/// applied (none left pending, none missing from the inbox), and the mirror equals the portal — association changes
/// between existing records included, which only the webhooks carry.
/// </summary>
public sealed class SyncWatchCrashTests : IAsyncLifetime
{
    private static readonly string[] Types = ["contacts", "companies"];
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-watch-crash-").FullName;
    private readonly string _secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    private readonly Uri _listen = new($"http://127.0.0.1:{SyncWatchCommandTests.FreePort()}/hubspot/webhooks");
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    private string DatabaseFile => Path.Combine(_directory, "mirror.db");

    private string InboxFile => Path.Combine(_directory, "inbox.db");

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Seed = SeedKind.Demo, SeedSize = 400, ClientSecret = _secret });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
        await SyncWebhookApp.SubscribeAsync(_client, _emulator.BaseUri, _emulator.AppId, _emulator.DeveloperApiKey, _listen, Types);
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SpokeProcess StartWatch() => SpokeProcess.StartInShell("true", new Dictionary<string, string> { ["HUBSPOT_CLIENT_SECRET"] = _secret },
        "sync", "--watch", "--database", "sqlite:" + DatabaseFile, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token,
        "--objects", string.Join(',', Types), "--webhook-listen", _listen.AbsoluteUri, "--webhook-inbox", InboxFile, "--poll-interval", "1h");

    [Fact]
    public async Task Kill_9s_of_a_running_watch_while_the_portal_changes_lose_nothing_acknowledged()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var contacts = await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }).Select(c => c.Id).ToListAsync();
        var companies = await _client.Crm.Companies.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }).Select(c => c.Id).ToListAsync();
        using var stopChanges = new CancellationTokenSource();
        var changes = ChangeContinuouslyAsync(new Random(seed + 1), contacts, companies, stopChanges.Token);

        var killed = 0;
        for (var round = 0; round < 6; round++)
        {
            await using var watch = StartWatch();
            await watch.WaitForAsync("Watching with webhooks", TimeSpan.FromSeconds(60));
            try
            {
                await watch.WaitForExitAsync(TimeSpan.FromMilliseconds(random.Next(200, 3_000)));
                Assert.Fail($"the watch exited on its own: {watch.Output}\n{watch.Errors}");
            }
            catch (TimeoutException)
            {
                watch.Signal("KILL");
                await watch.WaitForExitAsync(TimeSpan.FromSeconds(30));
                killed++;
            }
        }

        await stopChanges.CancelAsync();
        var changeCount = await changes;
        Assert.True(changeCount > 20, $"only {changeCount} changes were made; seed {seed}");

        await using (var last = StartWatch())
        {
            await last.WaitForAsync(" pass (", TimeSpan.FromSeconds(120));
            // Deliveries that failed while no receiver ran are retried now (HubSpot retries them over the next hours).
            _emulator.Webhooks.RetryNow();
            Assert.True(await _emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(60)), $"deliveries did not drain: {_emulator.Webhooks.Backlog}");
            await using var inbox = new SqliteWebhookInboxStore(InboxFile, exclusive: false);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while ((await inbox.CountAsync()).Pending > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"events still pending in the inbox; seed {seed}; output:\n{last.Output}");
                await Task.Delay(50);
            }

            last.Signal("TERM");
            Assert.Equal(0, await last.WaitForExitAsync(TimeSpan.FromMinutes(1)));

            // Every event the receiver answered 200 for is in the inbox, and processed.
            var stored = new HashSet<long>();
            await using (var connection = await inbox.OpenAsync())
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT event_json, status FROM webhook_inbox";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    Assert.Equal(1, reader.GetInt32(1));
                    using var json = JsonDocument.Parse(reader.GetString(0));
                    stored.Add(json.RootElement.GetProperty("eventId").GetInt64());
                }
            }

            var acknowledged = _emulator.Webhooks.Deliveries.Where(d => d.Outcome == "delivered").SelectMany(d => d.EventIds).ToHashSet();
            Assert.NotEmpty(acknowledged);
            var lost = acknowledged.Except(stored).Take(10).ToList();
            Assert.True(lost.Count == 0, $"acknowledged events missing from the inbox: {string.Join(",", lost)}; seed {seed}");
        }

        await using var store = await SqliteSyncStore.OpenAsync(DatabaseFile);
        await MirrorAssert.EqualToPortalAsync(_client, store, _emulator.PortalId, Types);
        Assert.Equal(6, killed);
    }

    /// <summary>Updates, new contacts with a company, archives and new edges between existing records, until stopped; returns how many.</summary>
    private async Task<int> ChangeContinuouslyAsync(Random random, List<string> contacts, List<string> companies, CancellationToken stop)
    {
        var count = 0;
        for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
        {
            switch (random.Next(10))
            {
                case < 5:
                    await _client.Crm.Contacts.UpdateAsync(contacts[random.Next(contacts.Count)], new PropertyBag().Set("firstname", $"Changed {i} {random.Next()}"));
                    break;
                case < 7:
                    var created = await _client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", $"w{i}-{random.Next()}@example.com").Set("firstname", $"New {i}"));
                    await _client.Associations.CreateDefaultAsync("contacts", created.Id, "companies", companies[random.Next(companies.Count)]);
                    contacts.Add(created.Id);
                    break;
                case < 8:
                    var archived = contacts[random.Next(contacts.Count)];
                    await _client.Crm.Contacts.ArchiveAsync(archived);
                    contacts.Remove(archived);
                    break;
                default:
                    // An edge between two existing records: no last-modified time moves, only the webhook tells.
                    await _client.Associations.CreateDefaultAsync("contacts", contacts[random.Next(contacts.Count)], "companies", companies[random.Next(companies.Count)]);
                    break;
            }

            count++;
            try
            {
                await Task.Delay(random.Next(20, 120), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return count;
    }
}
