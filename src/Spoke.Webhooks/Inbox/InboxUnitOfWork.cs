using System.Data.Common;

namespace Spoke.Webhooks.Inbox;

/// <summary>
/// Handling one event: a connection to the inbox and the transaction that will mark the event processed. A handler
/// that writes its effects through this transaction gets them committed together with the mark, or not at all.
/// </summary>
internal sealed class InboxUnitOfWork : IAsyncDisposable
{
    private readonly WebhookInboxStore _store;
    private readonly Func<DbConnection, CancellationToken, Task<DbTransaction>> _begin;
    private DbTransaction? _transaction;
    private IDisposable? _writing;
    private bool _completed;

    public InboxUnitOfWork(WebhookInboxStore store, DbConnection connection, DbTransaction? transaction, Func<DbConnection, CancellationToken, Task<DbTransaction>> begin, InboxEvent inboxEvent)
    {
        _store = store;
        Connection = connection;
        _transaction = transaction;
        _begin = begin;
        Event = inboxEvent;
    }

    public DbConnection Connection { get; }

    public InboxEvent Event { get; }

    /// <summary>The unit's transaction, begun on first use (on SQLite that is when the write lock is taken).</summary>
    public async ValueTask<DbTransaction> GetTransactionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_transaction is null)
        {
            _writing ??= await _store.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
            _transaction = await _begin(Connection, cancellationToken).ConfigureAwait(false);
        }

        return _transaction;
    }

    /// <summary>Marks the event processed and commits; false (rolled back) if it was no longer pending.</summary>
    public async Task<bool> CompleteAsync(int attempts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var transaction = await GetTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await _store.MarkProcessedAsync(Connection, transaction, Event.Id, attempts, now, cancellationToken).ConfigureAwait(false))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            Finish();
            return false;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Finish();
        return true;
    }

    private void Finish()
    {
        _completed = true;
        _writing?.Dispose();
        _writing = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync().ConfigureAwait(false); // rolls back when not committed
        }

        Finish();
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
