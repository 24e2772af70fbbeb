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
            using var good = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
            good.Headers.Add("X-HubSpot-Signature", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret + body))));
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.SendAsync(good)).StatusCode);
            using var forged = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
            forged.Headers.Add("X-HubSpot-Signature", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("guess" + body))));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);

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
        info.ArgumentList.Add(Path.Combine(dir!.FullName, "src", "Spoke.Cli", "bin", configuration, "net10.0", "spoke.dll"));
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
