using System.Net;
using System.Net.Sockets;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Store;
using Spoke.Sync.Watch;

namespace Spoke.Cli.Tests.Sync;

/// <summary>
/// `spoke sync --watch` as a user runs it: a real process, a real SQLite mirror, stopped as Ctrl+C stops it. The tests
/// send SIGTERM, which takes the same path (ShutdownSignals): a SIGINT never reaches a child of a test run that a shell
/// started in the background, since shells make background jobs ignore it.
/// </summary>
public sealed class SyncWatchCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-watch-cli-").FullName;
    private readonly string _secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    private string DatabaseFile => Path.Combine(_directory, "mirror.db");

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Seed = SeedKind.Demo, SeedSize = 40, ClientSecret = _secret });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<string?> MirroredAsync(string type, string id, string property)
    {
        if (!File.Exists(DatabaseFile))
        {
            return null;
        }

        await using var store = await SqliteSyncStore.OpenAsync(DatabaseFile);
        return (await store.GetRecordsAsync(_emulator.PortalId, type, [id])).SingleOrDefault() is { } row && row.Properties.TryGetValue(property, out var v) ? v : null;
    }

    [Fact]
    public async Task Without_credentials_it_watches_the_embedded_emulator_through_webhooks_and_ctrl_c_exits_0()
    {
        await using var watch = SpokeProcess.Start("sync", "--watch", "--database", "sqlite:" + DatabaseFile, "--seed-size", "30", "--objects", "contacts,companies");
        await watch.WaitForAsync("pass (backfill)", TimeSpan.FromSeconds(90));
        watch.Signal("TERM");

        Assert.Equal(0, await watch.WaitForExitAsync(Exit));
        Assert.Contains("Watching with webhooks: the embedded emulator's app sends them to http://127.0.0.1:", watch.Output);
        Assert.Contains("Watch stopped", watch.Output);
        Assert.True(File.Exists(Path.Combine(_directory, "mirror-webhooks.db")), "the inbox lives beside the mirror");
    }

    [Fact]
    public async Task With_webhook_listen_a_change_in_the_portal_reaches_the_mirror_without_a_pass_and_the_secret_is_never_printed()
    {
        var listen = new Uri($"http://127.0.0.1:{FreePort()}/hubspot/webhooks");
        await using var watch = SpokeProcess.StartInShell("true", new Dictionary<string, string> { ["HUBSPOT_CLIENT_SECRET"] = _secret },
            "sync", "--watch", "--database", "sqlite:" + DatabaseFile, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token,
            "--objects", "contacts,companies", "--webhook-listen", listen.AbsoluteUri, "--poll-interval", "1h");
        await watch.WaitForAsync("pass (backfill)", TimeSpan.FromSeconds(90));
        Assert.Contains($"Watching with webhooks received at {listen.AbsoluteUri}: point your HubSpot app's target URL there", watch.Output);
        await SyncWebhookApp.SubscribeAsync(_client, _emulator.BaseUri, _emulator.AppId, _emulator.DeveloperApiKey, listen, ["contacts", "companies"]);
        var contact = await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["firstname"] }).FirstAsync();

        await _client.Crm.Contacts.UpdateAsync(contact.Id, new PropertyBag().Set("firstname", "Watched"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await MirroredAsync("contacts", contact.Id, "firstname") != "Watched")
        {
            Assert.True(DateTime.UtcNow < deadline, "the change did not reach the mirror; output:\n" + watch.Output);
            await Task.Delay(50);
        }

        await watch.WaitForAsync("webhooks: ");
        watch.Signal("TERM");
        Assert.Equal(0, await watch.WaitForExitAsync(Exit));
        Assert.DoesNotContain(_secret, watch.Output + watch.Errors);
        Assert.DoesNotContain(_emulator.Token, watch.Output + watch.Errors);
    }

    [Fact]
    public async Task With_a_token_and_no_receiver_it_says_it_polls()
    {
        await using var watch = SpokeProcess.Start("sync", "--watch", "--database", "sqlite:" + DatabaseFile, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token,
            "--objects", "contacts", "--poll-interval", "30s");
        await watch.WaitForAsync("pass (backfill)", TimeSpan.FromSeconds(90));
        watch.Signal("TERM");

        Assert.Equal(0, await watch.WaitForExitAsync(Exit));
        Assert.Contains("Watching by polling: an incremental pass every 30s", watch.Output);
    }

    [Theory]
    [InlineData("--poll-interval", "5m", "--poll-interval only applies to --watch")]
    [InlineData("--webhook-listen", "http://127.0.0.1:9/x", "--webhook-listen only applies to --watch")]
    public async Task A_watch_option_without_watch_is_refused_with_exit_2(string option, string value, string message)
    {
        await using var sync = SpokeProcess.Start("sync", "--database", "sqlite:" + DatabaseFile, option, value);
        Assert.Equal(2, await sync.WaitForExitAsync(Exit));
        Assert.Contains(message, sync.Errors + sync.Output);
    }

    [Theory]
    [InlineData("--poll-interval", "soon", "--poll-interval \"soon\": write a positive duration")]
    [InlineData("--webhook-listen", "https://0.0.0.0:8443/h", "is not an http URL")]
    public async Task A_bad_watch_value_is_refused_with_exit_2(string option, string value, string message)
    {
        await using var sync = SpokeProcess.Start("sync", "--watch", "--database", "sqlite:" + DatabaseFile, option, value);
        Assert.Equal(2, await sync.WaitForExitAsync(Exit));
        Assert.Contains(message, sync.Errors + sync.Output);
    }

    [Fact]
    public async Task Webhook_listen_for_a_portal_without_the_client_secret_is_refused_with_exit_2()
    {
        await using var sync = SpokeProcess.StartInShell("unset HUBSPOT_CLIENT_SECRET", new Dictionary<string, string>(),
            "sync", "--watch", "--database", "sqlite:" + DatabaseFile, "--base-url", _emulator.BaseUri.ToString(), "--token", _emulator.Token, "--webhook-listen", "http://127.0.0.1:9/hubspot/webhooks");
        Assert.Equal(2, await sync.WaitForExitAsync(Exit));
        Assert.Contains("--webhook-listen needs your app's client secret in HUBSPOT_CLIENT_SECRET", sync.Errors);
    }
}
