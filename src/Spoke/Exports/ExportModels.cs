using Spoke.Crm;

namespace Spoke.Exports;

/// <summary>
/// What to export: a VIEW (every record of a type, or those a search's filters match) or the members of a LIST.
/// Options are init-only: vary a request with <c>with { InternalValues = true }</c>.
/// <code>
/// var request = ExportRequest.View("contacts", "Customers", ["email", "firstname"],
///     new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("lifecyclestage", "customer")));
/// </code>
/// </summary>
public sealed record ExportRequest
{
    private ExportRequest(string exportType, string objectType, string exportName, IEnumerable<string> properties)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentException.ThrowIfNullOrWhiteSpace(exportName);
        ArgumentNullException.ThrowIfNull(properties);
        ExportType = exportType;
        ObjectType = objectType;
        ExportName = exportName;
        ObjectProperties = [.. properties];
        if (ObjectProperties.Count == 0)
        {
            throw new ArgumentException("An export needs at least one property.", nameof(properties));
        }
    }

    /// <summary>Records of <paramref name="objectType"/>, all of them or those <paramref name="filter"/> matches (its filter groups, sort and query).</summary>
    public static ExportRequest View(string objectType, string exportName, IEnumerable<string> properties, CrmSearchRequest? filter = null) =>
        new("VIEW", objectType, exportName, properties) { Filter = filter };

    /// <summary>The members of list <paramref name="listId"/> (of <paramref name="objectType"/>).</summary>
    public static ExportRequest List(string objectType, string listId, string exportName, IEnumerable<string> properties)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listId);
        return new("LIST", objectType, exportName, properties) { ListId = listId };
    }

    /// <summary>VIEW or LIST.</summary>
    public string ExportType { get; }

    /// <summary>The object type: a name (<c>contacts</c>), an id (<c>0-1</c>) or HubSpot's <c>CONTACT</c>.</summary>
    public string ObjectType { get; }

    /// <summary>The name HubSpot shows and names the file after.</summary>
    public string ExportName { get; }

    /// <summary>The properties exported, as columns, in order.</summary>
    public IReadOnlyList<string> ObjectProperties { get; }

    /// <summary>For a VIEW: the filters; null exports every record.</summary>
    public CrmSearchRequest? Filter { get; init; }

    /// <summary>For a LIST: the list id.</summary>
    public string? ListId { get; init; }

    /// <summary>HubSpot's <c>format</c>: CSV (default), XLS or XLSX.</summary>
    public string Format { get; init; } = "CSV";

    /// <summary>HubSpot's <c>language</c> of the headers, e.g. EN (default), DE, FR.</summary>
    public string Language { get; init; } = "EN";

    /// <summary>Headers are internal property names instead of labels.</summary>
    public bool InternalNames { get; init; }

    /// <summary>Values are internal values (e.g. enumeration values) instead of labels.</summary>
    public bool InternalValues { get; init; }

    /// <summary>Adds a column of associated record ids of this object type.</summary>
    public string? AssociatedObjectType { get; init; }
}

/// <summary>HubSpot's export task statuses.</summary>
public static class ExportTaskStatus
{
    /// <summary>Queued.</summary>
    public const string Pending = "PENDING";

    /// <summary>Being written.</summary>
    public const string Processing = "PROCESSING";

    /// <summary>Done: <see cref="ExportStatus.ResultUrl"/> downloads the file.</summary>
    public const string Complete = "COMPLETE";

    /// <summary>Canceled.</summary>
    public const string Canceled = "CANCELED";
}

/// <summary>Where an export stands.</summary>
public sealed record ExportStatus
{
    /// <summary>The export's task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>An <see cref="ExportTaskStatus"/> value.</summary>
    public required string Status { get; init; }

    /// <summary>The download link once COMPLETE: pre-signed (it needs no token) and short-lived.</summary>
    public Uri? ResultUrl { get; init; }

    /// <summary>When the export was asked for.</summary>
    public DateTimeOffset? RequestedAt { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>True once it will not change any more (COMPLETE or CANCELED).</summary>
    public bool IsTerminal => Status is ExportTaskStatus.Complete or ExportTaskStatus.Canceled;
}
