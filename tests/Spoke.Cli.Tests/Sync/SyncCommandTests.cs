using Spoke.Sync.Store;

namespace Spoke.Cli.Tests.Sync;

/// <summary>`spoke sync` as a user runs it: a real process, a real SQLite file.</summary>
public sealed class SyncCommandTests : IDisposable
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-cli-").FullName;

    private string Database => "sqlite:" + Path.Combine(_directory, "mirror.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<SyncRecordCounts> CountAsync(long portalId, string type)
    {
        await using var store = await SqliteSyncStore.OpenAsync(Path.Combine(_directory, "mirror.db"));
        return await store.CountAsync(portalId, type);
    }

    [Fact]
    public async Task Without_credentials_it_mirrors_the_demo_portal_says_so_and_the_next_run_is_incremental()
    {
        await using (var first = SpokeProcess.Start("sync", "--database", Database, "--seed-size", "50"))
        {
            Assert.Equal(0, await first.WaitForExitAsync(Exit));
            Assert.Contains("No HubSpot credentials: syncing the embedded emulator's demo portal", first.Output);
            Assert.Contains("set HUBSPOT_ACCESS_TOKEN", first.Output);
            Assert.Contains("backfill", first.Output);
        }

        var portalId = new Spoke.Emulator.HubSpotEmulatorOptions().PortalId;
        Assert.Equal(50, (await CountAsync(portalId, "contacts")).Live);
        Assert.Equal(10, (await CountAsync(portalId, "companies")).Live);

        await using (var second = SpokeProcess.Start("sync", "--database", Database, "--seed-size", "50"))
        {
            Assert.Equal(0, await second.WaitForExitAsync(Exit));
            Assert.Contains("incremental", second.Output);
        }

        await using var status = SpokeProcess.Start("sync", "status", "--database", Database);
        Assert.Equal(0, await status.WaitForExitAsync(Exit));
        Assert.Matches(@"contacts\s*│\s*incremental\s*│\s*50\b", status.Output);
        Assert.Contains("succeeded", status.Output);
    }

    [Fact]
    public async Task With_a_token_and_base_url_it_syncs_that_portal_and_only_the_types_asked_for()
    {
        var token = "pat-test-" + Guid.NewGuid().ToString("N");
        await using var emulator = SpokeProcess.Start("emulator", "--port", "0", "--seed", "demo", "--seed-size", "20", "--portal-id", "777", "--token", token);
        var uri = await emulator.ListeningUriAsync();

        await using var sync = SpokeProcess.Start("sync", "--database", Database, "--base-url", uri.ToString(), "--token", token, "--objects", "contacts,deals");
        Assert.Equal(0, await sync.WaitForExitAsync(Exit));

        Assert.Contains("Syncing the portal of the given token", sync.Output);
        Assert.DoesNotContain(token, sync.Output + sync.Errors);
        Assert.Equal(20, (await CountAsync(777, "contacts")).Live);
        Assert.Equal(10, (await CountAsync(777, "deals")).Live);
        Assert.Equal(0, (await CountAsync(777, "companies")).Live);
    }

    [Fact]
    public async Task Verify_exits_0_after_a_sync_and_1_naming_the_drift_after_a_record_is_created_behind_the_mirrors_back()
    {
        var token = "pat-test-" + Guid.NewGuid().ToString("N");
        await using var emulator = SpokeProcess.Start("emulator", "--port", "0", "--seed", "demo", "--seed-size", "20", "--token", token);
        var uri = await emulator.ListeningUriAsync();
        string[] connection = ["--database", Database, "--base-url", uri.ToString(), "--token", token];
        await using (var sync = SpokeProcess.Start(["sync", .. connection]))
        {
            Assert.Equal(0, await sync.WaitForExitAsync(Exit));
        }

        await using (var clean = SpokeProcess.Start(["sync", "verify", .. connection]))
        {
            Assert.Equal(0, await clean.WaitForExitAsync(Exit));
            Assert.Contains("No drift", clean.Output);
            Assert.Matches(@"contacts\s*│\s*20\s*│\s*20\s*│\s*0\s*│\s*0\s*│\s*20\b", clean.Output);
        }

        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = uri, AccessToken = token });
        var created = await client.Crm.Contacts.CreateAsync(new Spoke.Crm.PropertyBag().Set("email", "behind-the-back@example.com"));

        await using var drift = SpokeProcess.Start(["sync", "verify", .. connection]);
        Assert.Equal(1, await drift.WaitForExitAsync(Exit));
        Assert.Contains($"contacts: 1 only in the portal: {created.Id}", drift.Output);
        Assert.Contains("Drift in contacts.", drift.Output);
        Assert.DoesNotContain(token, drift.Output + drift.Errors);
    }

    [Fact]
    public async Task Verify_without_a_mirror_is_bad_input_and_with_a_refused_token_exits_3()
    {
        await using (var missing = SpokeProcess.Start("sync", "verify", "--database", Database))
        {
            Assert.Equal(2, await missing.WaitForExitAsync(Exit));
            Assert.Contains("Run `spoke sync` first", missing.Errors);
        }

        await using (var sync = SpokeProcess.Start("sync", "--database", Database, "--seed-size", "10", "--objects", "contacts"))
        {
            Assert.Equal(0, await sync.WaitForExitAsync(Exit));
        }

        await using var emulator = SpokeProcess.Start("emulator", "--port", "0");
        var uri = await emulator.ListeningUriAsync();
        var wrong = "pat-wrong-" + Guid.NewGuid().ToString("N");
        await using var verify = SpokeProcess.Start("sync", "verify", "--database", Database, "--base-url", uri.ToString(), "--token", wrong);
        Assert.Equal(3, await verify.WaitForExitAsync(Exit));
        Assert.Contains("HubSpot refused the token", verify.Errors);
        Assert.DoesNotContain(wrong, verify.Output + verify.Errors);
    }

    [Theory]
    [InlineData("--reserve", "150%", "--reserve \"150%\"")]
    [InlineData("--reserve", "five", "as a percentage (10%) or a fraction (0.1)")]
    [InlineData("--reserve", "1", "--reserve \"1\"")]
    [InlineData("--max-concurrent-types", "0", "whole number from 1 to 64")]
    [InlineData("--max-concurrent-types", "x", "--max-concurrent-types \"x\"")]
    public async Task A_reserve_or_concurrency_it_cannot_use_is_refused_with_what_to_write(string option, string value, string message)
    {
        await using var sync = SpokeProcess.Start("sync", "--database", Database, option, value);
        Assert.Equal(2, await sync.WaitForExitAsync(Exit));
        Assert.Contains(message, sync.Errors);
        Assert.False(File.Exists(Path.Combine(_directory, "mirror.db")));
    }

    [Fact]
    public async Task With_a_reserve_and_two_types_at_once_the_redirected_output_has_a_line_per_event_with_rate_budget_and_total()
    {
        await using var sync = SpokeProcess.Start("sync", "--database", Database, "--seed-size", "50", "--reserve", "10%", "--max-concurrent-types", "2",
            "--objects", "contacts,companies,deals");
        Assert.Equal(0, await sync.WaitForExitAsync(Exit));
        // The backfill's first report comes before any page: the total from search, nothing read yet.
        Assert.Matches(@"contacts: backfill, 0 records, \d+ API calls, read 0 of 50 at 0/s, budget \d+%", sync.Output);
        Assert.Matches(@"contacts: done, 50 records, \d+ API calls, read 50 of 50 at [\d,]+/s, budget \d+%", sync.Output);
        Assert.Matches(@"deals: done, 25 records", sync.Output);
    }

    [Theory]
    [InlineData("--properties", "contacts", "write TYPE=a,b,c")]
    [InlineData("--base-url", "not a url", "--base-url")]
    [InlineData("--no-such-option", "x", "--no-such-option")]
    public async Task An_option_the_parser_refuses_exits_2_like_every_bad_input_and_says_where_help_is(string option, string value, string message)
    {
        await using var sync = SpokeProcess.Start("sync", "--database", Database, option, value);
        Assert.Equal(2, await sync.WaitForExitAsync(Exit));
        Assert.Contains(message, sync.Errors);
        Assert.Contains("spoke sync --help", sync.Errors);
        Assert.False(File.Exists(Path.Combine(_directory, "mirror.db")));
    }

    [Fact]
    public async Task A_database_string_it_cannot_use_is_refused_with_what_to_write()
    {
        await using var sync = SpokeProcess.Start("sync", "--database", "mysql://localhost/x");
        Assert.Equal(2, await sync.WaitForExitAsync(Exit));
        Assert.Contains("--database", sync.Errors);
        Assert.Contains("sqlite:", sync.Errors);
    }

    [Fact]
    public async Task A_token_HubSpot_refuses_exits_with_its_own_code_and_never_prints_the_token()
    {
        await using var emulator = SpokeProcess.Start("emulator", "--port", "0");
        var uri = await emulator.ListeningUriAsync();
        var wrong = "pat-wrong-" + Guid.NewGuid().ToString("N");

        await using var sync = SpokeProcess.Start("sync", "--database", Database, "--base-url", uri.ToString(), "--token", wrong);
        Assert.Equal(3, await sync.WaitForExitAsync(Exit));
        Assert.Contains("HubSpot refused the token", sync.Errors);
        Assert.DoesNotContain(wrong, sync.Output + sync.Errors);
    }
}
