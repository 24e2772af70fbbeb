// A worker that keeps a SQL mirror of a HubSpot portal up to date: the HubSpot client and the sync engine registered
// in the generic host, settings from appsettings.json (the HubSpotSync section) or the environment.
//
// dotnet run --project samples/SyncWorker                                   # an in-process emulator with demo data
// HUBSPOT_ACCESS_TOKEN=pat-... dotnet run --project samples/SyncWorker      # your portal
// HubSpot__BaseUri=http://127.0.0.1:8080 HubSpot__AccessToken=TOKEN dotnet run --project samples/SyncWorker   # a `spoke emulator`
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spoke.DependencyInjection;
using Spoke.Emulator;
using Spoke.Sync.Hosting;
using Spoke.Sync.Status;
using SyncWorker;

var builder = Host.CreateApplicationBuilder(args);

// No token configured: an in-process emulator seeded with the demo portal, so the first run shows what a sync does.
await using var emulator = string.IsNullOrWhiteSpace(builder.Configuration["HubSpot:AccessToken"]) && string.IsNullOrWhiteSpace(builder.Configuration["HUBSPOT_ACCESS_TOKEN"])
    ? await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0, Seed = SeedKind.Demo, SeedSize = 200, ConfigureLogging = l => l.SetMinimumLevel(LogLevel.Warning) })
    : null;
if (emulator is not null)
{
    builder.Configuration["HubSpot:BaseUri"] = emulator.BaseUri.ToString();
    builder.Configuration["HubSpot:AccessToken"] = emulator.Token;
}

builder.Services.AddHubSpotClient();                                // the HubSpot section (AccessToken, BaseUri, RateLimitTier, …)
builder.Services.AddHubSpotSync();                                  // the HubSpotSync section (Database, Interval, ObjectTypes, TypedColumns, …)
builder.Services.AddSingleton<ISyncObserver, ProgressLogger>();     // progress and results, as they happen

using var host = builder.Build();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SyncWorker");
#pragma warning disable CA1848, CA1873 // a sample's log lines: LoggerMessage would hide what they do
if (emulator is null)
{
    log.LogInformation("Syncing the configured portal.");
}
else
{
    log.LogInformation("No access token: syncing an in-process emulator's demo portal at {BaseUri}.", emulator.BaseUri);
}
#pragma warning restore CA1848, CA1873

// The status any part of the app can ask for, e.g. behind a health endpoint.
var sync = host.Services.GetRequiredService<HubSpotSyncService>();
sync.Subscribe(new StatusPrinter(sync, log));

await host.RunAsync();

/// <summary>After each run, logs each type's state from the mirror.</summary>
internal sealed class StatusPrinter(HubSpotSyncService sync, ILogger log) : ISyncObserver
{
    public void OnRunCompleted(Spoke.Sync.Engine.SyncRunResult result) => _ = PrintAsync();

#pragma warning disable CA1848, CA1873 // a sample's log lines: LoggerMessage would hide what they do
    private async Task PrintAsync()
    {
        try
        {
            var status = await sync.GetStatusAsync();
            foreach (var type in status.Types)
            {
                log.LogInformation("status {ObjectType}: {State}{Reason}, {Records} records", type.ObjectType, type.State,
                    type.State == SyncTypeState.Failed ? " (" + type.FailureReason + ")" : "", type.Records);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning(e, "Reading the sync status failed");
        }
    }
#pragma warning restore CA1848, CA1873
}
