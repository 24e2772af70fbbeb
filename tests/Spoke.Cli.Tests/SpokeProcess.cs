using System.Diagnostics;
using System.Text;

namespace Spoke.Cli.Tests;

/// <summary>Runs the built <c>spoke</c> CLI as a child process and reads what it prints.</summary>
internal sealed class SpokeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly SemaphoreSlim _lines = new(0);

    private SpokeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }

            Append(e.Data);
        };
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

    /// <summary>What the process wrote to stderr only.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static SpokeProcess Start(params string[] args) => StartWith(new Dictionary<string, string>(), args);

    /// <summary>
    /// Runs the CLI with extra environment. Unless <paramref name="environment"/> names one, every process gets an auth
    /// folder of its own that does not exist (SPOKE_AUTH_DIR), so no login of the machine's user changes what it talks to.
    /// </summary>
    public static SpokeProcess StartWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Isolate(info, environment);
        info.ArgumentList.Add(CliDll());
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new SpokeProcess(Process.Start(info)!);
    }

    /// <summary>Runs the CLI from <c>/bin/sh</c> after <paramref name="shellSetup"/> (e.g. <c>ulimit</c>), with extra environment.</summary>
    public static SpokeProcess StartInShell(string shellSetup, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"{shellSetup}; exec dotnet \"$@\"");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(CliDll());
        Isolate(info, environment);

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

    /// <summary>A fresh auth folder path that is never created by the test.</summary>
    public static string NewAuthDirectory() => Path.Combine(Path.GetTempPath(), "spoke-auth-test-" + Guid.NewGuid().ToString("N"));

    private static void Isolate(ProcessStartInfo info, IReadOnlyDictionary<string, string> environment)
    {
        info.Environment["SPOKE_AUTH_DIR"] = NewAuthDirectory();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
    }

    private static string CliDll()
    {
        var configuration = typeof(SpokeProcess).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(FindRepositoryRoot(), "src", "Spoke.Cli", "bin", configuration, "net10.0", "Spoke.Cli.dll");
        Assert.True(File.Exists(dll), $"the CLI is not built at {dll}");
        return dll;
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

    public static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Spoke.slnx not found above the test assembly");
    }
}
