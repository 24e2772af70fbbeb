using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Search;

/// <summary>The true number of matches and the requested page of them.</summary>
internal sealed record SearchResult(int Total, IReadOnlyList<CrmRecord> Page);

/// <summary>
/// Finds the records a <see cref="SearchPlan"/> matches without more work than needed:
/// <list type="bullet">
/// <item>a sorted search whose filters are ranges on one property (or none) walks the sort property's
/// <see cref="SortedIndex"/> in order and stops after the page; the total comes from the range's slice of the
/// filtered property's index, counted by binary search (a createdate range sorted by createdate over 1M contacts
/// reads one page of records);</item>
/// <item>when every filter group has an EQ, IN, association or range filter, only the ids the most selective one
/// lists are examined (an EQ on email over 1M contacts looks at one record);</item>
/// <item>otherwise every live record is examined once, the total counted, and only the best
/// <c>after + limit</c> kept (a bounded heap), never a full sort.</item>
/// </list>
/// Every path reads records through the store's <see cref="SearchView"/>, so lagging writes stay unseen.
/// Order: by id (creation order, oldest first) without a sort; with one, by the sort value with records lacking it
/// last in both directions, ties broken by id in the sort direction so pages never overlap or skip. With
/// <see cref="FidelityOptions.SearchTiesInArbitraryOrder"/>, ties are broken by a hash of the id and the request
/// instead (<see cref="SearchPlan.TieSeed"/>): a pseudo-random order that is the same for every page of one request
/// and different for any other request; such searches take the scanning path, as the sorted indexes hold id order.
/// </summary>
internal static class SearchExecutor
{
    public static SearchResult Run(SearchPlan plan, ObjectStore store, StoreIndex index, int after, int limit)
    {
        var view = index.View;
        view.Expire();
        if (plan.MatchesAll && plan.SortProperty is null && view.IsCurrent)
        {
            return FirstLive(store, after, limit);
        }

        if (InSortOrder(plan, store, index, after, limit) is { } walked)
        {
            return walked;
        }

        var source = Visible(Candidates(plan, store, index) ?? store.All(), view);
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

    private static IEnumerable<CrmRecord> Visible(IEnumerable<CrmRecord> source, SearchView view)
    {
        if (view.IsCurrent)
        {
            return source;
        }

        return source.Select(view.Visible).OfType<CrmRecord>();
    }

    /// <summary>
    /// Sorted searches that can be answered from sorted indexes: no query, and no filters or one group of range
    /// filters on a single property. Null when the plan is not one, or when walking the sort order would read more
    /// records than the range holds (a narrow range sorted by another property).
    /// </summary>
    private static SearchResult? InSortOrder(SearchPlan plan, ObjectStore store, StoreIndex index, int after, int limit)
    {
        if (plan.SortProperty is not { } sortDef || plan.HasQuery || plan.Groups.Count > 1 || plan.TieSeed is not null)
        {
            return null;
        }

        Properties.PropertyDefinition? rangeDef = null;
        var bounds = new List<(RangeBound? Low, RangeBound? High)>();
        foreach (var filter in plan.Groups.Count == 1 ? plan.Groups[0] : [])
        {
            if (!filter.IsRange || (rangeDef is not null && rangeDef.Name != filter.Definition!.Name))
            {
                return null;
            }

            rangeDef = filter.Definition;
            bounds.Add(filter.Bounds);
        }

        var view = index.View;
        var rangeIndex = rangeDef is null ? null : index.Sorted(rangeDef);
        var sortIndex = index.Sorted(sortDef);
        var sameIndex = ReferenceEquals(rangeIndex, sortIndex);
        int start = 0, end = sortIndex.PresentCount, total;
        if (rangeIndex is null)
        {
            total = view.VisibleLiveCount();
        }
        else
        {
            var (s, e) = rangeIndex.Slice(bounds);
            total = CountInRange(plan, store, view, rangeIndex, bounds, e - s);
            if (sameIndex)
            {
                (start, end) = (s, e);
            }
            else if ((double)(after + limit) * sortIndex.Count / Math.Max(total, 1) > e - s)
            {
                return null;
            }
        }

        var order = new EntryOrder(plan.SortKind, plan.Descending, plan.TieSeed);
        var aside = SetAside(sortIndex, view);
        var extras = new List<Entry>();
        foreach (var id in aside)
        {
            if (store.Find(id) is { } current && view.Visible(current) is { } seen && plan.Matches(seen))
            {
                extras.Add(new Entry(seen, SortKey.For(seen.Get(sortDef.Name), plan.SortKind)));
            }
        }

        extras.Sort(order);
        var page = new List<CrmRecord>(Math.Min(limit, 256));
        var position = 0;
        var next = 0;
        using var walk = sortIndex.Walk(start, end, plan.Descending, withMissing: !sameIndex).GetEnumerator();
        var fromIndex = NextFromIndex(walk, aside, store, plan);
        while (position < after + limit)
        {
            Entry pick;
            if (fromIndex is { } f && (next >= extras.Count || order.Compare(f, extras[next]) < 0))
            {
                pick = f;
                fromIndex = NextFromIndex(walk, aside, store, plan);
            }
            else if (next < extras.Count)
            {
                pick = extras[next++];
            }
            else
            {
                break;
            }

            if (position++ >= after)
            {
                page.Add(pick.Record);
            }
        }

        return new SearchResult(total, page);
    }

    // Entries held in the arrays are current for records not set aside; the plan still checks each one.
    private static Entry? NextFromIndex(IEnumerator<(SortKey Key, long Id)> walk, HashSet<long> aside, ObjectStore store, SearchPlan plan)
    {
        while (walk.MoveNext())
        {
            var (key, id) = walk.Current;
            if (aside.Contains(id) || store.Find(id) is not { } record || !plan.Matches(record))
            {
                continue;
            }

            return new Entry(record, key);
        }

        return null;
    }

    /// <summary>
    /// Matches of a single-property range: the slice's entries, less those of set-aside records (changed since the
    /// index was built, or lagging), plus those records counted as search sees them now.
    /// </summary>
    private static int CountInRange(SearchPlan plan, ObjectStore store, SearchView view, SortedIndex index,
        List<(RangeBound? Low, RangeBound? High)> bounds, int slice)
    {
        var total = slice;
        foreach (var id in SetAside(index, view))
        {
            SortKey? held;
            if (!index.Changed.TryGetValue(id, out held))
            {
                // Unchanged since the build: the arrays hold it as it is now, if live.
                held = store.Find(id) is { Archived: false, Deleted: false } live ? SortKey.For(live.Get(index.Property), index.Kind) : null;
            }

            if (held is { } key && index.Admits(key, bounds))
            {
                total--;
            }

            if (store.Find(id) is { } current && view.Visible(current) is { } seen && plan.Matches(seen))
            {
                total++;
            }
        }

        return total;
    }

    private static HashSet<long> SetAside(SortedIndex index, SearchView view)
    {
        var ids = new HashSet<long>(index.Changed.Keys);
        ids.UnionWith(view.LaggingIds);
        return ids;
    }

    /// <summary>The ids worth examining, in id order, or null when some group needs a full scan.</summary>
    private static IEnumerable<CrmRecord>? Candidates(SearchPlan plan, ObjectStore store, StoreIndex index)
    {
        if (plan.Groups.Count == 0)
        {
            return null;
        }

        var chosen = new List<Action<HashSet<long>>>();
        long estimate = 0;
        var usesRange = false;
        foreach (var group in plan.Groups)
        {
            Action<HashSet<long>>? best = null;
            var bestCount = long.MaxValue;
            var bestIsRange = false;
            foreach (var filter in group)
            {
                if (filter.AssociatedIds is { } associated)
                {
                    Consider(associated.Count, into => into.UnionWith(associated), false);
                }
                else if (filter.UsesIndex)
                {
                    var values = index.For(filter.Definition!);
                    Consider(filter.Keys.Sum(values.Count), into =>
                    {
                        foreach (var key in filter.Keys)
                        {
                            values.CollectInto(key, into);
                        }
                    }, false);
                }
            }

            // Ranges: all of the group's ranges on one property bound one slice of its sorted index.
            foreach (var byProperty in group.Where(f => f.IsRange).GroupBy(f => f.Definition!.Name, StringComparer.Ordinal))
            {
                if (bestCount <= 1)
                {
                    break;
                }

                var sorted = index.Sorted(byProperty.First().Definition!);
                var (s, e) = sorted.Slice(byProperty.Select(f => f.Bounds));
                Consider(e - s + sorted.Changed.Count, into =>
                {
                    foreach (var (_, id) in sorted.Walk(s, e, descending: false, withMissing: false))
                    {
                        into.Add(id);
                    }

                    into.UnionWith(sorted.Changed.Keys);
                }, true);
            }

            if (best is null)
            {
                return null;
            }

            chosen.Add(best);
            estimate += bestCount;
            usesRange |= bestIsRange;

            void Consider(long count, Action<HashSet<long>> collect, bool isRange)
            {
                if (count < bestCount)
                {
                    (best, bestCount, bestIsRange) = (collect, count, isRange);
                }
            }
        }

        // A wide range is cheaper to check in one pass over the store than to gather and sort.
        if (usesRange && estimate > store.Count / 4)
        {
            return null;
        }

        var ids = new HashSet<long>();
        foreach (var collect in chosen)
        {
            collect(ids);
        }

        ids.UnionWith(index.View.LaggingIds);
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
        var order = new EntryOrder(plan.SortKind, plan.Descending, plan.TieSeed);
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

            var entry = new Entry(r, SortKey.For(r.Get(name), plan.SortKind));
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

    /// <summary>A record with its sort value parsed once.</summary>
    private readonly record struct Entry(CrmRecord Record, SortKey Key);

    private sealed class EntryOrder(ValueKind kind, bool descending, ulong? tieSeed) : IComparer<Entry>
    {
        public int Compare(Entry a, Entry b)
        {
            // Records without a value go last whichever the direction (as Elasticsearch's default "missing: _last").
            if (a.Key.Missing != b.Key.Missing)
            {
                return a.Key.Missing ? 1 : -1;
            }

            var c = a.Key.Missing ? 0 : SortKey.Compare(a.Key, b.Key, kind);
            if (c == 0 && tieSeed is { } seed)
            {
                c = Mix((ulong)a.Record.Id ^ seed).CompareTo(Mix((ulong)b.Record.Id ^ seed));
            }

            if (c == 0)
            {
                c = a.Record.Id.CompareTo(b.Record.Id);
            }

            return descending ? -c : c;
        }

        // SplitMix64's finalizer: neighbouring ids land far apart, so the tie order shows no trace of id order.
        private static ulong Mix(ulong x)
        {
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
