using Microsoft.Extensions.Hosting;

namespace Spoke.Cli.Hosting;

/// <summary>
/// A host lifetime that hooks no process signals: System.CommandLine owns Ctrl+C and SIGTERM (its cancellation token
/// ends the command, which then stops the host). A ConsoleLifetime beside it would turn one signal into two racing
/// shutdowns.
/// </summary>
internal sealed class CommandOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
