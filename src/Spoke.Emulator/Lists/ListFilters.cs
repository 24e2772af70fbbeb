using System.Globalization;
using System.Text.Json;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Lists;

/// <summary>A compiled filter branch: OR / AND / NOT_ALL / NOT_ANY over property filters and nested branches.</summary>
internal sealed class FilterBranch
{
    internal static readonly FilterBranch MatchNothing = new("OR", [], []);

    internal FilterBranch(string type, IReadOnlyList<FilterBranch> branches, IReadOnlyList<PropertyFilter> filters)
    {
        Type = type;
        Branches = branches;
        Filters = filters;
        UsesRelativeTime = filters.Any(f => f.UsesRelativeTime) || branches.Any(b => b.UsesRelativeTime);
    }

    public string Type { get; }
    public IReadOnlyList<FilterBranch> Branches { get; }
    internal IReadOnlyList<PropertyFilter> Filters { get; }

    /// <summary>True when a filter refers to "now" or "today": the answer can change while records don't.</summary>
    public bool UsesRelativeTime { get; }

    public bool Matches(CrmRecord record, DateTimeOffset now)
    {
        var results = Filters.Select(f => f.Matches(record, now)).Concat(Branches.Select(b => b.Matches(record, now)));
        return Type switch
        {
            "OR" => results.Any(r => r),
            "AND" => results.All(r => r),
            "NOT_ALL" => !results.All(r => r),
            "NOT_ANY" => !results.Any(r => r),
            _ => false,
        };
    }
}

/// <summary>One <c>PROPERTY</c> filter: the property, and a test of its current value.</summary>
internal sealed class PropertyFilter(string property, bool includeNoValue, bool usesRelativeTime, Func<string?, DateTimeOffset, bool> test)
{
    public bool UsesRelativeTime { get; } = usesRelativeTime;

    public bool Matches(CrmRecord record, DateTimeOffset now)
    {
        var value = record.Get(property);
        return test(value, now) || (value is null && includeNoValue);
    }
}

/// <summary>
/// Reads HubSpot's list <c>filterBranch</c> (docs/hubspot-api.md §3.7) into a <see cref="FilterBranch"/>. The root must be an OR
/// branch whose children are AND branches (HubSpot's shape). Supported: PROPERTY filters with operation types
/// ALL_PROPERTY, STRING, MULTISTRING, NUMBER, BOOL, ENUMERATION, TIME_POINT and TIME_RANGED. Anything else is
/// refused with a 400 naming it, so a list never silently ignores part of its definition.
/// </summary>
internal static class ListFilters
{
    private static readonly string[] NestedBranchTypes = ["AND", "OR", "NOT_ALL", "NOT_ANY"];

    public static FilterBranch Parse(JsonElement root, PropertyCatalog catalog)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Validation("filterBranch must be an object with filterBranchType, filterBranches and filters.");
        }

        var rootType = BranchType(root);
        if (rootType != "OR")
        {
            throw ApiError.Validation($"The root filter branch must have filterBranchType OR; got {rootType}.",
                context: ApiError.Ctx("filterBranchType", rootType));
        }

        if (Array(root, "filters").Count > 0)
        {
            throw ApiError.Validation("The root OR filter branch takes no filters of its own: put them in AND filter branches under it.");
        }

        var children = new List<FilterBranch>();
        foreach (var child in Array(root, "filterBranches"))
        {
            var childType = BranchType(child);
            if (childType != "AND")
            {
                throw ApiError.Validation($"Filter branches directly under the root OR branch must have filterBranchType AND; got {childType}.",
                    context: ApiError.Ctx("filterBranchType", childType));
            }

            children.Add(ParseBranch(child, catalog));
        }

        return new FilterBranch("OR", children, []);
    }

    private static FilterBranch ParseBranch(JsonElement branch, PropertyCatalog catalog)
    {
        var type = BranchType(branch);
        if (!NestedBranchTypes.Contains(type))
        {
            throw Unsupported($"filterBranchType {type} is not supported by the emulator; supported: {string.Join(", ", NestedBranchTypes)}.", "filterBranchType", type);
        }

        var branches = Array(branch, "filterBranches").Select(b => ParseBranch(b, catalog)).ToList();
        var filters = Array(branch, "filters").Select(f => ParseFilter(f, catalog)).ToList();
        return new FilterBranch(type, branches, filters);
    }

    private static PropertyFilter ParseFilter(JsonElement filter, PropertyCatalog catalog)
    {
        var filterType = filter.String("filterType") ?? throw ApiError.Validation("Each filter needs a filterType.");
        if (filterType != "PROPERTY")
        {
            throw Unsupported($"filterType {filterType} is not supported by the emulator; only PROPERTY filters are.", "filterType", filterType);
        }

        var property = filter.String("property") ?? throw ApiError.Validation("A PROPERTY filter needs a \"property\".");
        if (catalog.Find(property) is not { Archived: false } definition)
        {
            throw ApiError.Validation($"Property \"{property}\" does not exist.", context: ApiError.Ctx("propertyName", property));
        }

        var operation = filter.Field("operation");
        if (operation.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Validation($"The filter on \"{property}\" needs an \"operation\" object.");
        }

        var operationType = operation.String("operationType") ?? throw ApiError.Validation($"The filter on \"{property}\" needs operation.operationType.");
        var op = operation.String("operator") ?? throw ApiError.Validation($"The filter on \"{property}\" needs operation.operator.");
        var includeNoValue = operation.Field("includeObjectsWithNoValueSet").ValueKind == JsonValueKind.True;
        switch (op)
        {
            case "IS_KNOWN":
                return new(property, false, false, (v, _) => v is not null);
            case "IS_UNKNOWN" or "IS_NOT_KNOWN":
                return new(property, false, false, (v, _) => v is null);
        }

        var relative = false;
        Func<string?, DateTimeOffset, bool> test = operationType switch
        {
            "STRING" => StringTest(op, Scalar(operation, "value", property), property, operationType),
            "MULTISTRING" => MultiStringTest(op, Values(operation, property), property),
            "NUMBER" => NumberTest(op, operation, property),
            "BOOL" => BoolTest(op, operation, property),
            "ENUMERATION" => EnumerationTest(op, Values(operation, property), property),
            "TIME_POINT" => TimePointTest(op, operation, property, definition, ref relative),
            "TIME_RANGED" => TimeRangedTest(op, operation, property, definition, ref relative),
            "ALL_PROPERTY" => throw UnsupportedOperator(op, operationType, "IS_KNOWN, IS_UNKNOWN"),
            _ => throw Unsupported(
                $"operationType {operationType} (filter on \"{property}\") is not supported by the emulator; supported: ALL_PROPERTY, STRING, MULTISTRING, NUMBER, BOOL, ENUMERATION, TIME_POINT, TIME_RANGED.",
                "operationType", operationType),
        };
        return new(property, includeNoValue, relative, test);
    }

    private static Func<string?, DateTimeOffset, bool> StringTest(string op, string value, string property, string operationType) => op switch
    {
        "IS_EQUAL_TO" => (v, _) => v is not null && string.Equals(v, value, StringComparison.OrdinalIgnoreCase),
        "IS_NOT_EQUAL_TO" => (v, _) => v is not null && !string.Equals(v, value, StringComparison.OrdinalIgnoreCase),
        "CONTAINS" => (v, _) => v is not null && v.Contains(value, StringComparison.OrdinalIgnoreCase),
        "DOES_NOT_CONTAIN" => (v, _) => v is not null && !v.Contains(value, StringComparison.OrdinalIgnoreCase),
        "STARTS_WITH" => (v, _) => v is not null && v.StartsWith(value, StringComparison.OrdinalIgnoreCase),
        "ENDS_WITH" => (v, _) => v is not null && v.EndsWith(value, StringComparison.OrdinalIgnoreCase),
        _ => throw UnsupportedOperator(op, operationType, "IS_EQUAL_TO, IS_NOT_EQUAL_TO, CONTAINS, DOES_NOT_CONTAIN, STARTS_WITH, ENDS_WITH, IS_KNOWN, IS_UNKNOWN", property),
    };

    private static Func<string?, DateTimeOffset, bool> MultiStringTest(string op, IReadOnlyList<string> values, string property)
    {
        Func<string, string, bool> one = op switch
        {
            "IS_EQUAL_TO" or "IS_NOT_EQUAL_TO" => (v, x) => string.Equals(v, x, StringComparison.OrdinalIgnoreCase),
            "CONTAINS" or "DOES_NOT_CONTAIN" => (v, x) => v.Contains(x, StringComparison.OrdinalIgnoreCase),
            "STARTS_WITH" => (v, x) => v.StartsWith(x, StringComparison.OrdinalIgnoreCase),
            "ENDS_WITH" => (v, x) => v.EndsWith(x, StringComparison.OrdinalIgnoreCase),
            _ => throw UnsupportedOperator(op, "MULTISTRING", "IS_EQUAL_TO, IS_NOT_EQUAL_TO, CONTAINS, DOES_NOT_CONTAIN, STARTS_WITH, ENDS_WITH, IS_KNOWN, IS_UNKNOWN", property),
        };
        var negated = op is "IS_NOT_EQUAL_TO" or "DOES_NOT_CONTAIN";
        return (v, _) => v is not null && values.Any(x => one(v, x)) != negated;
    }

    private static Func<string?, DateTimeOffset, bool> NumberTest(string op, JsonElement operation, string property)
    {
        static decimal? Parse(string? v) =>
            v is not null && decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

        decimal Bound(string name)
        {
            var raw = Scalar(operation, name, property);
            return Parse(raw) ?? throw ApiError.Validation($"operation.{name} of the filter on \"{property}\" must be a number; got \"{raw}\".");
        }

        if (op is "IS_BETWEEN" or "IS_NOT_BETWEEN")
        {
            var lower = Bound("lowerBound");
            var upper = Bound("upperBound");
            var negated = op == "IS_NOT_BETWEEN";
            return (v, _) => Parse(v) is { } n && (n >= lower && n <= upper) != negated;
        }

        var value = Bound("value");
        Func<decimal, bool> compare = op switch
        {
            "IS_EQUAL_TO" => n => n == value,
            "IS_NOT_EQUAL_TO" => n => n != value,
            "IS_GREATER_THAN" => n => n > value,
            "IS_GREATER_THAN_OR_EQUAL_TO" => n => n >= value,
            "IS_LESS_THAN" => n => n < value,
            "IS_LESS_THAN_OR_EQUAL_TO" => n => n <= value,
            _ => throw UnsupportedOperator(op, "NUMBER",
                "IS_EQUAL_TO, IS_NOT_EQUAL_TO, IS_GREATER_THAN, IS_GREATER_THAN_OR_EQUAL_TO, IS_LESS_THAN, IS_LESS_THAN_OR_EQUAL_TO, IS_BETWEEN, IS_NOT_BETWEEN, IS_KNOWN, IS_UNKNOWN", property),
        };
        return (v, _) => Parse(v) is { } n && compare(n);
    }

    private static Func<string?, DateTimeOffset, bool> BoolTest(string op, JsonElement operation, string property)
    {
        var raw = Scalar(operation, "value", property);
        if (!bool.TryParse(raw, out var expected))
        {
            throw ApiError.Validation($"operation.value of the filter on \"{property}\" must be true or false; got \"{raw}\".");
        }

        var wanted = op switch
        {
            "IS_EQUAL_TO" => expected,
            "IS_NOT_EQUAL_TO" => !expected,
            _ => throw UnsupportedOperator(op, "BOOL", "IS_EQUAL_TO, IS_NOT_EQUAL_TO, IS_KNOWN, IS_UNKNOWN", property),
        };
        return (v, _) => v is not null && bool.TryParse(v, out var b) && b == wanted;
    }

    private static Func<string?, DateTimeOffset, bool> EnumerationTest(string op, IReadOnlyList<string> values, string property)
    {
        var wanted = values.ToHashSet(StringComparer.Ordinal);
        static HashSet<string> Set(string v) => v.Split(';', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        Func<HashSet<string>, bool> test = op switch
        {
            "IS_ANY_OF" => s => s.Overlaps(wanted),
            "IS_NONE_OF" => s => !s.Overlaps(wanted),
            "IS_EXACTLY" => s => s.SetEquals(wanted),
            "IS_NOT_EXACTLY" => s => !s.SetEquals(wanted),
            "CONTAINS_ALL" => s => s.IsSupersetOf(wanted),
            "DOES_NOT_CONTAIN_ALL" => s => !s.IsSupersetOf(wanted),
            _ => throw UnsupportedOperator(op, "ENUMERATION", "IS_ANY_OF, IS_NONE_OF, IS_EXACTLY, IS_NOT_EXACTLY, CONTAINS_ALL, DOES_NOT_CONTAIN_ALL, IS_KNOWN, IS_UNKNOWN", property),
        };
        return (v, _) => v is not null && test(Set(v));
    }

    private static Func<string?, DateTimeOffset, bool> TimePointTest(string op, JsonElement operation, string property, PropertyDefinition definition, ref bool relative)
    {
        var point = TimePoint(operation.Field("timePoint"), property, ref relative);
        RequireTimeProperty(definition);
        return op switch
        {
            // A day without a time means the whole day: after it starts the next day, before it ends at its start.
            "IS_AFTER" => (v, now) => Instant(v) is { } t && t >= point(now).End,
            "IS_BEFORE" => (v, now) => Instant(v) is { } t && t < point(now).Start,
            _ => throw UnsupportedOperator(op, "TIME_POINT", "IS_AFTER, IS_BEFORE, IS_KNOWN, IS_UNKNOWN", property),
        };
    }

    private static Func<string?, DateTimeOffset, bool> TimeRangedTest(string op, JsonElement operation, string property, PropertyDefinition definition, ref bool relative)
    {
        var lower = TimePoint(operation.Field("lowerBoundTimePoint"), property, ref relative);
        var upper = TimePoint(operation.Field("upperBoundTimePoint"), property, ref relative);
        RequireTimeProperty(definition);
        var negated = op switch
        {
            "IS_BETWEEN" => false,
            "IS_NOT_BETWEEN" => true,
            _ => throw UnsupportedOperator(op, "TIME_RANGED", "IS_BETWEEN, IS_NOT_BETWEEN, IS_KNOWN, IS_UNKNOWN", property),
        };
        return (v, now) => Instant(v) is { } t && (t >= lower(now).Start && t < upper(now).End) != negated;
    }

    private static void RequireTimeProperty(PropertyDefinition definition)
    {
        if (definition.Type is not ("date" or "datetime"))
        {
            throw ApiError.Validation($"Time filters need a date or datetime property; \"{definition.Name}\" is of type {definition.Type}.",
                context: ApiError.Ctx("propertyName", definition.Name));
        }
    }

    private static DateTimeOffset? Instant(string? v) =>
        v is not null && PropertyValues.TryParseInstant(v, out var t) ? t : null;

    /// <summary>A time point as the span it denotes: a DATE without hour is a whole day, everything else an instant.</summary>
    private static Func<DateTimeOffset, (DateTimeOffset Start, DateTimeOffset End)> TimePoint(JsonElement point, string property, ref bool relative)
    {
        if (point.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Validation($"The time filter on \"{property}\" needs its time point(s) (timePoint, or lowerBoundTimePoint and upperBoundTimePoint).");
        }

        var zone = Zone(point.String("zoneId"));
        var timeType = point.String("timeType");
        switch (timeType)
        {
            case "DATE":
            {
                var name = property;
                int Part(string part, int fallback) => WholeNumber(point, part, fallback, name);
                var wholeDay = point.Field("hour").ValueKind != JsonValueKind.Number;
                try
                {
                    var local = new DateTime(Part("year", 0), Part("month", 0), Part("day", 0), Part("hour", 0), Part("minute", 0), Part("second", 0), Part("millisecond", 0), DateTimeKind.Unspecified);
                    var start = new DateTimeOffset(local, zone.GetUtcOffset(local));
                    var end = wholeDay ? start.AddDays(1) : start;
                    return _ => (start, end);
                }
                catch (ArgumentOutOfRangeException)
                {
                    throw ApiError.Validation($"The DATE time point of the filter on \"{property}\" needs a valid year, month and day.");
                }
            }

            case "INDEXED":
            {
                relative = true;
                var reference = point.Field("indexReference");
                var referenceType = reference.String("referenceType");
                if (referenceType is not ("NOW" or "TODAY"))
                {
                    throw Unsupported($"indexReference.referenceType {referenceType} (filter on \"{property}\") is not supported by the emulator; supported: NOW, TODAY.",
                        "referenceType", referenceType ?? "");
                }

                var offset = point.Field("offset");
                var name = property;
                int Off(string part) => WholeNumber(offset, part, 0, name);
                var (years, months, weeks, days, hours, minutes, seconds) = (Off("years"), Off("months"), Off("weeks"), Off("days"), Off("hours"), Off("minutes"), Off("seconds"));
                return now =>
                {
                    var local = TimeZoneInfo.ConvertTime(now, zone);
                    var anchor = referenceType == "TODAY" ? new DateTimeOffset(local.Date, local.Offset) : local;
                    DateTimeOffset at;
                    try
                    {
                        at = anchor.AddYears(years).AddMonths(months).AddDays((weeks * 7.0) + days).AddHours(hours).AddMinutes(minutes).AddSeconds(seconds);
                    }
                    catch (ArgumentOutOfRangeException)
                    {
                        // An offset past the calendar's ends is evaluated against every write: saturate instead of failing them.
                        var direction = (years * 365.25) + (months * 30.44) + (weeks * 7.0) + days + (hours / 24.0) + (minutes / 1440.0) + (seconds / 86400.0);
                        at = direction >= 0 ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue;
                        return (at, at);
                    }

                    return referenceType == "TODAY" && hours == 0 && minutes == 0 && seconds == 0 && at < DateTimeOffset.MaxValue.AddDays(-1) ? (at, at.AddDays(1)) : (at, at);
                };
            }

            default:
                throw Unsupported($"timeType {timeType} (filter on \"{property}\") is not supported by the emulator; supported: DATE, INDEXED.", "timeType", timeType ?? "");
        }
    }

    private static int WholeNumber(JsonElement parent, string name, int fallback, string property)
    {
        var v = parent.Field(name);
        if (v.ValueKind != JsonValueKind.Number)
        {
            return fallback;
        }

        return v.TryGetInt32(out var n) ? n
            : throw ApiError.Validation($"\"{name}\" in the time filter on \"{property}\" must be a whole number between {int.MinValue} and {int.MaxValue}; got {v.GetRawText()}.",
                context: ApiError.Ctx(name, v.GetRawText()));
    }

    private static TimeZoneInfo Zone(string? zoneId)
    {
        if (string.IsNullOrEmpty(zoneId) || zoneId is "UTC" or "Etc/UTC")
        {
            return TimeZoneInfo.Utc;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone)
            ? zone
            : throw ApiError.Validation($"Unknown zoneId \"{zoneId}\".", context: ApiError.Ctx("zoneId", zoneId));
    }

    private static string BranchType(JsonElement branch) =>
        branch.String("filterBranchType") ?? throw ApiError.Validation("Each filter branch needs a filterBranchType.");

    private static List<JsonElement> Array(JsonElement element, string name)
    {
        var v = element.Field(name);
        return v.ValueKind switch
        {
            JsonValueKind.Array => [.. v.EnumerateArray()],
            JsonValueKind.Undefined or JsonValueKind.Null => [],
            _ => throw ApiError.Validation($"\"{name}\" of a filter branch must be an array."),
        };
    }

    private static string Scalar(JsonElement operation, string name, string property)
    {
        var v = operation.Field(name);
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => throw ApiError.Validation($"The filter on \"{property}\" needs operation.{name}."),
        };
    }

    private static List<string> Values(JsonElement operation, string property)
    {
        var v = operation.Field("values");
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.Validation($"The filter on \"{property}\" needs operation.values (an array).");
        }

        return [.. v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())];
    }

    private static ApiError UnsupportedOperator(string op, string operationType, string supported, string? property = null) =>
        Unsupported($"operator {op} is not supported for operationType {operationType}{(property is null ? "" : $" (filter on \"{property}\")")}; supported: {supported}.", "operator", op);

    private static ApiError Unsupported(string message, string key, string value) =>
        ApiError.Validation(message, context: ApiError.Ctx(key, value));
}
