using System.Data.Common;
using Npgsql;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Webhooks.Tests.Inbox;

[Collection(PostgresCollection.Name)]
public sealed class PostgresInboxTests(PostgresServer server) : InboxBehaviourTests
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..12];

    protected override string EffectsTable => $"\"{_schema}\".effects";

    protected override WebhookInboxStore OpenStore() => new PostgresWebhookInboxStore(server.ConnectionString, _schema);

    protected override async Task<DbConnection> OpenConnectionAsync(WebhookInboxStore store) => await ((PostgresWebhookInboxStore)store).OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Two_dispatchers_sharing_the_database_handle_each_event_once()
    {
        var handled = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using var storeA = OpenStore();
        await using var storeB = OpenStore();
        await using var a = await ReceiverHost.StartAsync(storeA, Time, h => h.AddEventHandler((e, c, _) => { handled.Add(c.DedupeKey); return Task.Delay(1); }));
        await using var b = await ReceiverHost.StartAsync(storeB, Time, h => h.AddEventHandler((e, c, _) => { handled.Add(c.DedupeKey); return Task.Delay(1); }), secret: a.Secret);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < 10; i++)
        {
            var target = i % 2 == 0 ? a : b;
            var body = WebhookSender.Body([.. Enumerable.Range(0, 10).Select(j => WebhookSender.Event("contact.creation", (i * 10) + j, now))]);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await target.PostAsync(body)).StatusCode);
        }

        await Eventually.TrueAsync(async () => (await a.Inbox.CountAsync()).Processed == 100, "all 100 processed");
        Assert.Equal(100, handled.Count);
        Assert.Equal(100, handled.Distinct().Count());
    }

    [Fact]
    public async Task Four_dispatchers_on_one_inbox_run_every_handler_exactly_once()
    {
        const int hosts = 4, requests = 24, perRequest = 50, objects = 120;
        await using (var setup = (PostgresWebhookInboxStore)OpenStore())
        {
            await setup.InitializeAsync();
            await using var connection = await setup.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE TABLE {EffectsTable} (dedupe_key TEXT NOT NULL)", connection);
            await create.ExecuteNonQueryAsync();
        }

        var runs = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var stores = Enumerable.Range(0, hosts).Select(_ => OpenStore()).ToList();
        var receivers = new List<ReceiverHost>();
        string? secret = null;
        try
        {
            foreach (var store in stores)
            {
                var host = await ReceiverHost.StartAsync(store, Time, h => h.AddEventHandler(async (e, c, ct) =>
                {
                    runs.AddOrUpdate(c.DedupeKey, 1, (_, n) => n + 1);
                    await Task.Yield(); // let the other dispatchers race for the same rows
                    var transaction = await c.GetTransactionAsync(ct);
                    await using var insert = new NpgsqlCommand($"INSERT INTO {EffectsTable} (dedupe_key) VALUES (@key)", (NpgsqlConnection)c.Connection, (NpgsqlTransaction)transaction);
                    insert.Parameters.AddWithValue("key", c.DedupeKey);
                    await insert.ExecuteNonQueryAsync(ct);
                }), o => { o.MaxConcurrency = 4; o.PollInterval = TimeSpan.FromMilliseconds(50); }, secret: secret);
                secret ??= host.Secret;
                receivers.Add(host);
            }

            // Requests land on every instance at once; one object's events arrive through different instances.
            var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
            await Task.WhenAll(Enumerable.Range(0, requests).Select(async r =>
            {
                var body = WebhookSender.Body([.. Enumerable.Range(0, perRequest).Select(j =>
                {
                    var n = (r * perRequest) + j;
                    return WebhookSender.Event("contact.propertyChange", n % objects, now + n, eventId: n, property: "email", value: $"v{n}");
                })]);
                using var response = await receivers[r % hosts].PostAsync(body);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }));

            const int total = requests * perRequest;
            await Eventually.TrueAsync(async () => (await receivers[0].Inbox.CountAsync()).Processed == total, $"all {total} processed", TimeSpan.FromMinutes(2));
            Assert.Equal(total, runs.Count);
            Assert.All(runs, run => Assert.True(run.Value == 1, $"{run.Key} ran {run.Value} times"));
            await using var read = await ((PostgresWebhookInboxStore)stores[0]).OpenAsync();
            await using var count = new NpgsqlCommand($"SELECT COUNT(*), COUNT(DISTINCT dedupe_key) FROM {EffectsTable}", read);
            await using var reader = await count.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(total, reader.GetInt64(0));
            Assert.Equal(total, reader.GetInt64(1));
        }
        finally
        {
            foreach (var host in receivers)
            {
                await host.DisposeAsync();
            }

            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
