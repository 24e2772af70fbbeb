using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Search;

/// <summary>The true number of matches and the requested page of them.</summary>
internal sealed record SearchResult(int Total, IReadOnlyList<CrmRecord> Page);

/// <summary>
/// Finds the records a <see cref="SearchPlan"/> matches without more work than needed:
/// <list type="bullet">
/// <item>when every filter group has an EQ or IN filter, only the ids the value index lists for the most selective
/// one are examined (an EQ on email over 1M contacts looks at one record);</item>
/// <item>otherwise every live record is examined once, the total counted, and only the best
/// <c>after + limit</c> kept (a bounded heap), never a full sort.</item>
/// </list>
/// Order: by id (creation order, oldest first) without a sort; with one, by the sort value with records lacking it
/// last in both directions, ties broken by id in the sort direction so pages never overlap or skip.
/// </summary>
internal static class SearchExecutor
{
    public static SearchResult Run(SearchPlan plan, ObjectStore store, StoreIndex index, int after, int limit)
    {
        if (plan.MatchesAll && plan.SortProperty is null)
        {
            return FirstLive(store, after, limit);
        }

        var source = Candidates(plan, store, index) ?? store.All();
        return plan.SortProperty is null ? InIdOrder(plan, source, after, limit) : Sorted(plan, source, after, limit);
    }

    // No filters, no sort: the live records in id order, counted by the store.
    private static SearchResult FirstLive(ObjectStore store, int after, int limit)
    {
        var page = new List<CrmRecord>(Math.Min(limit, 256));
        var seen = 0;
        if (limit > 0)
        {
            foreach (var r in store.All())
            {
                if (r.Archived)
                {
                    continue;
                }

                if (seen++ >= after)
                {
                    page.Add(r);
                    if (page.Count == limit)
                    {
                        break;
                    }
                }
            }
        }

        return new SearchResult(store.LiveCount, page);
    }

    /// <summary>The ids worth examining, in id order, or null when some group needs a full scan.</summary>
    private static IEnumerable<CrmRecord>? Candidates(SearchPlan plan, ObjectStore store, StoreIndex index)
    {
        if (plan.Groups.Count == 0)
        {
            return null;
        }

        var ids = new HashSet<long>();
        foreach (var group in plan.Groups)
        {
            SearchFilter? best = null;
            ValueIndex? bestIndex = null;
            var bestCount = int.MaxValue;
            foreach (var filter in group)
            {
                if (!filter.UsesIndex)
                {
                    continue;
                }

                var values = index.For(filter.Definition);
                var count = filter.Keys.Sum(values.Count);
                if (count < bestCount)
                {
                    (best, bestIndex, bestCount) = (filter, values, count);
                }
            }

            if (best is null || bestIndex is null)
            {
                return null;
            }

            foreach (var key in best.Keys)
            {
                bestIndex.CollectInto(key, ids);
            }
        }

        var ordered = ids.ToArray();
        Array.Sort(ordered);
        return Records(store, ordered);
    }

    private static IEnumerable<CrmRecord> Records(ObjectStore store, long[] ids)
    {
        foreach (var id in ids)
        {
            if (store.Find(id) is { } record)
            {
                yield return record;
            }
        }
    }

    private static SearchResult InIdOrder(SearchPlan plan, IEnumerable<CrmRecord> source, int after, int limit)
    {
        var page = new List<CrmRecord>(Math.Min(limit, 256));
        var total = 0;
        foreach (var r in source)
        {
            if (!plan.Matches(r))
            {
                continue;
            }

            if (total >= after && page.Count < limit)
            {
                page.Add(r);
            }

            total++;
        }

        return new SearchResult(total, page);
    }

    private static SearchResult Sorted(SearchPlan plan, IEnumerable<CrmRecord> source, int after, int limit)
    {
        var order = new EntryOrder(plan.SortKind, plan.Descending);
        var keep = after + limit;
        // The heap's top is the worst entry kept, so a better one replaces it in O(log k).
        var heap = new PriorityQueue<Entry, Entry>(Comparer<Entry>.Create((a, b) => order.Compare(b, a)));
        var name = plan.SortProperty!.Name;
        var total = 0;
        foreach (var r in source)
        {
            if (!plan.Matches(r))
            {
                continue;
            }

            total++;
            if (keep == 0)
            {
                continue;
            }

            var entry = Entry.For(r, r.Get(name), plan.SortKind);
            if (heap.Count < keep)
            {
                heap.Enqueue(entry, entry);
            }
            else if (order.Compare(entry, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(entry, entry);
            }
        }

        var best = new List<Entry>(heap.Count);
        while (heap.Count > 0)
        {
            best.Add(heap.Dequeue());
        }

        best.Sort(order);
        return new SearchResult(total, [.. best.Skip(after).Select(e => e.Record)]);
    }

    /// <summary>A record with its sort value parsed once: a number (numbers, instants) or text.</summary>
    private readonly record struct Entry(CrmRecord Record, bool Missing, double Number, string? Text)
    {
        public static Entry For(CrmRecord record, string? value, ValueKind kind)
        {
            if (value is null)
            {
                return new(record, true, 0, null);
            }

            switch (kind)
            {
                case ValueKind.Number:
                    return SearchValues.TryNumber(value, out var d) ? new(record, false, (double)d, null) : new(record, true, 0, null);
                case ValueKind.Instant:
                    return SearchValues.TryInstant(value, out var ms) ? new(record, false, ms, null) : new(record, true, 0, null);
                default:
                    return new(record, false, 0, value);
            }
        }
    }

    private sealed class EntryOrder(ValueKind kind, bool descending) : IComparer<Entry>
    {
        public int Compare(Entry a, Entry b)
        {
            // Records without a value go last whichever the direction (as Elasticsearch's default "missing: _last").
            if (a.Missing != b.Missing)
            {
                return a.Missing ? 1 : -1;
            }

            var c = a.Missing ? 0 : kind switch
            {
                ValueKind.Number or ValueKind.Instant => a.Number.CompareTo(b.Number),
                ValueKind.Enumeration => string.CompareOrdinal(a.Text, b.Text),
                _ => CompareLowercase(a.Text!, b.Text!),
            };
            if (c == 0)
            {
                c = a.Record.Id.CompareTo(b.Record.Id);
            }

            return descending ? -c : c;
        }

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
}
