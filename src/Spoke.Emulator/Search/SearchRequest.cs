using System.Globalization;
using System.Text.Json;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;

namespace Spoke.Emulator.Search;

/// <summary>One filter as sent: <c>{propertyName, operator, value?, values?, highValue?}</c>.</summary>
internal sealed record FilterInput(string PropertyName, string Operator, string? Value, IReadOnlyList<string>? Values, string? HighValue);

/// <summary>The single sort rule search accepts.</summary>
internal sealed record SortInput(string PropertyName, bool Descending);

/// <summary>
/// A parsed <c>PublicObjectSearchRequest</c> (docs/hubspot-api.md §6): shape checks and HubSpot's request-level limits only;
/// property checks need the type's catalog and happen in <see cref="SearchPlan"/>.
/// </summary>
internal sealed class SearchRequest
{
    public static readonly IReadOnlyList<string> Operators =
        ["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"];

    public IReadOnlyList<IReadOnlyList<FilterInput>> FilterGroups { get; init; } = [];
    public SortInput? Sort { get; init; }
    public string? Query { get; init; }
    public IReadOnlyList<string>? Properties { get; init; }
    public int Limit { get; init; } = 10;
    public int After { get; init; }

    /// <summary>
    /// A stable hash of everything but <c>after</c> and <c>limit</c>: the pages of one paging run share it, so ties
    /// in arbitrary order keep one order across those pages, while any other request orders them differently.
    /// </summary>
    public ulong TieOrderSeed()
    {
        var hash = 14695981039346656037UL; // FNV-1a: the same on every run and machine, unlike string.GetHashCode
        void Add(string? text)
        {
            foreach (var c in text ?? "\u0001")
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            hash = (hash ^ 0xFFFF) * 1099511628211UL;
        }

        foreach (var group in FilterGroups)
        {
            Add("group");
            foreach (var f in group)
            {
                Add(f.PropertyName);
                Add(f.Operator);
                Add(f.Value);
                Add(f.Values is null ? null : string.Join('\u0002', f.Values));
                Add(f.HighValue);
            }
        }

        Add(Sort?.PropertyName);
        Add(Sort?.Descending.ToString());
        Add(Query);
        Add(Properties is null ? null : string.Join('\u0002', Properties));
        return hash;
    }

    public static SearchRequest Parse(JsonElement body, FidelityOptions fidelity)
    {
        var groups = ParseGroups(body.Field("filterGroups"), fidelity);
        var limit = ReadInt(body.Field("limit"), "limit") ?? 10;
        if (limit < 0 || limit > fidelity.SearchMaxLimit)
        {
            throw ApiError.Validation($"limit must be between 0 and {fidelity.SearchMaxLimit}; got {limit}.",
                context: ApiError.Ctx("limit", limit.ToString(CultureInfo.InvariantCulture)));
        }

        var after = ReadAfter(body.Field("after"));
        // HubSpot serves at most the first SearchMaxResults hits of a query; a page reaching past them is refused
        // (docs/hubspot-api.md §6 "paging beyond that → 400"), whatever the total.
        if (after >= fidelity.SearchMaxResults || (long)after + limit > fidelity.SearchMaxResults)
        {
            throw ApiError.Validation(
                $"Search results are limited to {fidelity.SearchMaxResults:N0} per query: after ({after}) plus limit ({limit}) reaches past result {fidelity.SearchMaxResults:N0}. Narrow the filters (for example by a date range) to page further.",
                context: ApiError.Ctx("maxResults", fidelity.SearchMaxResults.ToString(CultureInfo.InvariantCulture)));
        }

        var properties = body.Field("properties") switch
        {
            { ValueKind: JsonValueKind.Array } a => a.EnumerateArray()
                .Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : throw ApiError.InvalidJson("\"properties\" must be an array of strings."))
                .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal).ToList(),
            { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
            _ => throw ApiError.InvalidJson("\"properties\" must be an array of strings."),
        };
        var query = body.Field("query") switch
        {
            { ValueKind: JsonValueKind.String } q => q.GetString(),
            { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
            _ => throw ApiError.InvalidJson("\"query\" must be a string."),
        };

        return new SearchRequest
        {
            FilterGroups = groups,
            Sort = ParseSort(body.Field("sorts")),
            Query = string.IsNullOrWhiteSpace(query) ? null : query.Trim(),
            Properties = properties is { Count: > 0 } ? properties : null,
            Limit = limit,
            After = after,
        };
    }

    private static List<IReadOnlyList<FilterInput>> ParseGroups(JsonElement groups, FidelityOptions fidelity)
    {
        var result = new List<IReadOnlyList<FilterInput>>();
        if (groups.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return result;
        }

        if (groups.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.InvalidJson("\"filterGroups\" must be an array of {\"filters\": [...]} objects.");
        }

        var groupCount = groups.GetArrayLength();
        if (groupCount > fidelity.SearchMaxFilterGroups)
        {
            throw LimitError($"Too many filter groups: {groupCount}. A search may hold at most {fidelity.SearchMaxFilterGroups} filter groups.",
                "maxFilterGroups", fidelity.SearchMaxFilterGroups);
        }

        var total = 0;
        foreach (var group in groups.EnumerateArray())
        {
            var filters = group.Field("filters");
            if (group.ValueKind != JsonValueKind.Object || filters.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null))
            {
                throw ApiError.InvalidJson("each filter group must be an object with a \"filters\" array.");
            }

            var parsed = filters.ValueKind == JsonValueKind.Array ? filters.EnumerateArray().Select(ParseFilter).ToList() : [];
            if (parsed.Count > fidelity.SearchMaxFiltersPerGroup)
            {
                throw LimitError($"Too many filters in a filter group: {parsed.Count}. A filter group may hold at most {fidelity.SearchMaxFiltersPerGroup} filters.",
                    "maxFiltersPerGroup", fidelity.SearchMaxFiltersPerGroup);
            }

            total += parsed.Count;
            // An empty group matches nothing to AND; HubSpot ignores it rather than matching everything.
            if (parsed.Count > 0)
            {
                result.Add(parsed);
            }
        }

        if (total > fidelity.SearchMaxFiltersTotal)
        {
            throw LimitError($"Too many filters: {total}. A search may hold at most {fidelity.SearchMaxFiltersTotal} filters across all filter groups.",
                "maxFilters", fidelity.SearchMaxFiltersTotal);
        }

        return result;
    }

    private static ApiError LimitError(string message, string key, int limit) =>
        ApiError.Validation(message, context: ApiError.Ctx(key, limit.ToString(CultureInfo.InvariantCulture)));

    private static FilterInput ParseFilter(JsonElement filter)
    {
        var name = filter.String("propertyName");
        var op = filter.String("operator");
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(op))
        {
            var missing = string.Join(", ", new[] { string.IsNullOrEmpty(name) ? "propertyName" : null, string.IsNullOrEmpty(op) ? "operator" : null }.OfType<string>());
            throw ApiError.InvalidJson($"Cannot build Filter, some of required attributes are not set [{missing}]");
        }

        if (!Operators.Contains(op))
        {
            throw ApiError.Validation(
                $"Invalid input JSON on line 1, column 1: Cannot deserialize value of type `FilterOperatorEnum` from String \"{op}\": not one of the values accepted for Enum class: [{string.Join(", ", Operators)}]",
                context: ApiError.Ctx("operator", op));
        }

        var values = filter.Field("values") switch
        {
            { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(v => Scalar(v, "values")).OfType<string>().ToList(),
            { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
            _ => throw ApiError.InvalidJson("a filter's \"values\" must be an array."),
        };
        return new FilterInput(name, op, Scalar(filter.Field("value"), "value"), values, Scalar(filter.Field("highValue"), "highValue"));
    }

    // Values are strings on the wire, but clients send numbers and booleans too (the Node SDK passes them through).
    private static string? Scalar(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        _ => throw ApiError.InvalidJson($"a filter's \"{field}\" must be a string."),
    };

    private static SortInput? ParseSort(JsonElement sorts)
    {
        if (sorts.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (sorts.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.InvalidJson("\"sorts\" must be an array.");
        }

        var count = sorts.GetArrayLength();
        if (count == 0)
        {
            return null;
        }

        if (count > 1)
        {
            throw ApiError.Validation($"Only one sorting rule can be applied to any search; got {count}.",
                context: ApiError.Ctx("maxSorts", "1"));
        }

        var sort = sorts[0];
        // The spec types sorts as strings (a property name, ascending); the docs send objects. Accept both.
        if (sort.ValueKind == JsonValueKind.String)
        {
            var text = sort.GetString() ?? "";
            return text.Length == 0 ? throw ApiError.InvalidJson("a sort needs a propertyName.") : new SortInput(text, false);
        }

        var name = sort.String("propertyName");
        if (string.IsNullOrEmpty(name))
        {
            throw ApiError.InvalidJson("Cannot build Sort, some of required attributes are not set [propertyName]");
        }

        var direction = sort.String("direction") ?? "ASCENDING";
        return direction switch
        {
            "ASCENDING" => new SortInput(name, false),
            "DESCENDING" => new SortInput(name, true),
            _ => throw ApiError.Validation(
                $"Invalid input JSON on line 1, column 1: Cannot deserialize value of type `Direction` from String \"{direction}\": not one of the values accepted for Enum class: [ASCENDING, DESCENDING]",
                context: ApiError.Ctx("direction", direction)),
        };
    }

    private static int? ReadInt(JsonElement v, string name) => v.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.Number when v.TryGetInt32(out var i) => i,
        JsonValueKind.String when int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => throw ApiError.InvalidJson($"\"{name}\" must be an integer."),
    };

    /// <summary><c>after</c> is the offset of the next page: a numeric string (docs/hubspot-api.md §4.2), numbers accepted too.</summary>
    private static int ReadAfter(JsonElement v)
    {
        var raw = v.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw ApiError.InvalidJson("\"after\" must be a string."),
        };
        if (string.IsNullOrEmpty(raw))
        {
            return 0;
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var after)
            ? after
            : throw ApiError.Validation($"The \"after\" cursor \"{raw}\" is not valid; pass back paging.next.after unchanged.",
                context: ApiError.Ctx("after", raw));
    }
}
