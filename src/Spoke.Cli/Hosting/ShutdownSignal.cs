using System.Runtime.InteropServices;

namespace Spoke.Cli.Hosting;

/// <summary>
/// Ctrl+C and SIGTERM as a cancellation token for a long-running command, registered the moment the command starts.
/// System.CommandLine registers its own handlers only after the command's first await has returned, so a signal that
/// arrives while a server is still starting would otherwise kill the process (143) or, with another handler
/// cancelling the kill, be lost and leave the command running forever.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _terminate;
    private readonly PosixSignalRegistration _interrupt;

    public ShutdownSignal(CancellationToken commandToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    /// <summary>Cancelled on Ctrl+C, SIGTERM, or when the command's own token is.</summary>
    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _terminate.Dispose();
        _interrupt.Dispose();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Stop cleanly instead of dying; the shutdown runs on the thread pool, not on the signal thread.
        context.Cancel = true;
        _ = _stop.CancelAsync();
    }
}
