using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Search;

/// <summary>
/// What search sees of one store under index lag (<see cref="FidelityOptions.SearchIndexLagMilliseconds"/>): for each
/// record written within the lag window, the state it had before the write, and when the write becomes visible.
/// Until then filters, sorts and returned properties all read that earlier state: a new record is not found, an
/// updated one is found by (and returns) its old values, an archived one is still found. With no lag nothing is
/// recorded and every record is seen as it is. GDPR deletes and merges show at once (they leave no state to see).
/// Runs under the portal lock, as the store events do.
/// </summary>
internal sealed class SearchView(ObjectStore store, EmulatorClock clock, Func<long> lagMilliseconds)
{
    // Per record, the writes not yet visible, oldest first; each holds the state before it (null: did not exist).
    private readonly Dictionary<long, List<PendingWrite>> _pending = [];

    /// <summary>True when every record is seen as it is now (always, without lag).</summary>
    public bool IsCurrent => _pending.Count == 0;

    /// <summary>Ids of the records seen in an earlier state.</summary>
    public IReadOnlyCollection<long> LaggingIds => _pending.Keys;

    /// <summary>Forgets writes whose lag has passed; call once per search, before reading the view.</summary>
    public void Expire()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var now = NowMs();
        List<long>? done = null;
        foreach (var (id, writes) in _pending)
        {
            writes.RemoveAll(w => w.VisibleAt <= now);
            if (writes.Count == 0)
            {
                (done ??= []).Add(id);
            }
        }

        foreach (var id in done ?? [])
        {
            _pending.Remove(id);
        }
    }

    /// <summary>The record as search sees it: itself, its earlier state, or null when search does not know it yet.</summary>
    public CrmRecord? Visible(CrmRecord current) =>
        _pending.Count > 0 && _pending.TryGetValue(current.Id, out var writes) ? writes[0].Before : current;

    /// <summary>Number of live records search sees.</summary>
    public int VisibleLiveCount()
    {
        var count = store.LiveCount;
        foreach (var (id, writes) in _pending)
        {
            var current = store.Find(id);
            var before = writes[0].Before;
            count += (IsLive(before) ? 1 : 0) - (IsLive(current) ? 1 : 0);
        }

        return count;
    }

    public void OnRecordAdded(CrmRecord record) => Remember(record, static _ => null);

    public void OnPropertyChanged(CrmRecord record, string name, string? oldValue) =>
        Remember(record, r => Before(r, name, oldValue));

    public void OnLivenessChanged(CrmRecord record)
    {
        if (record.Deleted)
        {
            _pending.Remove(record.Id);
            return;
        }

        Remember(record, static r =>
        {
            var before = Copy(r);
            before.Archived = !r.Archived;
            before.ArchivedAt = before.Archived ? r.ArchivedAt : null;
            return before;
        });
    }

    private static bool IsLive(CrmRecord? r) => r is { Archived: false, Deleted: false };

    private long NowMs() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private void Remember(CrmRecord record, Func<CrmRecord, CrmRecord?> stateBefore)
    {
        var lag = lagMilliseconds();
        if (lag <= 0 || record.Deleted)
        {
            return;
        }

        var now = NowMs();
        if (_pending.TryGetValue(record.Id, out var writes))
        {
            // Several changes at one instant are one write (a PATCH raises one event per property): the state before
            // the first of them is the state before the write.
            if (writes[^1].WrittenAt == now)
            {
                return;
            }
        }
        else
        {
            writes = [];
            _pending[record.Id] = writes;
        }

        // A later write never shows before an earlier one, even if the lag was shortened in between.
        var visibleAt = Math.Max(now + lag, writes.Count > 0 ? writes[^1].VisibleAt : 0);
        writes.Add(new PendingWrite(now, visibleAt, stateBefore(record)));
    }

    // The store raises PropertyChanged after the change: put the old value back on a copy.
    private static CrmRecord Before(CrmRecord record, string name, string? oldValue)
    {
        var before = Copy(record);
        record.Properties.TryGetValue(name, out var now);
        if (now?.Previous is { } previous && (previous.Value.Length > 0 ? previous.Value : null) == oldValue)
        {
            before.Properties[name] = previous;
        }
        else if (oldValue is null)
        {
            before.Properties.Remove(name);
        }
        else
        {
            before.Properties[name] = new PropertyValue(oldValue, now?.Timestamp ?? record.UpdatedAt, "API", null, null);
        }

        return before;
    }

    private static CrmRecord Copy(CrmRecord record)
    {
        var copy = new CrmRecord(record.Id)
        {
            CreatedAt = record.CreatedAt,
            UpdatedAt = record.UpdatedAt,
            Archived = record.Archived,
            ArchivedAt = record.ArchivedAt,
        };
        foreach (var (name, value) in record.Properties)
        {
            copy.Properties[name] = value;
        }

        return copy;
    }

    private readonly record struct PendingWrite(long WrittenAt, long VisibleAt, CrmRecord? Before);
}
