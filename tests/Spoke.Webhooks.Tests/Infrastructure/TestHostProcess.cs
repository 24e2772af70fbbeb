using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Spoke.Webhooks.Inbox;

namespace Spoke.Webhooks.Tests.Infrastructure;

/// <summary>
/// Runs tests/Spoke.Webhooks.TestHost as a child process (the secret goes in the environment, not argv). Its handler
/// writes each handled event's dedupe key to an <c>effects</c> table inside the inbox transaction.
/// </summary>
internal sealed class TestHostProcess : IAsyncDisposable
{
    private const string Marker = "Receiver listening on ";
    private readonly Process _process;

    private TestHostProcess(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    /// <summary>The webhook URL (with <c>?source=kill9</c>, so the signed URI carries a query).</summary>
    public Uri Endpoint { get; }

    public int Port => Endpoint.Port;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the host on <paramref name="port"/> (0: a free one; pass the old port to restart in place).</summary>
    /// <param name="tolerance">The v3 timestamp window, for a sender whose clock the test moves ahead.</param>
    public static async Task<TestHostProcess> StartAsync(string inbox, string secret, int port = 0, TimeSpan? tolerance = null)
    {
        var configuration = typeof(TestHostProcess).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        var dll = Path.Combine(dir!.FullName, "tests", "Spoke.Webhooks.TestHost", "bin", configuration, "net10.0", "Spoke.Webhooks.TestHost.dll");
        Assert.True(File.Exists(dll), $"the test host is not built at {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string> { dll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inbox", inbox };
        if (tolerance is { } window)
        {
            args.AddRange(["--tolerance", window.ToString("c", System.Globalization.CultureInfo.InvariantCulture)]);
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["SPOKE_WEBHOOK_SECRET"] = secret;
        var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                Assert.Fail($"the test host exited before listening: {await stderr}");
            }

            if (line!.StartsWith(Marker, StringComparison.Ordinal))
            {
                return new TestHostProcess(process, new Uri(line[Marker.Length..].Trim() + "?source=kill9"));
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void KillNine()
    {
        _process.Kill(); // Process.Kill sends SIGKILL on Unix
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The inbox's counts (readable while the host runs: WAL).</summary>
    public static async Task<InboxCounts> CountsAsync(string inbox)
    {
        await using var store = new SqliteWebhookInboxStore(inbox, exclusive: false); // beside the running host
        return await store.CountAsync();
    }

    /// <summary>Effect rows per dedupe key.</summary>
    public static async Task<Dictionary<string, long>> EffectsAsync(string inbox)
    {
        await using var store = new SqliteWebhookInboxStore(inbox, exclusive: false); // beside the running host
        await using var connection = await store.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT dedupe_key, COUNT(*) FROM effects GROUP BY dedupe_key";
        var effects = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            effects[reader.GetString(0)] = reader.GetInt64(1);
        }

        return effects;
    }

    /// <summary>Every stored event: its JSON (as received) and how many effect rows its dedupe key has.</summary>
    public static async Task<List<(string Json, long Effects)>> StoredEventsAsync(string inbox)
    {
        await using var store = new SqliteWebhookInboxStore(inbox, exclusive: false); // beside the running host
        await using var connection = await store.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT i.event_json, (SELECT COUNT(*) FROM effects f WHERE f.dedupe_key = i.dedupe_key)
            FROM webhook_inbox i ORDER BY i.id
            """;
        var rows = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    /// <summary>Lets a test delete the inbox directory after the pooled connections are gone.</summary>
    public static void ReleaseFiles() => SqliteConnection.ClearAllPools();
}
