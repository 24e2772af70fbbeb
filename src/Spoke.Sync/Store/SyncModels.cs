namespace Spoke.Sync.Store;

/// <summary>
/// A record as HubSpot returned it, to be written to the mirror: its id, every synced property's value exactly as sent
/// (HubSpot sends all values as strings, or null), its timestamps and whether it sits in the recycle bin.
/// </summary>
/// <param name="Id">The record id (HubSpot's <c>id</c> / <c>hs_object_id</c>).</param>
/// <param name="Properties">Property name to raw value. Replaces what the mirror held for the record.</param>
/// <param name="CreatedAt">HubSpot's <c>createdAt</c>.</param>
/// <param name="UpdatedAt">HubSpot's <c>updatedAt</c>.</param>
/// <param name="Archived">True for a record read from an <c>archived=true</c> listing (a tombstone); false restores one.</param>
/// <param name="ArchivedAt">HubSpot's <c>archivedAt</c>, for an archived record.</param>
public sealed record SyncRecord(
    string Id,
    IReadOnlyDictionary<string, string?> Properties,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? UpdatedAt = null,
    bool Archived = false,
    DateTimeOffset? ArchivedAt = null);

/// <summary>A record as the mirror holds it.</summary>
/// <param name="Id">The record id.</param>
/// <param name="Properties">Property name to raw value, as last written.</param>
/// <param name="CreatedAt">HubSpot's <c>createdAt</c>.</param>
/// <param name="UpdatedAt">HubSpot's <c>updatedAt</c>.</param>
/// <param name="Archived">True while the record is a tombstone (archived in HubSpot, or gone from it).</param>
/// <param name="ArchivedAt">When it was archived.</param>
/// <param name="MergedInto">The survivor's id once this record was merged into another; null otherwise.</param>
public sealed record SyncStoredRecord(
    string Id,
    IReadOnlyDictionary<string, string?> Properties,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    bool Archived,
    DateTimeOffset? ArchivedAt,
    string? MergedInto);

/// <summary>How many records of one object type a portal's mirror holds.</summary>
/// <param name="Live">Neither archived nor merged: what HubSpot lists.</param>
/// <param name="Archived">Tombstones.</param>
/// <param name="Merged">Records merged into another (not archived).</param>
public readonly record struct SyncRecordCounts(long Live, long Archived, long Merged);

/// <summary>One association edge: <c>from</c> record → <c>to</c> record, with HubSpot's association type.</summary>
/// <param name="FromType">The object type the edge starts from (as the engine names it, e.g. <c>contacts</c>).</param>
/// <param name="FromId">The record it starts from.</param>
/// <param name="ToType">The object type it points to.</param>
/// <param name="ToId">The record it points to.</param>
/// <param name="TypeId">HubSpot's association type id (<c>associationTypeId</c>).</param>
/// <param name="Category"><c>HUBSPOT_DEFINED</c>, <c>USER_DEFINED</c> or <c>INTEGRATOR_DEFINED</c>.</param>
/// <param name="Label">The association label, or null for an unlabelled one.</param>
public sealed record SyncAssociation(string FromType, string FromId, string ToType, string ToId, int TypeId, string Category, string? Label = null);

/// <summary>A property definition of an object type, mirrored so labels (and enumeration option labels) can be joined.</summary>
/// <param name="Name">The internal name (the key in <see cref="SyncRecord.Properties"/>).</param>
/// <param name="Label">The label HubSpot shows.</param>
/// <param name="Type">HubSpot's <c>type</c> (<c>string</c>, <c>number</c>, <c>date</c>, <c>datetime</c>, <c>enumeration</c>, <c>bool</c>).</param>
/// <param name="FieldType">HubSpot's <c>fieldType</c>.</param>
/// <param name="GroupName">The property group.</param>
/// <param name="Options">For enumerations: value → label, in display order.</param>
public sealed record SyncPropertyDefinition(
    string Name,
    string? Label,
    string? Type,
    string? FieldType,
    string? GroupName,
    IReadOnlyList<SyncPropertyOption>? Options = null)
{
    /// <summary>
    /// True when HubSpot sets the values itself and refuses writes (<c>modificationMetadata.readOnlyValue</c>, or a
    /// calculated property): a local change of it is refused when captured, never pushed.
    /// </summary>
    public bool ReadOnlyValue { get; init; }
}

/// <summary>One option of an enumeration property.</summary>
/// <param name="Value">The stored value (what records carry).</param>
/// <param name="Label">What HubSpot shows for it.</param>
public sealed record SyncPropertyOption(string Value, string? Label);

/// <summary>A pipeline of an object type (deals, tickets, custom objects) with its stages.</summary>
/// <param name="Id">The pipeline id (what <c>pipeline</c> holds on a record).</param>
/// <param name="Label">Its label.</param>
/// <param name="DisplayOrder">Its position.</param>
/// <param name="Archived">Whether HubSpot has it archived.</param>
/// <param name="Stages">Its stages.</param>
public sealed record SyncPipeline(string Id, string? Label, int DisplayOrder, bool Archived, IReadOnlyList<SyncPipelineStage> Stages);

/// <summary>A stage of a pipeline.</summary>
/// <param name="Id">The stage id (what <c>dealstage</c> / <c>hs_pipeline_stage</c> holds on a record).</param>
/// <param name="Label">Its label.</param>
/// <param name="DisplayOrder">Its position.</param>
/// <param name="Archived">Whether HubSpot has it archived.</param>
/// <param name="MetadataJson">The stage's <c>metadata</c> object as JSON text (e.g. <c>probability</c>, <c>isClosed</c>), or null.</param>
public sealed record SyncPipelineStage(string Id, string? Label, int DisplayOrder, bool Archived, string? MetadataJson = null);

/// <summary>A saved position of one stream of the engine (e.g. an object type's backfill cursor).</summary>
/// <param name="ObjectType">The object type it belongs to.</param>
/// <param name="Stream">The stream's name (the engine's choice, e.g. <c>backfill</c>, <c>incremental</c>).</param>
/// <param name="Value">Opaque JSON text, as saved.</param>
/// <param name="UpdatedAt">When it was last saved (the store's <see cref="SyncStoreOptions.TimeProvider"/>).</param>
public sealed record SyncCheckpoint(string ObjectType, string Stream, string Value, DateTimeOffset UpdatedAt);

/// <summary>An object type the database has a table for.</summary>
/// <param name="ObjectType">The object type as written (e.g. <c>contacts</c>, <c>2-1234567</c>, <c>p123_projects</c>).</param>
/// <param name="TableName">Its table (e.g. <c>obj_contacts</c>, <c>obj_2_1234567</c>).</param>
public sealed record SyncObjectTable(string ObjectType, string TableName);

/// <summary>How a sync run ended (or that it has not).</summary>
public enum SyncRunStatus
{
    /// <summary>Started and not finished: still running, or killed before it could say.</summary>
    Running,

    /// <summary>Finished without error.</summary>
    Succeeded,

    /// <summary>Finished with an error (see <see cref="SyncRunEntry.Error"/>).</summary>
    Failed,

    /// <summary>Stopped on request.</summary>
    Cancelled,
}

/// <summary>One entry of the run log.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="PortalId">The portal it synced.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it finished; null while running (or after a crash).</param>
/// <param name="Status">How it ended.</param>
/// <param name="CountsJson">Per-type counts as JSON text (the engine's shape), or null.</param>
/// <param name="Error">Why it failed, or null.</param>
public sealed record SyncRunEntry(string RunId, long PortalId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, SyncRunStatus Status, string? CountsJson, string? Error);
