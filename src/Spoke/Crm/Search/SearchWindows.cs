using System.Globalization;
using System.Text.Json;
using Spoke.Json;

namespace Spoke.Crm;

/// <summary>
/// Walks a search past HubSpot's 10,000-result ceiling. HubSpot refuses a page when <c>after + limit</c> passes 10,000,
/// so results are read in windows of one query each, always sorted (by the requested property, else
/// <c>hs_object_id</c>). When a window is used up, the next one starts after the last record seen, by keyset:
/// <c>(key &gt; k) OR (key = k AND hs_object_id &gt; id)</c>, as two filter groups per user group (HubSpot has no OR
/// inside a group). Records without a sort value, which HubSpot sorts last, are read after the others with
/// <c>NOT_HAS_PROPERTY</c>, sorted by <c>hs_object_id</c>.
/// <para>HubSpot does not promise an order for ties (records with equal sort values), so when a search on another
/// property has more than one window of results, nothing relies on it: every page is its own query from the last sort
/// value (<c>GTE</c>), and the records holding the page's last value are held back (trimmed off the page) and re-read by
/// the next query. When a whole page shares one value (thousands of records on one millisecond), that value is drained
/// with <c>EQ</c> on it, sorted by <c>hs_object_id</c> (a unique value, whose order HubSpot honours) with an id keyset,
/// and the walk continues strictly past it. Searches whose total fits one window page by offset, as HubSpot does.</para>
/// </summary>
internal sealed class SearchWindows
{
    // HubSpot's search maxima (docs/hubspot-api.md §6: 5 groups, 10 filters per group, 25 in all).
    internal const int MaxFilterGroups = 5;
    internal const int MaxFiltersPerGroup = 10;
    internal const int MaxFilters = 25;

    private const int FirstWindow = 0;
    private const int KeysetWindow = 1;
    private const int MissingValueWindow = 2;
    private const int FromValueWindow = 3;     // sort value GTE/LTE K: a query per page, the page's last value held back
    private const int DrainValueWindow = 4;    // sort value EQ K, by id past I: one value shared by a whole page or more
    private const int PastValueWindow = 5;     // sort value GT/LT K: after a drained value
    private const string IdProperty = CrmSearchRequest.DefaultSortProperty;

    private readonly List<List<SearchFilterDto>> _groups;
    private readonly string _sortKey;
    private readonly bool _descending;
    private readonly List<string>? _properties;
    private readonly string? _query;

    public SearchWindows(CrmSearchRequest request)
    {
        _groups = [.. request.FilterGroups.Select(g => g.Select(ToDto).ToList())];
        _sortKey = request.SortProperty ?? IdProperty;
        _descending = request.SortDirection == SortDirection.Descending;
        _properties = request.Properties.Count == 0 ? null : [.. request.Properties.Append(_sortKey).Distinct(StringComparer.Ordinal)];
        _query = string.IsNullOrWhiteSpace(request.Query) ? null : request.Query;
        PageSize = request.PageSize;
        WindowSize = request.WindowSize;
    }

    public int PageSize { get; }

    public int WindowSize { get; }

    private bool SortsById => _sortKey == IdProperty;

    private string Beyond => _descending ? "LT" : "GT";

    private string FromOrBeyond => _descending ? "LTE" : "GTE";

    // Windows whose records all share the sort value (or lack it) are sorted by id, the one order HubSpot keeps.
    private static bool SortsByIdIn(int phase) => phase is MissingValueWindow or DrainValueWindow;

    public SearchRequestDto Build(SearchCursorDto cursor, int? pageSize)
    {
        var limit = Math.Min(pageSize is { } p ? Math.Clamp(p, 1, CrmSearchRequest.MaxPageSize) : PageSize, WindowSize - cursor.O);
        return new SearchRequestDto
        {
            Query = _query,
            FilterGroups = Groups(cursor),
            Sorts = [new SearchSortDto { PropertyName = SortsByIdIn(cursor.P) ? IdProperty : _sortKey, Direction = _descending ? "DESCENDING" : "ASCENDING" }],
            Properties = _properties,
            Limit = Math.Max(1, limit),
            After = cursor.O > 0 ? cursor.O.ToString(CultureInfo.InvariantCulture) : null,
        };
    }

    /// <summary>
    /// Where the next page starts, or null when this page was the last. May trim records off
    /// <paramref name="response"/> that the next page reads again (see the class summary).
    /// </summary>
    public SearchCursorDto? Next(SearchCursorDto cursor, CollectionResponseDto response)
    {
        var count = response.Results.Count;
        var more = response.Paging?.Next is not null && count > 0;
        if (!SortsById && (cursor.P is FromValueWindow or PastValueWindow
            || (cursor.P == FirstWindow && more && (response.Total > WindowSize || cursor.O + count >= WindowSize))))
        {
            return more ? HoldBackLastValue(response) : new SearchCursorDto { P = MissingValueWindow };
        }

        if (cursor.P == DrainValueWindow)
        {
            if (!more)
            {
                return new SearchCursorDto { P = PastValueWindow, K = cursor.K };
            }

            return cursor.O + count < WindowSize
                ? new SearchCursorDto { P = DrainValueWindow, K = cursor.K, I = cursor.I, O = cursor.O + count }
                : new SearchCursorDto { P = DrainValueWindow, K = cursor.K, I = response.Results[^1].Id };
        }

        if (!more)
        {
            // Keyset windows exclude records without a sort value; they come last, in a window of their own.
            return cursor.P == KeysetWindow && !SortsById ? new SearchCursorDto { P = MissingValueWindow } : null;
        }

        if (cursor.O + count < WindowSize)
        {
            return new SearchCursorDto { P = cursor.P, K = cursor.K, I = cursor.I, O = cursor.O + count };
        }

        var last = response.Results[^1];
        if (cursor.P == MissingValueWindow)
        {
            return new SearchCursorDto { P = MissingValueWindow, I = last.Id };
        }

        if (SortsById)
        {
            return new SearchCursorDto { P = KeysetWindow, K = last.Id, I = last.Id };
        }

        if (!last.Properties.TryGetValue(_sortKey, out var value))
        {
            throw MissingSortValue();
        }

        return string.IsNullOrEmpty(value)
            ? new SearchCursorDto { P = MissingValueWindow, I = last.Id }
            : new SearchCursorDto { P = KeysetWindow, K = FilterValue(value), I = last.Id };
    }

    /// <summary>
    /// Trims the records holding the page's last sort value off the page, to be re-read by the next query (their
    /// order among themselves, and so which of them this page holds, is HubSpot's arbitrary choice).
    /// </summary>
    private SearchCursorDto HoldBackLastValue(CollectionResponseDto response)
    {
        var last = response.Results[^1];
        if (!last.Properties.TryGetValue(_sortKey, out var lastValue))
        {
            throw MissingSortValue();
        }

        if (string.IsNullOrEmpty(lastValue))
        {
            // Records without the value sort last: every record with one is on this page or was on an earlier one.
            response.Results.RemoveAll(r => string.IsNullOrEmpty(r.Properties.GetValueOrDefault(_sortKey)));
            return new SearchCursorDto { P = MissingValueWindow };
        }

        var key = FilterValue(lastValue);
        response.Results.RemoveAll(r => r.Properties.GetValueOrDefault(_sortKey) is { Length: > 0 } v && FilterValue(v) == key);
        return response.Results.Count == 0
            ? new SearchCursorDto { P = DrainValueWindow, K = key }
            : new SearchCursorDto { P = FromValueWindow, K = key };
    }

    private InvalidOperationException MissingSortValue() => new(
        $"This search passed {WindowSize:N0} results, and continuing needs each record's \"{_sortKey}\" (the sort property), " +
        "which HubSpot did not return. Add it to the request's Properties.");

    public static string Encode(SearchCursorDto cursor) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(cursor, BatchSearchJsonContext.Default.SearchCursorDto))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static SearchCursorDto Decode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var cursor = JsonSerializer.Deserialize(Convert.FromBase64String(base64), BatchSearchJsonContext.Default.SearchCursorDto);
            if (cursor is { V: 1, P: >= FirstWindow and <= PastValueWindow, O: >= 0 }
                && (cursor.P is FirstWindow or MissingValueWindow || cursor.K is not null))
            {
                return cursor;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }

        throw new ArgumentException("This is not a continuation token from a Spoke search.", nameof(token));
    }

    private List<SearchFilterGroupDto>? Groups(SearchCursorDto cursor)
    {
        var user = _groups.Count > 0 ? _groups : [[]];
        var groups = new List<List<SearchFilterDto>>();
        switch (cursor.P)
        {
            case FirstWindow:
                groups.AddRange(_groups);
                break;
            case KeysetWindow:
                foreach (var g in user)
                {
                    groups.Add([.. g, Filter(_sortKey, Beyond, cursor.K)]);
                    if (!SortsById)
                    {
                        groups.Add([.. g, Filter(_sortKey, "EQ", cursor.K), Filter(IdProperty, Beyond, cursor.I)]);
                    }
                }

                break;
            case FromValueWindow:
                groups.AddRange(user.Select(g => (List<SearchFilterDto>)[.. g, Filter(_sortKey, FromOrBeyond, cursor.K)]));
                break;
            case PastValueWindow:
                groups.AddRange(user.Select(g => (List<SearchFilterDto>)[.. g, Filter(_sortKey, Beyond, cursor.K)]));
                break;
            case DrainValueWindow:
                groups.AddRange(user.Select(g => cursor.I is null
                    ? (List<SearchFilterDto>)[.. g, Filter(_sortKey, "EQ", cursor.K)]
                    : [.. g, Filter(_sortKey, "EQ", cursor.K), Filter(IdProperty, Beyond, cursor.I)]));
                break;
            default:
                foreach (var g in user)
                {
                    groups.Add(cursor.I is null
                        ? [.. g, Filter(_sortKey, "NOT_HAS_PROPERTY", null)]
                        : [.. g, Filter(_sortKey, "NOT_HAS_PROPERTY", null), Filter(IdProperty, Beyond, cursor.I)]);
                }

                break;
        }

        if (groups.Count > MaxFilterGroups || groups.Any(g => g.Count > MaxFiltersPerGroup) || groups.Sum(g => g.Count) > MaxFilters)
        {
            throw new InvalidOperationException(
                $"This search has more than {WindowSize:N0} results. To page past them Spoke adds keyset filters to each filter group " +
                $"({(SortsById ? 1 : 2)} per group, and {(SortsById || cursor.P != KeysetWindow ? "no" : "twice the")} extra groups), which here would exceed HubSpot's maxima " +
                $"({MaxFilterGroups} groups, {MaxFiltersPerGroup} filters per group, {MaxFilters} in all). " +
                "Use fewer filter groups or filters, sort by hs_object_id (which needs no extra groups), or split the search.");
        }

        return groups.Count == 0 ? null : [.. groups.Select(g => new SearchFilterGroupDto { Filters = g })];
    }

    private static SearchFilterDto Filter(string property, string op, string? value) => new() { PropertyName = property, Operator = op, Value = value };

    internal static SearchFilterDto ToDto(CrmFilter f) => new()
    {
        PropertyName = f.PropertyName,
        Operator = f.Operator switch
        {
            SearchOperator.Eq => "EQ",
            SearchOperator.Neq => "NEQ",
            SearchOperator.Lt => "LT",
            SearchOperator.Lte => "LTE",
            SearchOperator.Gt => "GT",
            SearchOperator.Gte => "GTE",
            SearchOperator.Between => "BETWEEN",
            SearchOperator.In => "IN",
            SearchOperator.NotIn => "NOT_IN",
            SearchOperator.HasProperty => "HAS_PROPERTY",
            SearchOperator.NotHasProperty => "NOT_HAS_PROPERTY",
            SearchOperator.ContainsToken => "CONTAINS_TOKEN",
            SearchOperator.NotContainsToken => "NOT_CONTAINS_TOKEN",
            _ => throw new ArgumentOutOfRangeException(nameof(f), f.Operator, "Unknown search operator."),
        },
        Value = f.Value,
        Values = f.Values is null ? null : [.. f.Values],
        HighValue = f.HighValue,
    };

    /// <summary>Datetimes come back as ISO text; filters take epoch milliseconds (what HubSpot documents).</summary>
    private static string FilterValue(string wire) =>
        wire.Length >= 20 && wire[10] == 'T' && wire.EndsWith('Z')
            && DateTimeOffset.TryParse(wire, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
            : wire;
}
