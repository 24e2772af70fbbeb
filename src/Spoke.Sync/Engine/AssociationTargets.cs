using System.Collections.Concurrent;
using Spoke.Associations;
using Spoke.Errors;

namespace Spoke.Sync.Engine;

/// <summary>
/// Which types each synced type's edges are read towards: every later type in the run's order that HubSpot defines
/// association types for. Each pair of types is read in one direction only (an edge from a contact to a company is the
/// same association as the one back), so no pair costs its calls twice. Also, per pair, how the v3 type names of the
/// list API's inline associations map to v4 types. Everything is read once per run and shared by the object types
/// running at once: each answer is one task, started by whichever type asks first.
/// </summary>
internal sealed class AssociationTargets(HubSpotClient client, IReadOnlyList<string> types)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<string>>>> _targets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string From, string To), Lazy<Task<IReadOnlyList<AssociationType>?>>> _labels = new(PairComparer.Instance);
    private readonly ConcurrentDictionary<(string From, string To), Lazy<Task<IReadOnlyDictionary<string, AssociationType>?>>> _names = new(PairComparer.Instance);

    /// <summary>The later types in the run's order that <paramref name="fromType"/> has association types towards.</summary>
    public Task<IReadOnlyList<string>> ForAsync(string fromType, Action countCall, CancellationToken cancellationToken) =>
        OnceAsync(_targets, fromType, async () =>
        {
            var index = IndexOf(fromType);
            var targets = new List<string>();
            for (var i = index + 1; i < types.Count; i++)
            {
                if (await LabelsAsync(fromType, types[i], countCall, cancellationToken).ConfigureAwait(false) is { Count: > 0 })
                {
                    targets.Add(types[i]);
                }
            }

            return (IReadOnlyList<string>)targets;
        });

    /// <summary>The earlier types in the run's order whose edges are read towards <paramref name="toType"/>.</summary>
    public async Task<IReadOnlyList<string>> SourcesOfAsync(string toType, Action countCall, CancellationToken cancellationToken)
    {
        var sources = new List<string>();
        for (var i = 0; i < IndexOf(toType); i++)
        {
            var targets = await ForAsync(types[i], countCall, cancellationToken).ConfigureAwait(false);
            if (targets.Contains(toType, StringComparer.OrdinalIgnoreCase))
            {
                sources.Add(types[i]);
            }
        }

        return sources;
    }

    /// <summary>
    /// The v4 type (id, category, label) each v3 name from <paramref name="fromType"/> to <paramref name="toType"/>
    /// stands for: the v3 type list gives each name's id, the v4 labels the id's category and label. Only names that
    /// map to exactly one v4 type are in it; null when either list can't be read (then the pair is read by v4 only).
    /// </summary>
    public Task<IReadOnlyDictionary<string, AssociationType>?> NamesAsync(string fromType, string toType, Action countCall, CancellationToken cancellationToken) =>
        OnceAsync(_names, (fromType, toType), async () =>
        {
            if (await LabelsAsync(fromType, toType, countCall, cancellationToken).ConfigureAwait(false) is not { Count: > 0 } labels)
            {
                return null;
            }

            IReadOnlyList<AssociationTypeName> names;
            countCall();
            try
            {
                names = await client.Associations.ListTypeNamesAsync(fromType, toType, cancellationToken).ConfigureAwait(false);
            }
            catch (HubSpotApiException e) when (e.Status is 400 or 403 or 404)
            {
                return null;
            }

            var byId = labels.GroupBy(l => l.TypeId).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single());
            var map = new Dictionary<string, AssociationType>(StringComparer.Ordinal);
            foreach (var group in names.GroupBy(n => n.Name, StringComparer.Ordinal))
            {
                // A name given to two ids, or an id without exactly one v4 type, can't be mapped exactly: left out.
                var ids = group.Select(n => n.TypeId).Distinct().ToList();
                if (ids.Count == 1 && byId.TryGetValue(ids[0], out var type))
                {
                    map[group.Key] = type;
                }
            }

            return (IReadOnlyDictionary<string, AssociationType>?)map;
        });

    /// <summary>Every v4 type between the two types; null when there is no association between them or the token may not read one side.</summary>
    private Task<IReadOnlyList<AssociationType>?> LabelsAsync(string fromType, string toType, Action countCall, CancellationToken cancellationToken) =>
        OnceAsync(_labels, (fromType, toType), async () =>
        {
            countCall();
            try
            {
                return (IReadOnlyList<AssociationType>?)await client.Associations.ListLabelsAsync(fromType, toType, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HubSpotApiException e) when (e.Status is 400 or 403 or 404)
            {
                // No association between these types, or one the token may not read: nothing to mirror.
                return null;
            }
        });

    private int IndexOf(string type)
    {
        for (var i = 0; i < types.Count; i++)
        {
            if (string.Equals(types[i], type, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The cached answer for <paramref name="key"/>, computed once however many callers ask at once. A failed or cancelled
    /// computation is dropped, so the next caller tries again instead of inheriting the failure for the rest of the run.
    /// </summary>
    private static async Task<T> OnceAsync<TKey, T>(ConcurrentDictionary<TKey, Lazy<Task<T>>> cache, TKey key, Func<Task<T>> compute)
        where TKey : notnull
    {
        var lazy = cache.GetOrAdd(key, _ => new Lazy<Task<T>>(compute, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            cache.TryRemove(new KeyValuePair<TKey, Lazy<Task<T>>>(key, lazy));
            throw;
        }
    }

    private sealed class PairComparer : IEqualityComparer<(string From, string To)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((string From, string To) x, (string From, string To) y) =>
            string.Equals(x.From, y.From, StringComparison.OrdinalIgnoreCase) && string.Equals(x.To, y.To, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string From, string To) pair) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(pair.From), StringComparer.OrdinalIgnoreCase.GetHashCode(pair.To));
    }
}
