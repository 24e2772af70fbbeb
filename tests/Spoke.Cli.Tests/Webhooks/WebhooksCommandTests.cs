using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Spoke.Webhooks.Inbox;

namespace Spoke.Cli.Tests.Webhooks;

public sealed class WebhooksCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "spoke-cli-webhooks-" + Guid.NewGuid().ToString("N"));

    public WebhooksCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Listen_prints_one_line_per_verified_event_and_never_the_secret_or_the_body()
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var inbox = Path.Combine(_directory, "inbox.db");
        using var process = StartWithSecretInEnvironment(secret, "webhooks", "listen", "--port", "0", "--inbox", inbox, "--path", "/hooks");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Output() { lock (output) { return output.ToString(); } }
        try
        {
            await WaitForAsync(() => Output().Contains("listening on ", StringComparison.Ordinal), Output);
            const string marker = "Webhook receiver listening on ";
            var url = Output().Split('\n').First(l => l.StartsWith(marker, StringComparison.Ordinal))[marker.Length..].Trim();
            Assert.EndsWith("/hooks", url, StringComparison.Ordinal);

            const string body = """[{"eventId":1,"subscriptionId":2,"portalId":3,"appId":4,"occurredAt":1780000000000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":77,"propertyName":"email","propertyValue":"private@example.com","changeSource":"CRM"},{"eventId":2,"subscriptionId":2,"portalId":3,"appId":4,"occurredAt":1780000000001,"subscriptionType":"object.creation","objectTypeId":"2-99","attemptNumber":0,"objectId":78,"changeFlag":"NEW"}]""";
            using var http = new HttpClient();
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var good = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
            good.Headers.Add("X-HubSpot-Signature-v3", Spoke.Webhooks.Signatures.HubSpotSignature.ComputeV3(secret, "POST", url, Encoding.UTF8.GetBytes(body), timestamp));
            good.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.SendAsync(good)).StatusCode);
            using var forged = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
            forged.Headers.Add("X-HubSpot-Signature-v3", Spoke.Webhooks.Signatures.HubSpotSignature.ComputeV3("guess", "POST", url, Encoding.UTF8.GetBytes(body), timestamp));
            forged.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
            // v3 only by default: a correct v1 signature has no timestamp, so it could be a replay from any time.
            using var v1 = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
            v1.Headers.Add("X-HubSpot-Signature", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret + body))));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(v1)).StatusCode);

            await WaitForAsync(() => Output().Contains("object.creation", StringComparison.Ordinal) && Output().Contains("rejected", StringComparison.Ordinal), Output);
            var text = Output();
            Assert.Contains("2026-05-28T20:26:40.000Z contact.propertyChange object=77 property=email", text, StringComparison.Ordinal);
            Assert.Contains("object.creation object=78 objectTypeId=2-99", text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("private@example.com", text, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Listen_takes_v1_only_when_asked()
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await using var spoke = SpokeProcess.Start("webhooks", "listen", "--port", "0", "--secret", secret, "--inbox", Path.Combine(_directory, "v1.db"), "--signature-versions", "v1,v3");
        var url = await ListenUrlAsync(spoke);
        await spoke.WaitForAsync("Accepting signature versions: v1, v3.");
        const string body = """[{"eventId":1,"subscriptionId":2,"portalId":3,"appId":4,"occurredAt":1780000000000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":77,"changeFlag":"NEW"}]""";
        using var http = new HttpClient();
        using var v1 = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
        v1.Headers.Add("X-HubSpot-Signature", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret + body))));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.SendAsync(v1)).StatusCode);

        await using var wrong = SpokeProcess.Start("webhooks", "listen", "--port", "0", "--secret", secret, "--signature-versions", "v4");
        Assert.NotEqual(0, await wrong.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("--signature-versions takes v1, v2 and/or v3", wrong.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_listener_on_one_inbox_is_refused_and_a_killed_ones_lock_dies_with_it()
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var inbox = Path.Combine(_directory, "shared.db");
        await using var first = SpokeProcess.Start("webhooks", "listen", "--port", "0", "--secret", secret, "--inbox", inbox);
        await ListenUrlAsync(first);

        await using (var second = SpokeProcess.Start("webhooks", "listen", "--port", "0", "--secret", secret, "--inbox", inbox))
        {
            Assert.Equal(3, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"The webhook inbox {inbox} is in use by another receiver", second.Output, StringComparison.Ordinal);
            Assert.Contains("--inbox FILE", second.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("listening on", second.Output, StringComparison.Ordinal);
        }

        first.Signal("KILL");
        await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await using var restarted = SpokeProcess.Start("webhooks", "listen", "--port", "0", "--secret", secret, "--inbox", inbox);
        await ListenUrlAsync(restarted); // the kernel dropped the dead process's lock
    }

    [Fact]
    public async Task Without_inbox_the_default_is_named_after_the_folder_and_port_and_printed()
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var spoke = SpokeProcess.Start("webhooks", "listen", "--port", "0", "--secret", secret);
        string output;
        try
        {
            output = await spoke.WaitForAsync("Ctrl+C stops.", TimeSpan.FromSeconds(60));
        }
        catch
        {
            await spoke.DisposeAsync();
            throw;
        }

        const string marker = "Inbox ";
        var line = output.Split('\n').First(l => l.StartsWith(marker, StringComparison.Ordinal));
        Assert.Contains("(the default for this folder and port; --inbox FILE chooses another)", line, StringComparison.Ordinal);
        var path = line[marker.Length..line.IndexOf(" (", StringComparison.Ordinal)];
        try
        {
            // In the temp folder, named after the working folder (never the one shared file every receiver used before).
            Assert.StartsWith(Path.Combine(Path.GetTempPath(), "spoke-webhooks-"), path, StringComparison.Ordinal);
            Assert.NotEqual(Path.Combine(Path.GetTempPath(), "spoke-webhooks-inbox.db"), path);
            var folder = Path.GetFileName(Environment.CurrentDirectory.TrimEnd('/')).Replace('.', '_');
            Assert.Contains($"spoke-webhooks-{folder}-", path, StringComparison.Ordinal);
            // The inbox's schema is created as the host starts, which may finish just after the line is printed: wait for it (bounded).
            for (var i = 0; i < 100 && !File.Exists(path); i++)
            {
                await Task.Delay(100);
            }

            Assert.True(File.Exists(path), path);
        }
        finally
        {
            await spoke.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm", path + ".lock" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<string> ListenUrlAsync(SpokeProcess spoke)
    {
        const string marker = "Webhook receiver listening on ";
        var output = await spoke.WaitForAsync(marker, TimeSpan.FromSeconds(60));
        return output.Split('\n').First(l => l.StartsWith(marker, StringComparison.Ordinal))[marker.Length..].Trim();
    }

    [Fact]
    public async Task Listen_without_a_secret_says_how_to_give_one()
    {
        await using var spoke = SpokeProcess.Start("webhooks", "listen", "--port", "0", "--inbox", Path.Combine(_directory, "x.db"));
        Assert.Equal(2, await spoke.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("HUBSPOT_CLIENT_SECRET", spoke.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_lists_dead_letters_and_replays_the_chosen_ones()
    {
        var inbox = Path.Combine(_directory, "inbox.db");
        await using (var store = new SqliteWebhookInboxStore(inbox))
        {
            await store.InitializeAsync();
            await using var connection = await store.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO webhook_inbox (id, dedupe_key, subscription_type, object_key, occurred_at, event_json, received_at, status, attempts, next_attempt_at, last_error, finished_at)
                VALUES (5, 'hs1-a', 'deal.creation', '0-3:1', 1780000000000, '{}', 0, 2, 8, 0, 'System.TimeoutException: downstream timed out', 1),
                       (6, 'hs1-b', 'deal.deletion', '0-3:2', 1780000000000, '{}', 0, 2, 8, 0, 'System.IO.IOException: disk', 1)
                """;
            await insert.ExecuteNonQueryAsync();
        }

        await using (var list = SpokeProcess.Start("webhooks", "replay", "--inbox", inbox))
        {
            Assert.Equal(0, await list.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("2 dead letter(s)", list.Output, StringComparison.Ordinal);
            Assert.Contains("id=5 deal.creation object=0-3:1", list.Output, StringComparison.Ordinal);
            Assert.Contains("reason: System.TimeoutException: downstream timed out", list.Output, StringComparison.Ordinal);
        }

        await using (var replay = SpokeProcess.Start("webhooks", "replay", "--inbox", inbox, "--id", "5"))
        {
            Assert.Equal(0, await replay.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("Replayed 1 dead letter(s)", replay.Output, StringComparison.Ordinal);
        }

        await using (var check = new SqliteWebhookInboxStore(inbox))
        {
            Assert.Equal(new InboxCounts(1, 0, 1), await check.CountAsync());
        }

        await using (var all = SpokeProcess.Start("webhooks", "replay", "--inbox", inbox, "--all"))
        {
            Assert.Equal(0, await all.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        await using (var check = new SqliteWebhookInboxStore(inbox))
        {
            Assert.Equal(new InboxCounts(2, 0, 0), await check.CountAsync());
        }

        await using var missing = SpokeProcess.Start("webhooks", "replay", "--inbox", Path.Combine(_directory, "none.db"), "--all");
        Assert.Equal(2, await missing.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("No inbox at", missing.Output, StringComparison.Ordinal);
    }

    private static Process StartWithSecretInEnvironment(string secret, params string[] args)
    {
        var configuration = typeof(WebhooksCommandTests).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(dir!.FullName, "src", "Spoke.Cli", "bin", configuration, "net10.0", "Spoke.Cli.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["HUBSPOT_CLIENT_SECRET"] = secret;
        return Process.Start(info)!;
    }

    private static async Task WaitForAsync(Func<bool> condition, Func<string> output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out; output so far:\n" + output());
            await Task.Delay(50);
        }
    }
}
