using System.Diagnostics;

namespace Spoke.Cli.Tests.Samples;

/// <summary><c>samples/ClientQuickstart</c> runs the contact-to-deal workflow to the end against its in-process emulator.</summary>
public sealed class ClientQuickstartTests
{
    [Fact]
    public async Task The_quickstart_runs_to_completion_without_credentials()
    {
        var configuration = typeof(ClientQuickstartTests).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryRoot(), "samples", "ClientQuickstart", "bin", configuration, "net10.0", "ClientQuickstart.dll");
        Assert.True(File.Exists(dll), $"the sample is not built at {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("grace.hopper@example.org");
        info.Environment.Remove("HUBSPOT_ACCESS_TOKEN"); // never real HubSpot from a test

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the sample did not finish in 90 s; output so far:\n{await stdout}");
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{output}");
        Assert.Contains("Against an in-process emulator", output);
        Assert.Contains("Created contact", output);
        Assert.Contains("Created company", output);
        Assert.Contains("Moved deal", output);
        Assert.Contains("to closedwon (Closed Won).", output);
        Assert.Contains("Search found deal", output);
        Assert.Contains("stage closedwon", output);
        Assert.Contains("Done: contact ", output);
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
