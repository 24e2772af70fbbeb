using Microsoft.Extensions.Hosting;

namespace Spoke.Emulator.Hosting;

/// <summary>
/// The emulator is embedded in someone else's process (a test run, the CLI): it must not take over Ctrl+C and
/// SIGTERM the way the default console lifetime does. Its owner stops it with <see cref="HubSpotEmulator.DisposeAsync"/>;
/// two SIGTERM handlers in one process (the console lifetime's and the CLI's) also made shutdown hang now and then.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
