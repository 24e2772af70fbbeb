using System.Diagnostics;
using System.Globalization;

namespace Spoke.Sync.Tests.Infrastructure;

/// <summary>
/// Runs tests/Spoke.Sync.TestHost as a child process (the database string goes in the environment) and reads the
/// batches it reports committed.
/// </summary>
internal sealed class SyncHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private SyncHostProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public bool HasExited => _process.HasExited;

    public static SyncHostProcess Start(string database, int batches, int size, long portal)
    {
        var configuration = typeof(SyncHostProcess).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        var dll = Path.Combine(dir!.FullName, "tests", "Spoke.Sync.TestHost", "bin", configuration, "net10.0", "Spoke.Sync.TestHost.dll");
        Assert.True(File.Exists(dll), $"the test host is not built at {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--batches", batches.ToString(CultureInfo.InvariantCulture), "--size", size.ToString(CultureInfo.InvariantCulture), "--portal", portal.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["SPOKE_SYNC_DATABASE"] = database;
        return new SyncHostProcess(Process.Start(info)!);
    }

    /// <summary>The next "committed k" the host prints; null when it printed "done" or exited.</summary>
    public async Task<int?> NextCommittedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await _process.WaitForExitAsync(timeout.Token);
                Assert.True(_process.ExitCode == 0, $"the test host failed ({_process.ExitCode}): {await _stderr}");
                return null;
            }

            if (line.StartsWith("committed ", StringComparison.Ordinal))
            {
                return int.Parse(line["committed ".Length..], CultureInfo.InvariantCulture);
            }

            if (line == "done")
            {
                return null;
            }
        }
    }

    /// <summary>After <see cref="KillNine"/>: every "committed k" the host printed before it died (still in the pipe).</summary>
    public async Task<List<int>> DrainCommittedAsync()
    {
        var committed = new List<int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("committed ", StringComparison.Ordinal))
            {
                committed.Add(int.Parse(line["committed ".Length..], CultureInfo.InvariantCulture));
            }
        }

        return committed;
    }

    /// <summary>SIGKILL: no shutdown code runs, and whatever transaction is open dies with the process.</summary>
    public void KillNine()
    {
        _process.Kill(); // SIGKILL on Unix
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
}
