namespace Spoke.Emulator.Hosting;

/// <summary>
/// The background work of imports and exports: one task per job, which waits here between chunks while the gate is
/// paused (<see cref="HubSpotEmulator.BulkJobsPaused"/>), so a test sees STARTED or PROCESSING for as long as it needs
/// without sleeping. Disposing stops every job at its next chunk.
/// </summary>
internal sealed class BulkJobGate : IDisposable
{
    private readonly object _sync = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private TaskCompletionSource _resumed = NewResumed();
    private bool _paused;

    public bool Paused
    {
        get
        {
            lock (_sync)
            {
                return _paused;
            }
        }
        set
        {
            lock (_sync)
            {
                if (_paused == value)
                {
                    return;
                }

                _paused = value;
                if (value)
                {
                    _resumed = NewResumed();
                }
                else
                {
                    _resumed.TrySetResult();
                }
            }
        }
    }

    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Waits while paused; throws <see cref="OperationCanceledException"/> once the emulator stops.</summary>
    public Task WaitWhilePausedAsync()
    {
        Task wait;
        lock (_sync)
        {
            wait = _paused ? _resumed.Task : Task.CompletedTask;
        }

        return wait.WaitAsync(_stopping.Token);
    }

    /// <summary>Runs a job in the background.</summary>
    public void Run(Func<CancellationToken, Task> job)
    {
        var task = Task.Run(() => job(_stopping.Token));
        lock (_sync)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }
    }

    /// <summary>Stops the jobs and waits (briefly) for them to leave the portal lock.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_sync)
        {
            running = [.. _running];
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // A job stopped mid-chunk: in-flight imports need not survive a stop (documented).
        }
    }

    public void Dispose() => _stopping.Dispose();

    private static TaskCompletionSource NewResumed() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
