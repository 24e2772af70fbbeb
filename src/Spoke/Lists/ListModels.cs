using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.Lists;

/// <summary>A list of records of one object type (docs/hubspot-api.md §3.7 <c>PublicObjectList</c>).</summary>
public sealed class ObjectList
{
    public string ListId { get; init; } = "";
    public int ListVersion { get; init; }
    public string Name { get; init; } = "";

    /// <summary>The type of its records, e.g. <c>0-1</c> (contacts).</summary>
    public string ObjectTypeId { get; init; } = "";

    public ListProcessingType ProcessingType { get; init; }
    public string? ProcessingStatus { get; init; }

    /// <summary>How many members it has (not sent in search results: see <see cref="AdditionalProperties"/> <c>hs_list_size</c>).</summary>
    public int? Size { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public DateTimeOffset? FiltersUpdatedAt { get; init; }

    /// <summary>Set while the list is deleted (restorable).</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>Its filters, when asked for with <c>includeFilters</c> (DYNAMIC and SNAPSHOT lists).</summary>
    public ListFilterBranch? FilterBranch { get; init; }

    /// <summary>Search results only: <c>hs_list_size</c>, <c>hs_last_record_added_at</c>, ….</summary>
    public IReadOnlyDictionary<string, string>? AdditionalProperties { get; init; }
}

/// <summary>
/// A list's filters: a tree of branches (<c>OR</c> at the root, <c>AND</c> below it, then <c>AND</c>, <c>OR</c>,
/// <c>NOT_ALL</c>, <c>NOT_ANY</c>), each with filters. Build one with <see cref="AnyOf"/> and <see cref="AllOf"/>.
/// </summary>
public sealed class ListFilterBranch
{
    public string FilterBranchType { get; init; } = "OR";
    public IList<ListFilterBranch> FilterBranches { get; init; } = [];
    public IList<ListFilter> Filters { get; init; } = [];

    /// <summary>Fields this version doesn't model, kept as sent (e.g. <c>operator</c> of association branches).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }

    /// <summary>The root: members match any of the <paramref name="branches"/>.</summary>
    public static ListFilterBranch AnyOf(params ListFilterBranch[] branches) => new() { FilterBranchType = "OR", FilterBranches = branches };

    /// <summary>A branch whose members match every filter.</summary>
    public static ListFilterBranch AllOf(params ListFilter[] filters) => new() { FilterBranchType = "AND", Filters = filters };
}

/// <summary>One filter of a branch, e.g. a <c>PROPERTY</c> filter.</summary>
public sealed class ListFilter
{
    public string FilterType { get; init; } = "PROPERTY";
    public string? Property { get; init; }
    public ListFilterOperation? Operation { get; init; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }

    /// <summary>A <c>PROPERTY</c> filter, e.g. <c>ListFilter.OnProperty("email", ListFilterOperation.String("ENDS_WITH", "@acme.com"))</c>.</summary>
    public static ListFilter OnProperty(string property, ListFilterOperation operation) => new() { Property = property, Operation = operation };
}

/// <summary>
/// The test a filter applies: an operation type (<c>STRING</c>, <c>NUMBER</c>, <c>BOOL</c>, <c>ENUMERATION</c>,
/// <c>MULTISTRING</c>, <c>TIME_POINT</c>, …) and an operator (<c>IS_EQUAL_TO</c>, <c>CONTAINS</c>, <c>IS_ANY_OF</c>, …).
/// </summary>
public sealed class ListFilterOperation
{
    public string OperationType { get; init; } = "";
    public string Operator { get; init; } = "";
    public string? Value { get; init; }
    public IList<string>? Values { get; init; }
    public bool? IncludeObjectsWithNoValueSet { get; init; }

    /// <summary>Other fields (bounds, time points), kept as sent.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }

    public static ListFilterOperation String(string @operator, string value) => new() { OperationType = "STRING", Operator = @operator, Value = value };

    public static ListFilterOperation Number(string @operator, decimal value) =>
        new() { OperationType = "NUMBER", Operator = @operator, Value = value.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static ListFilterOperation Enumeration(string @operator, params string[] values) => new() { OperationType = "ENUMERATION", Operator = @operator, Values = values };
}

/// <summary>A new list. MANUAL lists take no filters; DYNAMIC lists need them; SNAPSHOT lists evaluate them once.</summary>
public sealed class ListCreate
{
    public required string Name { get; init; }

    /// <summary>e.g. <c>0-1</c> (contacts), <c>0-2</c> (companies), <c>2-N</c>.</summary>
    public required string ObjectTypeId { get; init; }

    public required ListProcessingType ProcessingType { get; init; }
    public ListFilterBranch? FilterBranch { get; init; }
    public string? ListFolderId { get; init; }
}

/// <summary>What to look for in <see cref="ListsClient.SearchAsync"/>; every criterion is optional.</summary>
public sealed class ListSearchRequest
{
    /// <summary>Matches names containing it (case-insensitive).</summary>
    public string? Query { get; init; }
    public IList<string>? ListIds { get; init; }
    public IList<ListProcessingType>? ProcessingTypes { get; init; }
    public string? ObjectTypeId { get; init; }
}

/// <summary>What a membership change did. Records that don't exist are listed in <see cref="Missing"/>, not refused.</summary>
public sealed record MembershipChange(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Missing);

/// <summary>One member of a list and when it (last) joined.</summary>
public sealed record ListMembership(string RecordId, DateTimeOffset? MembershipTimestamp);

/// <summary>One list a record belongs to.</summary>
public sealed record RecordListMembership(string ListId, int ListVersion, DateTimeOffset? FirstAddedTimestamp, DateTimeOffset? LastAddedTimestamp);

/// <summary>Optional parameters of reading a list (<see cref="ListsClient.GetAsync"/>, <see cref="ListsClient.BatchReadAsync"/>, <see cref="ListsClient.GetByNameAsync"/>, <see cref="ListsClient.RenameAsync"/>).</summary>
public sealed class ListReadOptions
{
    /// <summary>Include the list's filter definition in <see cref="ObjectList.FilterBranch"/> (DYNAMIC and SNAPSHOT lists); HubSpot leaves it out otherwise.</summary>
    public bool IncludeFilters { get; init; }
}

/// <summary>Optional parameters of <see cref="ListsClient.UpdateFiltersAsync"/>.</summary>
public sealed class ListFilterUpdateOptions
{
    /// <summary>Enroll the records that newly match into the workflows that use this list (HubSpot's default: no).</summary>
    public bool EnrollObjectsInWorkflows { get; init; }
}

/// <summary>Optional parameters of <see cref="ListsClient.ListMembershipsAsync"/>.</summary>
public sealed class ListMembershipOptions
{
    /// <summary>Members in the order they joined the list instead of by record id.</summary>
    public bool JoinOrder { get; init; }
}
