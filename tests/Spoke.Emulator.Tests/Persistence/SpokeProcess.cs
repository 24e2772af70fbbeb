using System.Diagnostics;

namespace Spoke.Emulator.Tests.Persistence;

/// <summary>
/// The built <c>spoke</c> CLI (src/Spoke.Cli, built alongside this test project) running as a child process.
/// Disposing kills it if it still runs.
/// </summary>
public sealed class SpokeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Uri? _baseUri;

    private SpokeProcess(Process process, Uri? baseUri, List<string> output)
    {
        _process = process;
        _baseUri = baseUri;
        Output = output;
    }

    public Uri BaseUri => _baseUri ?? throw new InvalidOperationException("This process was not waited for until it listened.");

    /// <summary>The lines it printed until it was ready.</summary>
    public IReadOnlyList<string> Output { get; }

    /// <summary>Starts <c>spoke args...</c> and waits for the emulator's "listening on URL" line.</summary>
    public static Task<SpokeProcess> StartAsync(params string[] args) => StartUntilAsync(untilLine: null, args);

    /// <summary>Starts <c>spoke args...</c> and waits until it prints a line containing <paramref name="untilLine"/>
    /// (null: the "listening on URL" line).</summary>
    public static async Task<SpokeProcess> StartUntilAsync(string? untilLine, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliPath());
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        try
        {
            const string marker = "listening on ";
            var output = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.Add(line);
                if (untilLine is not null && line.Contains(untilLine, StringComparison.Ordinal))
                {
                    return new SpokeProcess(process, null, output);
                }

                var at = line.IndexOf(marker, StringComparison.Ordinal);
                if (untilLine is null && at >= 0)
                {
                    return new SpokeProcess(process, new Uri(line[(at + marker.Length)..].Trim() + "/"), output);
                }
            }

            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            throw new InvalidOperationException($"spoke exited without printing '{untilLine ?? marker}':\n{string.Join('\n', output)}\n{error}");
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing.</summary>
    public void Kill() => Kill(_process);

    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit();
        }
    }

    /// <summary>Spoke.Cli.dll of the same configuration as this test assembly.</summary>
    private static string CliPath()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = here.Name;                 // net10.0
        var configuration = here.Parent!.Name;     // Debug or Release
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Spoke.Cli", "bin", configuration, framework, "Spoke.Cli.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Spoke.Cli.dll ({configuration}/{framework}) not found above {here.FullName}; build src/Spoke.Cli.");
    }
}
