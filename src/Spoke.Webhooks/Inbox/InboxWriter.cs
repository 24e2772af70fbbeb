using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spoke.Webhooks.Events;
using Spoke.Webhooks.Telemetry;

namespace Spoke.Webhooks.Inbox;

/// <summary>
/// Group commit: requests that arrive while a commit is in flight are written together in the next transaction,
/// so one fsync acknowledges many requests. Each request still waits for the commit that holds its events.
/// </summary>
internal sealed class InboxWriter : IAsyncDisposable
{
    private readonly WebhookInboxStore _store;
    private readonly TimeProvider _time;
    private readonly int _maxRequestsPerCommit;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public InboxWriter(WebhookInboxStore store, TimeProvider time, int maxRequestsPerCommit, ILogger? logger = null)
    {
        _store = store;
        _time = time;
        _maxRequestsPerCommit = Math.Max(1, maxRequestsPerCommit);
        _logger = logger ?? NullLogger.Instance;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Raised after each commit, so the dispatcher wakes at once.</summary>
    public event Action? Committed;

    /// <summary>Stores the events (deduplicated) and returns how many were new, once they are committed.</summary>
    public async Task<int> AppendAsync(IReadOnlyList<ParsedWebhookEvent> events, CancellationToken cancellationToken)
    {
        var pending = new Pending(events, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The webhook inbox is shutting down.");
        }

        // A cancelled request (client gone) still gets its events committed: they may be acknowledged by a retry.
        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxRequestsPerCommit);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxRequestsPerCommit && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var inserted = await _store.AppendAsync([.. batch.Select(p => p.Events)], _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(inserted[i]);
                }

                Committed?.Invoke();
            }
            catch (Exception e)
            {
                Log.CommitFailed(_logger, batch.Count, e);
                foreach (var p in batch)
                {
                    p.Done.TrySetException(e);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed record Pending(IReadOnlyList<ParsedWebhookEvent> Events, TaskCompletionSource<int> Done);
}
