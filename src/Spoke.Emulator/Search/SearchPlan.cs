using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Search;

/// <summary>
/// A search request bound to one object type: filters compiled against its catalog, the sort property resolved,
/// the query split into terms. Decides whether a record matches; <see cref="SearchExecutor"/> decides which
/// records to look at.
/// </summary>
internal sealed class SearchPlan
{
    private readonly string[] _queryTerms;
    private readonly IReadOnlyList<string> _searchable;

    private SearchPlan(List<List<SearchFilter>> groups, PropertyDefinition? sort, bool descending, string[] queryTerms, IReadOnlyList<string> searchable)
    {
        Groups = groups;
        SortProperty = sort;
        SortKind = sort is null ? ValueKind.Text : SearchValues.KindOf(sort);
        Descending = descending;
        _queryTerms = queryTerms;
        _searchable = searchable;
    }

    /// <summary>Filter groups: ORed together, the filters of one group ANDed.</summary>
    public IReadOnlyList<IReadOnlyList<SearchFilter>> Groups { get; }

    public PropertyDefinition? SortProperty { get; }
    public ValueKind SortKind { get; }
    public bool Descending { get; }

    /// <summary>Set when ties between equal sort values come in an arbitrary order
    /// (<see cref="FidelityOptions.SearchTiesInArbitraryOrder"/>); null breaks ties by id.</summary>
    public ulong? TieSeed { get; private init; }

    /// <summary>True when every live record matches (no filters, no query).</summary>
    public bool MatchesAll => Groups.Count == 0 && _queryTerms.Length == 0;

    /// <summary>True when a free-text <c>query</c> narrows the results.</summary>
    public bool HasQuery => _queryTerms.Length > 0;

    /// <summary>Compiles a request; runs under the portal lock (association filters read associations now).</summary>
    public static SearchPlan Build(SearchRequest request, ObjectType type, PropertyCatalog catalog, PortalState portal)
    {
        var groups = request.FilterGroups
            .Select(g => g.Select(f => SearchFilter.Compile(f, portal, catalog, type)).ToList())
            .ToList();
        PropertyDefinition? sort = null;
        if (request.Sort is { } s)
        {
            sort = catalog.Find(s.PropertyName) ?? throw SearchFilter.UnknownProperty(s.PropertyName, type);
        }

        var terms = request.Query is { } q
            ? q.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : [];
        return new SearchPlan(groups, sort, request.Sort?.Descending ?? false, terms, type.SearchableProperties)
        {
            TieSeed = sort is not null && portal.Fidelity.SearchTiesInArbitraryOrder ? request.TieOrderSeed() : null,
        };
    }

    /// <summary>Whether a record belongs in the results. Archived and deleted records never do (docs/hubspot-api.md §6).</summary>
    public bool Matches(CrmRecord record)
    {
        if (record.Archived || record.Deleted)
        {
            return false;
        }

        if (Groups.Count > 0 && !AnyGroupMatches(record))
        {
            return false;
        }

        return _queryTerms.Length == 0 || MatchesQuery(record);
    }

    // Plain loops: this runs once per record on a full scan.
    private bool AnyGroupMatches(CrmRecord record)
    {
        foreach (var group in Groups)
        {
            var all = true;
            foreach (var filter in group)
            {
                if (!filter.Matches(record))
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    // Every term must prefix a word of some searchable property, case-insensitively.
    private bool MatchesQuery(CrmRecord record)
    {
        Span<bool> found = _queryTerms.Length <= 32 ? stackalloc bool[_queryTerms.Length] : new bool[_queryTerms.Length];
        foreach (var name in _searchable)
        {
            if (record.Get(name) is not { } value)
            {
                continue;
            }

            var lower = value.ToLowerInvariant();
            for (var i = 0; i < _queryTerms.Length; i++)
            {
                found[i] |= TextMatch.HasPrefix(lower, _queryTerms[i]);
            }
        }

        foreach (var f in found)
        {
            if (!f)
            {
                return false;
            }
        }

        return true;
    }
}
