using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Search;

/// <summary>A sort or range value parsed once: a number (numbers, instants as epoch ms) or text; Missing when unset or unreadable.</summary>
internal readonly record struct SortKey(bool Missing, decimal Number, string? Text)
{
    public static readonly SortKey None = new(true, 0, null);

    public static SortKey For(string? value, ValueKind kind)
    {
        if (value is null)
        {
            return None;
        }

        return kind switch
        {
            ValueKind.Number => SearchValues.TryNumber(value, out var d) ? new(false, d, null) : None,
            ValueKind.Instant => SearchValues.TryInstant(value, out var ms) ? new(false, ms, null) : None,
            _ => new(false, 0, value),
        };
    }

    /// <summary>Ascending order of two present keys: numbers numerically, option values case-sensitively, text case-insensitively.</summary>
    public static int Compare(in SortKey a, in SortKey b, ValueKind kind) => kind switch
    {
        ValueKind.Number or ValueKind.Instant => a.Number.CompareTo(b.Number),
        ValueKind.Enumeration => string.CompareOrdinal(a.Text, b.Text),
        _ => CompareLowercase(a.Text!, b.Text!),
    };

    // Text sorts case-insensitively, in the same order the range filters use (lowercase ordinal), without allocating.
    private static int CompareLowercase(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = char.ToLowerInvariant(a[i]).CompareTo(char.ToLowerInvariant(b[i]));
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}

/// <summary>A range bound of a filter: the key, and whether records holding exactly it are inside.</summary>
internal readonly record struct RangeBound(SortKey Key, bool Inclusive);

/// <summary>
/// The live records of one store in the order of one property's values (ties by id), built on first use. It lets a
/// sorted search walk its results in order and stop after the page, and a range filter find its slice by binary
/// search instead of reading every record. Changes after the build do not move entries: the ids they touch are
/// kept aside with what the arrays hold for them (<see cref="Changed"/>), and searches read those records directly.
/// When too many pile up, or a change left nothing to know the old entry by (a GDPR delete), the next use rebuilds.
/// </summary>
internal sealed class SortedIndex(ObjectStore store, string property, ValueKind kind)
{
    private readonly Dictionary<long, SortKey?> _changed = [];
    private IndexEntry[] _present = [];
    private long[] _missing = [];
    private bool _stale = true;

    public string Property { get; } = property;
    public ValueKind Kind { get; } = kind;

    /// <summary>Records whose entry may be out of date → the key the arrays hold for them (null: none; Missing: in the tail).</summary>
    public IReadOnlyDictionary<long, SortKey?> Changed => _changed;

    /// <summary>Entries holding a value (the slice positions run over these).</summary>
    public int PresentCount => _present.Length;

    /// <summary>Entries held: live records at the last build.</summary>
    public int Count => _present.Length + _missing.Length;

    public void EnsureBuilt()
    {
        if (!_stale)
        {
            return;
        }

        var present = new List<IndexEntry>(store.LiveCount);
        var missing = new List<long>();
        foreach (var record in store.All())
        {
            if (record.Archived)
            {
                continue;
            }

            var key = SortKey.For(record.Get(Property), Kind);
            if (key.Missing)
            {
                missing.Add(record.Id);
            }
            else
            {
                // Text is held lowercased so the sort compares ordinally (the same order as case-insensitively).
                var text = Kind is ValueKind.Text or ValueKind.Bool ? key.Text!.ToLowerInvariant() : key.Text;
                present.Add(new IndexEntry(key.Number, text, record.Id));
            }
        }

        var array = present.ToArray();
        array.AsSpan().Sort(new EntryComparer(Kind));
        _present = array;
        _missing = [.. missing];
        _changed.Clear();
        _stale = false;
    }

    /// <summary>The slice of present entries every bound admits, as [start, end).</summary>
    public (int Start, int End) Slice(IEnumerable<(RangeBound? Low, RangeBound? High)> bounds)
    {
        int start = 0, end = _present.Length;
        foreach (var (low, high) in bounds)
        {
            if (low is { } l)
            {
                // First entry above the bound (or at it, when inclusive).
                start = Math.Max(start, FirstAfter(l.Key, l.Inclusive ? 0 : 1));
            }

            if (high is { } h)
            {
                end = Math.Min(end, FirstAfter(h.Key, h.Inclusive ? 1 : 0));
            }
        }

        return (start, Math.Max(start, end));
    }

    /// <summary>Whether a key lies within every bound (for entries read outside the arrays).</summary>
    public bool Admits(SortKey key, IEnumerable<(RangeBound? Low, RangeBound? High)> bounds)
    {
        if (key.Missing)
        {
            return false;
        }

        foreach (var (low, high) in bounds)
        {
            if (low is { } l && SortKey.Compare(key, l.Key, Kind) is var c1 && (c1 < 0 || (c1 == 0 && !l.Inclusive)))
            {
                return false;
            }

            if (high is { } h && SortKey.Compare(key, h.Key, Kind) is var c2 && (c2 > 0 || (c2 == 0 && !h.Inclusive)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Entries in sort order: the present ones in [start, end), then (when <paramref name="withMissing"/>) the records
    /// without a value; descending walks both backwards, so records without a value come last either way.
    /// </summary>
    public IEnumerable<(SortKey Key, long Id)> Walk(int start, int end, bool descending, bool withMissing)
    {
        if (!descending)
        {
            for (var i = start; i < end; i++)
            {
                yield return (_present[i].Key, _present[i].Id);
            }

            if (withMissing)
            {
                foreach (var id in _missing)
                {
                    yield return (SortKey.None, id);
                }
            }
        }
        else
        {
            for (var i = end - 1; i >= start; i--)
            {
                yield return (_present[i].Key, _present[i].Id);
            }

            if (withMissing)
            {
                for (var i = _missing.Length - 1; i >= 0; i--)
                {
                    yield return (SortKey.None, _missing[i]);
                }
            }
        }
    }

    public void OnPropertyChanged(CrmRecord record, string? oldValue)
    {
        // An archived record is in neither array, and a restore will set it aside.
        if (!_stale && !record.Archived && !record.Deleted && !_changed.ContainsKey(record.Id))
        {
            SetAside(record.Id, SortKey.For(oldValue, Kind));
        }
    }

    public void OnLivenessChanged(CrmRecord record)
    {
        if (_stale || _changed.ContainsKey(record.Id))
        {
            return;
        }

        if (record.Deleted && record.MergedInto is null && !record.Archived)
        {
            // A GDPR delete clears the values before telling us: the entry cannot be found by key any more.
            _stale = true;
            return;
        }

        // Leaving the live set: it was held under its (unchanged) value. Joining it: it was held nowhere.
        var wasLive = record.Deleted ? !record.Archived : record.Archived;
        SetAside(record.Id, wasLive ? SortKey.For(record.Get(Property), Kind) : null);
    }

    public void OnRecordAdded(CrmRecord record)
    {
        if (!_stale && !_changed.ContainsKey(record.Id))
        {
            SetAside(record.Id, null);
        }
    }

    /// <summary>Forces a rebuild on next use (a change we were not told about).</summary>
    public void Invalidate() => _stale = true;

    private void SetAside(long id, SortKey? held)
    {
        _changed[id] = held;
        // Past a few thousand (or 1/16 of the store) reading them aside costs more than rebuilding.
        if (_changed.Count > Math.Max(4096, Count / 16))
        {
            _stale = true;
            _changed.Clear();
        }
    }

    // First index whose key is above `key` (bias 1) or at or above it (bias 0).
    private int FirstAfter(SortKey key, int bias)
    {
        int lo = 0, hi = _present.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (SortKey.Compare(_present[mid].Key, key, Kind) < bias)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private readonly record struct IndexEntry(decimal Number, string? Text, long Id)
    {
        public SortKey Key => new(false, Number, Text);
    }

    // A struct comparer lets the sort specialize and inline it: building over 1M records is mostly this.
    private readonly struct EntryComparer(ValueKind kind) : IComparer<IndexEntry>
    {
        public int Compare(IndexEntry a, IndexEntry b)
        {
            var c = kind is ValueKind.Number or ValueKind.Instant ? a.Number.CompareTo(b.Number) : string.CompareOrdinal(a.Text, b.Text);
            return c != 0 ? c : a.Id.CompareTo(b.Id);
        }
    }
}
