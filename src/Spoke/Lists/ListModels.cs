using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.Lists;

/// <summary>A list of records of one object type (docs/hubspot-api.md §3.7 <c>PublicObjectList</c>).</summary>
public sealed class ObjectList
{
    /// <summary>The list's ID (HubSpot's list ID in the lists v3 API, not a legacy v1 list ID).</summary>
    public string ListId { get; init; } = "";
    /// <summary>A version number HubSpot raises each time the list's definition changes.</summary>
    public int ListVersion { get; init; }
    /// <summary>The list's name, unique per object type (HubSpot compares names without case).</summary>
    public string Name { get; init; } = "";

    /// <summary>The type of its records, e.g. <c>0-1</c> (contacts).</summary>
    public string ObjectTypeId { get; init; } = "";

    /// <summary>How the list gets its members: <see cref="ListProcessingType.Manual"/>, <see cref="ListProcessingType.Dynamic"/> or <see cref="ListProcessingType.Snapshot"/>.</summary>
    public ListProcessingType ProcessingType { get; init; }
    /// <summary>Whether HubSpot has finished working out the members, e.g. <c>COMPLETE</c>; null when not sent.</summary>
    public string? ProcessingStatus { get; init; }

    /// <summary>How many members it has (not sent in search results: see <see cref="AdditionalProperties"/> <c>hs_list_size</c>).</summary>
    public int? Size { get; init; }

    /// <summary>When the list was created; null when not sent.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the list last changed; null when not sent.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>When the filters last changed; null for a list that never had them.</summary>
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
    /// <summary><c>filterBranchType</c>: <c>OR</c>, <c>AND</c>, <c>NOT_ALL</c>, <c>NOT_ANY</c>, or <c>RESTRICTED</c>, <c>UNIFIED_EVENTS</c>, <c>ASSOCIATION</c>; <c>OR</c> when not set.</summary>
    public string FilterBranchType { get; init; } = "OR";
    /// <summary>The branches nested under this one.</summary>
    public IList<ListFilterBranch> FilterBranches { get; init; } = [];
    /// <summary>The filters of this branch, combined as <see cref="FilterBranchType"/> says.</summary>
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
    /// <summary><c>filterType</c>: what the filter tests, e.g. <c>PROPERTY</c> (the default), <c>ASSOCIATION</c>, <c>FORM_SUBMISSION</c>.</summary>
    public string FilterType { get; init; } = "PROPERTY";
    /// <summary>For a <c>PROPERTY</c> filter, the internal name of the property it tests; otherwise null.</summary>
    public string? Property { get; init; }
    /// <summary>The test applied to the property's value; null for filter types that have none.</summary>
    public ListFilterOperation? Operation { get; init; }

    /// <summary>Fields this version doesn't model, kept as sent (e.g. those of non-property filters).</summary>
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
    /// <summary><c>operationType</c>: the kind of value tested, one of <see cref="ListOperationTypes"/>.</summary>
    public string OperationType { get; init; } = "";
    /// <summary><c>operator</c>: the test, one of <see cref="ListFilterOperators"/>.</summary>
    public string Operator { get; init; } = "";
    /// <summary>The one value the operator compares with (as a string, numbers too); null for operators that take a list or none.</summary>
    public string? Value { get; init; }
    /// <summary>The values of set operators such as <see cref="ListFilterOperators.IsAnyOf"/>; null for the others.</summary>
    public IList<string>? Values { get; init; }
    /// <summary>Whether records with no value for the property also match; null for HubSpot's default.</summary>
    public bool? IncludeObjectsWithNoValueSet { get; init; }

    /// <summary>Other fields (bounds, time points), kept as sent.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }

    /// <summary>A <c>STRING</c> test, e.g. <c>String(ListFilterOperators.EndsWith, "@acme.com")</c>.</summary>
    public static ListFilterOperation String(string @operator, string value) => new() { OperationType = "STRING", Operator = @operator, Value = value };

    /// <summary>A <c>NUMBER</c> test, e.g. <c>Number(ListFilterOperators.IsGreaterThan, 1000)</c>.</summary>
    public static ListFilterOperation Number(string @operator, decimal value) =>
        new() { OperationType = "NUMBER", Operator = @operator, Value = value.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>An <c>ENUMERATION</c> test against option values, e.g. <c>Enumeration(ListFilterOperators.IsAnyOf, "customer", "lead")</c>.</summary>
    public static ListFilterOperation Enumeration(string @operator, params string[] values) => new() { OperationType = "ENUMERATION", Operator = @operator, Values = values };
}

/// <summary>A new list. MANUAL lists take no filters; DYNAMIC lists need them; SNAPSHOT lists evaluate them once.</summary>
public sealed class ListCreate
{
    /// <summary>The list's name; it must be unique per object type, ignoring case.</summary>
    public required string Name { get; init; }

    /// <summary>e.g. <c>0-1</c> (contacts), <c>0-2</c> (companies), <c>2-N</c>.</summary>
    public required string ObjectTypeId { get; init; }

    /// <summary>How the list gets its members; no call changes it later.</summary>
    public required ListProcessingType ProcessingType { get; init; }
    /// <summary>The filters, required for DYNAMIC and SNAPSHOT lists and not allowed for MANUAL ones; the root is an <c>OR</c> branch (see <see cref="ListFilterBranch.AnyOf"/>).</summary>
    public ListFilterBranch? FilterBranch { get; init; }
    /// <summary>The folder to put the list in; null for the root folder.</summary>
    public string? ListFolderId { get; init; }
}

/// <summary>What to look for in <see cref="ListsClient.SearchAsync"/>; every criterion is optional.</summary>
public sealed class ListSearchRequest
{
    /// <summary>Matches names containing it (case-insensitive).</summary>
    public string? Query { get; init; }
    /// <summary>Only these list IDs; null for any.</summary>
    public IList<string>? ListIds { get; init; }
    /// <summary>Only lists with one of these processing types; null for any.</summary>
    public IList<ListProcessingType>? ProcessingTypes { get; init; }
    /// <summary>Only lists of this object type, e.g. <c>0-1</c>; null for any.</summary>
    public string? ObjectTypeId { get; init; }
}

/// <summary>What a membership change did. Records that don't exist are listed in <see cref="Missing"/>, not refused.</summary>
/// <param name="Added">Record IDs that became members (HubSpot's <c>recordsIdsAdded</c>); records already members are not listed.</param>
/// <param name="Removed">Record IDs that stopped being members (<c>recordIdsRemoved</c>).</param>
/// <param name="Missing">Record IDs that match no record and were ignored (<c>recordIdsMissing</c>).</param>
public sealed record MembershipChange(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Missing);

/// <summary>One member of a list and when it (last) joined.</summary>
/// <param name="RecordId">The member record's ID.</param>
/// <param name="MembershipTimestamp">When the record (last) joined the list; null when HubSpot doesn't say.</param>
public sealed record ListMembership(string RecordId, DateTimeOffset? MembershipTimestamp);

/// <summary>One list a record belongs to.</summary>
/// <param name="ListId">The list's ID.</param>
/// <param name="ListVersion">The list's <see cref="ObjectList.ListVersion"/>.</param>
/// <param name="FirstAddedTimestamp">When the record first joined the list; null when HubSpot doesn't say.</param>
/// <param name="LastAddedTimestamp">When the record last joined the list; null when HubSpot doesn't say.</param>
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
