using Microsoft.Extensions.Hosting;

namespace Spoke.Cli.Hosting;

/// <summary>
/// A host run by a command: System.CommandLine already turns Ctrl+C and SIGTERM into the command's cancellation
/// token, so the host must not register its own signal handlers (two SIGTERM handlers made shutdown hang now and then).
/// </summary>
internal sealed class CommandHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
