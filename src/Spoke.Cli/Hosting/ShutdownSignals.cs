using System.Runtime.InteropServices;

namespace Spoke.Cli.Hosting;

/// <summary>
/// The command's cancellation token, also cancelled by Ctrl+C and SIGTERM from the moment the command starts.
/// System.CommandLine hooks those signals only once the action has returned its first incomplete task: an action
/// that starts a server synchronously and prints its address leaves a window in which a signal (say from a script
/// that waited for that line) found only the web host's ConsoleLifetime, which swallowed it and stopped nothing, so
/// the process never exited. Hooking them first closes the window.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly List<PosixSignalRegistration> _registrations = [];

    public ShutdownSignals(CancellationToken commandToken)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // Not on this platform: System.CommandLine's own handling still applies.
            }
        }
    }

    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the command stops its host and returns; the process then exits with its code
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The command had already finished.
        }
    }
}
