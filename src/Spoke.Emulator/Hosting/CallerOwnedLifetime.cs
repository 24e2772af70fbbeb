using Microsoft.Extensions.Hosting;

namespace Spoke.Emulator.Hosting;

/// <summary>
/// A host lifetime that hooks no process signals: whoever started the emulator owns Ctrl+C and SIGTERM and stops it
/// by disposing it (<see cref="HubSpotEmulatorOptions.HandleShutdownSignals"/> is false).
/// </summary>
internal sealed class CallerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
