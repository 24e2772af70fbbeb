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
}
