using System.Runtime.CompilerServices;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Search;

/// <summary>
/// The search indexes of one portal: per object store, per property, a hash from normalized value to the ids of
/// the live records holding it. Indexes are built on first use of a property (so 1M contacts cost memory only for
/// the properties people filter on) and kept current from the store's change events. Every method runs under the
/// portal lock, as the store events do.
/// </summary>
internal sealed class SearchIndexes
{
    private static readonly ConditionalWeakTable<PortalState, SearchIndexes> ByPortal = new();

    private readonly PortalState _portal;
    private readonly Dictionary<ObjectStore, StoreIndex> _stores = new(ReferenceEqualityComparer.Instance);

    private SearchIndexes(PortalState portal)
    {
        _portal = portal;
        LagMilliseconds = Math.Max(0, portal.Fidelity.SearchIndexLagMilliseconds);
        portal.StoreAdded += Attach;
        portal.WasReset += OnReset;
        using var _ = portal.Read();
        foreach (var store in portal.Stores.Values)
        {
            Attach(store);
        }
    }

    /// <summary>
    /// How long (emulator-clock milliseconds) a write stays invisible to search; 0 = at once. Applies to writes made
    /// after it is set; survives a reset, like the rate-limit tier.
    /// </summary>
    public long LagMilliseconds { get; set; }

    /// <summary>The indexes of <paramref name="portal"/>, attached to its stores on first call.</summary>
    public static SearchIndexes For(PortalState portal) => ByPortal.GetValue(portal, p => new SearchIndexes(p));

    /// <summary>The index of one store (attached now if it was created before we listened).</summary>
    public StoreIndex Of(ObjectStore store)
    {
        if (!_stores.TryGetValue(store, out var index))
        {
            Attach(store);
            index = _stores[store];
        }

        return index;
    }

    private void Attach(ObjectStore store)
    {
        if (!_stores.ContainsKey(store))
        {
            _stores[store] = new StoreIndex(store, new SearchView(store, _portal.Clock, () => LagMilliseconds));
        }
    }

    // A reset replaces every store; forget the old ones (WasReset is raised outside the portal lock).
    private void OnReset()
    {
        using var _ = _portal.Read();
        var live = new HashSet<ObjectStore>(_portal.Stores.Values, ReferenceEqualityComparer.Instance);
        foreach (var store in _stores.Keys.Where(s => !live.Contains(s)).ToList())
        {
            _stores[store].Detach();
            _stores.Remove(store);
        }

        foreach (var store in live)
        {
            Attach(store);
        }
    }
}

/// <summary>
/// The indexes of one store: value hashes for EQ/IN, sorted orders for ranges and sorts, and the lag view. Value
/// indexes only ever need to be a superset of the truth for the live records: every
/// candidate is re-checked against the full filter, so an id left behind (a GDPR delete clears values before it
/// tells us) costs nothing but a lookup. Every store change raises an event; should one ever change without (a
/// version gap), the indexes are rebuilt on next use.
/// </summary>
internal sealed class StoreIndex
{
    private readonly ObjectStore _store;
    private readonly Dictionary<string, ValueIndex> _byProperty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedIndex> _sorted = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];
    private long _syncedVersion;

    public StoreIndex(ObjectStore store, SearchView view)
    {
        _store = store;
        View = view;
        _syncedVersion = store.Version;
        store.PropertyChanged += OnPropertyChanged;
        store.LivenessChanged += OnLivenessChanged;
        store.RecordAdded += OnRecordAdded;
    }

    /// <summary>What search sees of the store's records (their earlier state while a write lags).</summary>
    public SearchView View { get; }

    public void Detach()
    {
        _store.PropertyChanged -= OnPropertyChanged;
        _store.LivenessChanged -= OnLivenessChanged;
        _store.RecordAdded -= OnRecordAdded;
        _byProperty.Clear();
        _sorted.Clear();
    }

    /// <summary>The sorted index for <paramref name="def"/>, built (or rebuilt) now if needed.</summary>
    public SortedIndex Sorted(PropertyDefinition def)
    {
        SyncVersion();
        var kind = SearchValues.KindOf(def);
        if (!_sorted.TryGetValue(def.Name, out var index) || index.Kind != kind)
        {
            index = new SortedIndex(_store, def.Name, kind);
            _sorted[def.Name] = index;
        }

        index.EnsureBuilt();
        return index;
    }

    private void SyncVersion()
    {
        if (_store.Version != _syncedVersion)
        {
            _byProperty.Clear();
            foreach (var sorted in _sorted.Values)
            {
                sorted.Invalidate();
            }

            _syncedVersion = _store.Version;
        }
    }

    /// <summary>Number of property indexes built (for tests and diagnostics).</summary>
    public int BuiltCount => _byProperty.Count;

    /// <summary>The equality index for <paramref name="def"/>, built now if needed.</summary>
    public ValueIndex For(PropertyDefinition def)
    {
        SyncVersion();

        var kind = SearchValues.KindOf(def);
        if (_byProperty.TryGetValue(def.Name, out var index) && index.Kind == kind)
        {
            return index;
        }

        index = new ValueIndex(kind);
        foreach (var record in _store.All())
        {
            if (!record.Archived && record.Get(def.Name) is { } value)
            {
                SearchValues.Keys(kind, value, _keys);
                foreach (var key in _keys)
                {
                    index.Add(key, record.Id);
                }
            }
        }

        _byProperty[def.Name] = index;
        return index;
    }

    private void Track()
    {
        // Each evented change bumps the version by exactly one; anything else is a change we did not see.
        if (_store.Version == _syncedVersion + 1)
        {
            _syncedVersion++;
        }
    }

    private void OnPropertyChanged(CrmRecord record, string name, string? oldValue, string? newValue)
    {
        Track();
        View.OnPropertyChanged(record, name, oldValue);
        if (_sorted.TryGetValue(name, out var sorted))
        {
            sorted.OnPropertyChanged(record, oldValue);
        }

        if (!_byProperty.TryGetValue(name, out var index) || record.Archived || record.Deleted)
        {
            return;
        }

        if (oldValue is not null)
        {
            SearchValues.Keys(index.Kind, oldValue, _keys);
            foreach (var key in _keys)
            {
                index.Remove(key, record.Id);
            }
        }

        if (newValue is not null)
        {
            SearchValues.Keys(index.Kind, newValue, _keys);
            foreach (var key in _keys)
            {
                index.Add(key, record.Id);
            }
        }
    }

    private void OnLivenessChanged(CrmRecord record)
    {
        Track();
        View.OnLivenessChanged(record);
        foreach (var sorted in _sorted.Values)
        {
            sorted.OnLivenessChanged(record);
        }

        IndexValues(record, !record.Archived && !record.Deleted);
    }

    // A created record holds no values yet (they follow as PropertyChanged); a restored one holds them all.
    private void OnRecordAdded(CrmRecord record)
    {
        Track();
        View.OnRecordAdded(record);
        foreach (var sorted in _sorted.Values)
        {
            sorted.OnRecordAdded(record);
        }

        if (!record.Archived && !record.Deleted)
        {
            IndexValues(record, add: true);
        }
    }

    private void IndexValues(CrmRecord record, bool add)
    {
        foreach (var (name, index) in _byProperty)
        {
            if (record.Get(name) is not { } value)
            {
                continue;
            }

            SearchValues.Keys(index.Kind, value, _keys);
            foreach (var key in _keys)
            {
                if (add)
                {
                    index.Add(key, record.Id);
                }
                else
                {
                    index.Remove(key, record.Id);
                }
            }
        }
    }
}

/// <summary>
/// Normalized value → record ids. Most values of an indexed property (emails, ids) belong to one record, so a
/// single id is stored inline and a set is made only for shared values: 1M distinct emails cost one dictionary.
/// </summary>
internal sealed class ValueIndex(ValueKind kind)
{
    private readonly Dictionary<string, long> _single = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<long>> _many = new(StringComparer.Ordinal);

    public ValueKind Kind { get; } = kind;

    public void Add(string key, long id)
    {
        if (_many.TryGetValue(key, out var set))
        {
            set.Add(id);
        }
        else if (_single.TryGetValue(key, out var other))
        {
            if (other != id)
            {
                _single.Remove(key);
                _many[key] = [other, id];
            }
        }
        else
        {
            _single[key] = id;
        }
    }

    public void Remove(string key, long id)
    {
        if (_single.TryGetValue(key, out var holder))
        {
            if (holder == id)
            {
                _single.Remove(key);
            }
        }
        else if (_many.TryGetValue(key, out var set) && set.Remove(id))
        {
            if (set.Count == 1)
            {
                _single[key] = set.First();
                _many.Remove(key);
            }
        }
    }

    /// <summary>How many ids hold <paramref name="key"/> (for choosing the most selective filter).</summary>
    public int Count(string key) =>
        _single.ContainsKey(key) ? 1 : _many.TryGetValue(key, out var set) ? set.Count : 0;

    public void CollectInto(string key, HashSet<long> into)
    {
        if (_single.TryGetValue(key, out var id))
        {
            into.Add(id);
        }
        else if (_many.TryGetValue(key, out var set))
        {
            into.UnionWith(set);
        }
    }
}
