using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Spoke.Sync.Store;

namespace Spoke.Cli.Tests.Samples;

/// <summary><c>samples/SyncWorker</c> syncs its in-process emulator's demo portal on start and stops cleanly on Ctrl+C.</summary>
public sealed class SyncWorkerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-worker-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_worker_mirrors_the_demo_portal_on_start_logs_progress_and_status_and_stops_on_SIGINT()
    {
        var configuration = typeof(SyncWorkerTests).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var folder = Path.Combine(RepositoryRoot(), "samples", "SyncWorker", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(folder, "SyncWorker.dll")), $"the sample is not built in {folder}");
        var database = Path.Combine(_directory, "mirror.db");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        info.ArgumentList.Add("SyncWorker.dll");
        info.Environment.Remove("HUBSPOT_ACCESS_TOKEN"); // never real HubSpot from a test
        info.Environment["HubSpotSync__Database"] = "sqlite:" + database;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";

        using var process = Process.Start(info)!;
        var lines = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!lines.Any(l => l.Contains("status deals: Incremental, 100 records", StringComparison.Ordinal)))
            {
                Assert.False(process.HasExited, "the worker exited early:\n" + string.Join('\n', lines));
                Assert.True(DateTime.UtcNow < deadline, "no status after the first run in 90 s:\n" + string.Join('\n', lines));
                await Task.Delay(50);
            }

            using (var signal = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exit.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var output = string.Join('\n', lines);
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{output}");
        Assert.Contains("No access token: syncing an in-process emulator's demo portal", output);
        Assert.Contains("contacts: backfill, 100 records", output);
        Assert.Contains("contacts (backfill): 200 records, 500 edges, 0 deletes, 0 merges: ok", output);
        Assert.Contains("Sync of portal", output);

        await using var store = await SqliteSyncStore.OpenAsync(database);
        var run = (await store.GetRecentRunsAsync(new Spoke.Emulator.HubSpotEmulatorOptions().PortalId, 5))[^1];
        Assert.Equal(SyncRunStatus.Succeeded, run.Status);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Spoke.slnx not found above the test assembly");
    }
}
