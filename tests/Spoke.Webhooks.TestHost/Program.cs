// A receiver process for crash tests: `--port N --inbox FILE [--tolerance TIMESPAN]` (secret from SPOKE_WEBHOOK_SECRET
// or --secret). `--tolerance` widens the v3 timestamp window for senders whose clock a test moves ahead (the emulator's).
// Its one handler records each handled event's dedupe key in an `effects` table inside the handler's inbox
// transaction, so "every acknowledged event has exactly one effect" can be checked after any kill -9.
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spoke.Webhooks;
using Spoke.Webhooks.Inbox;

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var port = int.Parse(Arg("--port") ?? "0", CultureInfo.InvariantCulture);
var inbox = Arg("--inbox") ?? throw new ArgumentException("--inbox FILE is required");
var secret = Arg("--secret") ?? Environment.GetEnvironmentVariable("SPOKE_WEBHOOK_SECRET") ?? throw new ArgumentException("set SPOKE_WEBHOOK_SECRET or --secret");
var concurrency = int.Parse(Arg("--concurrency") ?? "4", CultureInfo.InvariantCulture);
var tolerance = Arg("--tolerance") is { } t ? TimeSpan.Parse(t, CultureInfo.InvariantCulture) : (TimeSpan?)null;

var store = new SqliteWebhookInboxStore(inbox);
await store.InitializeAsync();
await using (var connection = await store.OpenAsync())
{
    await using var create = connection.CreateCommand();
    create.CommandText = "CREATE TABLE IF NOT EXISTS effects (dedupe_key TEXT NOT NULL, inbox_id INTEGER NOT NULL)";
    await create.ExecuteNonQueryAsync();
}

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
builder.Logging.ClearProviders();
builder.Services.AddSingleton<WebhookInboxStore>(store);
builder.Services.AddHubSpotWebhooks(o =>
{
    o.ClientSecret = secret;
    o.MaxConcurrency = concurrency;
    if (tolerance is { } window)
    {
        o.Tolerance = window;
    }
}).AddEventHandler(async (e, context, cancellationToken) =>
{
    var transaction = await context.GetTransactionAsync(cancellationToken);
    await using var insert = context.Connection.CreateCommand();
    insert.Transaction = transaction;
    insert.CommandText = "INSERT INTO effects (dedupe_key, inbox_id) VALUES (@key, @id)";
    var key = insert.CreateParameter();
    key.ParameterName = "@key";
    key.Value = context.DedupeKey;
    insert.Parameters.Add(key);
    var id = insert.CreateParameter();
    id.ParameterName = "@id";
    id.Value = context.InboxId;
    insert.Parameters.Add(id);
    await insert.ExecuteNonQueryAsync(cancellationToken);
});

var app = builder.Build();
app.MapHubSpotWebhooks("/hubspot/webhooks");
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"Receiver listening on {address.TrimEnd('/')}/hubspot/webhooks");
await app.WaitForShutdownAsync();
