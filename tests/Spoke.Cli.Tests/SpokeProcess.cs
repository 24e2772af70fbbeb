using System.Diagnostics;
using System.Text;

namespace Spoke.Cli.Tests;

/// <summary>Runs the built <c>spoke</c> CLI as a child process and reads what it prints.</summary>
internal sealed class SpokeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly SemaphoreSlim _lines = new(0);

    private SpokeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static SpokeProcess Start(params string[] args)
    {
        var configuration = typeof(SpokeProcess).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = FindRepositoryRoot();
        var dll = Path.Combine(root, "src", "Spoke.Cli", "bin", configuration, "net10.0", "spoke.dll");
        Assert.True(File.Exists(dll), $"the CLI is not built at {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new SpokeProcess(Process.Start(info)!);
    }

    /// <summary>Waits (bounded) until the output contains <paramref name="text"/>.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _process.HasExited && !Output.Contains(text, StringComparison.Ordinal) && !await _lines.WaitAsync(200))
            {
                throw new TimeoutException($"'{text}' did not appear; output so far:\n{Output}");
            }

            await _lines.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }

        return Output;
    }

    /// <summary>The URL from "HubSpot emulator listening on URL".</summary>
    public async Task<Uri> ListeningUriAsync()
    {
        const string marker = "HubSpot emulator listening on ";
        var output = await WaitForAsync(marker);
        var line = output.Split('\n').First(l => l.StartsWith(marker, StringComparison.Ordinal));
        return new Uri(line[marker.Length..].Trim() + "/");
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill!.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Say what the process had printed: a hang at shutdown is otherwise a bare TaskCanceledException.
            throw new TimeoutException($"spoke did not exit within {timeout.TotalSeconds:0} s; output so far:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        _lines.Release();
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Spoke.slnx not found above the test assembly");
    }
}
