using System.Globalization;

namespace Spoke.Crm;

/// <summary>HubSpot's search operators (docs/hubspot-api.md §6).</summary>
public enum SearchOperator
{
    /// <summary>Equal (<c>EQ</c>).</summary>
    Eq,
    /// <summary>Not equal (<c>NEQ</c>).</summary>
    Neq,
    /// <summary>Less than (<c>LT</c>).</summary>
    Lt,
    /// <summary>Less than or equal (<c>LTE</c>).</summary>
    Lte,
    /// <summary>Greater than (<c>GT</c>).</summary>
    Gt,
    /// <summary>Greater than or equal (<c>GTE</c>).</summary>
    Gte,
    /// <summary>Within a range, both ends included (<c>BETWEEN</c>).</summary>
    Between,
    /// <summary>One of several values, exact match (<c>IN</c>); string values are lower-cased for you.</summary>
    In,
    /// <summary>None of several values (<c>NOT_IN</c>); string values are lower-cased for you.</summary>
    NotIn,
    /// <summary>Has any value (<c>HAS_PROPERTY</c>).</summary>
    HasProperty,
    /// <summary>Has no value (<c>NOT_HAS_PROPERTY</c>).</summary>
    NotHasProperty,
    /// <summary>Contains a token; <c>*</c> is a wildcard, e.g. <c>*@example.com</c> (<c>CONTAINS_TOKEN</c>).</summary>
    ContainsToken,
    /// <summary>Does not contain a token (<c>NOT_CONTAINS_TOKEN</c>).</summary>
    NotContainsToken,
}

/// <summary>The order of search results on the sort property.</summary>
public enum SortDirection
{
    /// <summary>Smallest (or oldest, or A) first.</summary>
    Ascending,
    /// <summary>Largest (or newest, or Z) first.</summary>
    Descending,
}

/// <summary>
/// A filter value in HubSpot's wire form, converted from a typed value: numbers invariant, datetimes and dates as epoch
/// milliseconds (dates at midnight UTC), booleans <c>true</c>/<c>false</c>.
/// </summary>
public readonly record struct SearchValue(string Wire)
{
    /// <summary>A <see cref="string"/> in HubSpot's wire form.</summary>
    public static implicit operator SearchValue(string value) => new(value);
    /// <summary>A <see cref="decimal"/> in HubSpot's wire form.</summary>
    public static implicit operator SearchValue(decimal value) => new(value.ToString(CultureInfo.InvariantCulture));
    /// <summary>A <see cref="long"/> in HubSpot's wire form.</summary>
    public static implicit operator SearchValue(long value) => new(value.ToString(CultureInfo.InvariantCulture));
    /// <summary>A <see cref="int"/> in HubSpot's wire form.</summary>
    public static implicit operator SearchValue(int value) => new(value.ToString(CultureInfo.InvariantCulture));
    /// <summary>A <see cref="bool"/> in HubSpot's wire form.</summary>
    public static implicit operator SearchValue(bool value) => new(value ? "true" : "false");
    /// <summary>A <see cref="double"/> in HubSpot's wire form.</summary>
    public static implicit operator SearchValue(double value) => new(value.ToString("R", CultureInfo.InvariantCulture));
    /// <summary>A <see cref="DateTimeOffset"/> in HubSpot's wire form.</summary>
    public static implicit operator SearchValue(DateTimeOffset value) => new(value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// A <see cref="DateTime"/> as epoch milliseconds: local times are converted to UTC, and <see cref="DateTimeKind.Unspecified"/>
    /// is taken as UTC (HubSpot keeps datetimes in UTC; reading it as local would make a filter depend on the machine's zone).
    /// </summary>
    public static implicit operator SearchValue(DateTime value) =>
        new(new DateTimeOffset(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc))
            .ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>A <see cref="DateOnly"/> in HubSpot's wire form.</summary>
    public static implicit operator SearchValue(DateOnly value) =>
        new(new DateTimeOffset(value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>The value as sent to HubSpot.</summary>
    public override string ToString() => Wire;
}

/// <summary>One condition on one property. Build with the factories: <c>CrmFilter.Eq("email", "a@b.com")</c>.</summary>
public sealed record CrmFilter(string PropertyName, SearchOperator Operator, string? Value = null, IReadOnlyList<string>? Values = null,
    string? HighValue = null)
{
    /// <summary>Equal to the value (<c>EQ</c>).</summary>
    public static CrmFilter Eq(string property, SearchValue value) => new(property, SearchOperator.Eq, value.Wire);
    /// <summary>Not equal to the value (<c>NEQ</c>).</summary>
    public static CrmFilter Neq(string property, SearchValue value) => new(property, SearchOperator.Neq, value.Wire);
    /// <summary>Less than the value (<c>LT</c>).</summary>
    public static CrmFilter Lt(string property, SearchValue value) => new(property, SearchOperator.Lt, value.Wire);
    /// <summary>Less than or equal to the value (<c>LTE</c>).</summary>
    public static CrmFilter Lte(string property, SearchValue value) => new(property, SearchOperator.Lte, value.Wire);
    /// <summary>Greater than the value (<c>GT</c>).</summary>
    public static CrmFilter Gt(string property, SearchValue value) => new(property, SearchOperator.Gt, value.Wire);
    /// <summary>Greater than or equal to the value (<c>GTE</c>).</summary>
    public static CrmFilter Gte(string property, SearchValue value) => new(property, SearchOperator.Gte, value.Wire);

    /// <summary>From <paramref name="low"/> to <paramref name="high"/>, both included (<c>BETWEEN</c>).</summary>
    public static CrmFilter Between(string property, SearchValue low, SearchValue high) =>
        new(property, SearchOperator.Between, low.Wire, HighValue: high.Wire);

    /// <summary>HubSpot matches string <c>IN</c> values only in lower case; they are lower-cased here.</summary>
    public static CrmFilter In(string property, params IEnumerable<SearchValue> values) =>
        new(property, SearchOperator.In, Values: [.. values.Select(v => v.Wire.ToLowerInvariant())]);

    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, params IEnumerable<SearchValue> values) =>
        new(property, SearchOperator.NotIn, Values: [.. values.Select(v => v.Wire.ToLowerInvariant())]);

    /// <summary>One of the strings (lower-cased, as HubSpot requires for string <c>IN</c>); any sequence: a list, a set, a query.</summary>
    public static CrmFilter In(string property, IEnumerable<string> values) => In(property, Wire(values, v => v));

    /// <summary>One of the values (<c>IN</c>).</summary>
    public static CrmFilter In(string property, IEnumerable<int> values) => In(property, Wire(values, v => v));
    /// <summary>One of the values (<c>IN</c>).</summary>
    public static CrmFilter In(string property, IEnumerable<long> values) => In(property, Wire(values, v => v));
    /// <summary>One of the values (<c>IN</c>).</summary>
    public static CrmFilter In(string property, IEnumerable<decimal> values) => In(property, Wire(values, v => v));
    /// <summary>One of the values (<c>IN</c>).</summary>
    public static CrmFilter In(string property, IEnumerable<double> values) => In(property, Wire(values, v => v));
    /// <summary>One of the values (<c>IN</c>).</summary>
    public static CrmFilter In(string property, IEnumerable<DateTimeOffset> values) => In(property, Wire(values, v => v));
    /// <summary>One of the values (<c>IN</c>).</summary>
    public static CrmFilter In(string property, IEnumerable<DateTime> values) => In(property, Wire(values, v => v));
    /// <summary>One of the values (<c>IN</c>).</summary>
    public static CrmFilter In(string property, IEnumerable<DateOnly> values) => In(property, Wire(values, v => v));

    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, IEnumerable<string> values) => NotIn(property, Wire(values, v => v));
    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, IEnumerable<int> values) => NotIn(property, Wire(values, v => v));
    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, IEnumerable<long> values) => NotIn(property, Wire(values, v => v));
    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, IEnumerable<decimal> values) => NotIn(property, Wire(values, v => v));
    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, IEnumerable<double> values) => NotIn(property, Wire(values, v => v));
    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, IEnumerable<DateTimeOffset> values) => NotIn(property, Wire(values, v => v));
    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, IEnumerable<DateTime> values) => NotIn(property, Wire(values, v => v));
    /// <summary>None of the values (<c>NOT_IN</c>; strings lower-cased, as for <c>IN</c>).</summary>
    public static CrmFilter NotIn(string property, IEnumerable<DateOnly> values) => NotIn(property, Wire(values, v => v));

    private static IEnumerable<SearchValue> Wire<T>(IEnumerable<T> values, Func<T, SearchValue> convert)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Select(convert);
    }

    /// <summary>For enumerations, whose values are case-sensitive: the values are sent exactly as given.</summary>
    public static CrmFilter InExactly(string property, params IEnumerable<string> values) => new(property, SearchOperator.In, Values: [.. values]);

    /// <summary>The record has a value for the property (<c>HAS_PROPERTY</c>).</summary>
    public static CrmFilter HasProperty(string property) => new(property, SearchOperator.HasProperty);
    /// <summary>The record has no value for the property (<c>NOT_HAS_PROPERTY</c>).</summary>
    public static CrmFilter NotHasProperty(string property) => new(property, SearchOperator.NotHasProperty);
    /// <summary>Contains the token; <c>*</c> is a wildcard (<c>CONTAINS_TOKEN</c>).</summary>
    public static CrmFilter ContainsToken(string property, string token) => new(property, SearchOperator.ContainsToken, token);
    /// <summary>Does not contain the token (<c>NOT_CONTAINS_TOKEN</c>).</summary>
    public static CrmFilter NotContainsToken(string property, string token) => new(property, SearchOperator.NotContainsToken, token);
}

/// <summary>
/// A CRM search: filter groups (filters in a group are ANDed, groups are ORed), one sort, the properties to return,
/// a free-text query and a page size. Results are not capped at HubSpot's 10,000: see
/// <see cref="CrmObjectsClient.SearchAsync"/>.
/// <code>
/// var request = new CrmSearchRequest()
///     .AddFilterGroup(CrmFilter.Eq("lifecyclestage", "lead"), CrmFilter.Gte("createdate", since))
///     .OrderBy("lastmodifieddate")
///     .Select("email", "firstname");
/// </code>
/// </summary>
public sealed class CrmSearchRequest
{
    /// <summary>HubSpot's page size ceiling for search.</summary>
    public const int MaxPageSize = 200;

    /// <summary>The property sorted on when none is given: the record id, unique, so windows never tie.</summary>
    public const string DefaultSortProperty = "hs_object_id";

    private int _pageSize = 100;

    /// <summary>Groups of filters: a record matches when every filter of any one group holds (HubSpot allows 5 groups, 18 filters in all).</summary>
    public IList<IReadOnlyList<CrmFilter>> FilterGroups { get; } = [];

    /// <summary>Sort property; <c>hs_object_id</c> when null.</summary>
    public string? SortProperty { get; set; }

    /// <summary>The direction of the sort (ascending by default).</summary>
    public SortDirection SortDirection { get; set; }

    /// <summary>Properties to return; HubSpot's defaults when empty (the sort property is added when it is set).</summary>
    public IList<string> Properties { get; } = [];

    /// <summary>Free text matched against the type's default searchable properties.</summary>
    public string? Query { get; set; }

    /// <summary>Records per request, 1 to 200 (default 100).</summary>
    public int PageSize
    {
        get => _pageSize;
        set => _pageSize = value is >= 1 and <= MaxPageSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"A search page holds 1 to {MaxPageSize} records.");
    }

    /// <summary>
    /// Results one query may page through before a new window starts (HubSpot refuses paging past 10,000). Lowered by
    /// tests to exercise windowing with few records.
    /// </summary>
    internal int WindowSize { get; set; } = 10_000;

    /// <summary>Adds a group of filters that must all hold; a record matches when any group holds.</summary>
    public CrmSearchRequest AddFilterGroup(params IEnumerable<CrmFilter> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var group = filters.ToList();
        if (group.Count == 0)
        {
            throw new ArgumentException("A filter group needs at least one filter.", nameof(filters));
        }

        FilterGroups.Add(group);
        return this;
    }

    /// <summary>Sorts on one property (HubSpot sorts on one only); returns this request.</summary>
    public CrmSearchRequest OrderBy(string property, SortDirection direction = SortDirection.Ascending)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(property);
        SortProperty = property;
        SortDirection = direction;
        return this;
    }

    /// <summary>Adds properties to return; returns this request.</summary>
    public CrmSearchRequest Select(params IEnumerable<string> properties)
    {
        foreach (var p in properties)
        {
            Properties.Add(p);
        }

        return this;
    }

    /// <summary>Sets the free-text query (null: none); returns this request.</summary>
    public CrmSearchRequest WithQuery(string? query)
    {
        Query = query;
        return this;
    }

    /// <summary>Sets the records per request, 1 to 200; returns this request.</summary>
    public CrmSearchRequest WithPageSize(int pageSize)
    {
        PageSize = pageSize;
        return this;
    }
}
