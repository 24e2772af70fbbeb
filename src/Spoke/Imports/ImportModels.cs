namespace Spoke.Imports;

/// <summary>What an import does with rows of an object type.</summary>
public enum ImportOperation
{
    /// <summary>Match existing records (by email, record id or a unique property) and create the rest (HubSpot's default).</summary>
    Upsert,

    /// <summary>Create every row; a row matching an existing record is an error (CREATE_ONLY_IMPORT).</summary>
    Create,

    /// <summary>Update matched records only; a row matching none is an error (UPDATE_ONLY_IMPORT).</summary>
    Update,
}

/// <summary>How dates in the file are written.</summary>
public enum ImportDateFormat
{
    /// <summary>12/31/2026 (HubSpot's default).</summary>
    MonthDayYear,

    /// <summary>31/12/2026.</summary>
    DayMonthYear,

    /// <summary>2026/12/31.</summary>
    YearMonthDay,
}

/// <summary>
/// An import's settings (HubSpot's <c>importRequest</c>); the files, with their column mappings, are passed beside it.
/// <code>
/// var request = new ImportRequest { Name = "Spring leads" }.WithOperation("0-1", ImportOperation.Upsert);
/// </code>
/// </summary>
public sealed class ImportRequest
{
    /// <summary>The name HubSpot shows in the import history.</summary>
    public string? Name { get; set; }

    /// <summary>Per object type id (<c>0-1</c>): create, update or upsert. Types not named are upserted.</summary>
    public IDictionary<string, ImportOperation> Operations { get; } = new Dictionary<string, ImportOperation>(StringComparer.Ordinal);

    /// <summary>How the file writes dates (default month/day/year).</summary>
    public ImportDateFormat DateFormat { get; set; }

    /// <summary>Contacts imported as marketing contacts (HubSpot's <c>marketableContactImport</c>); null leaves it to HubSpot.</summary>
    public bool? MarketableContactImport { get; set; }

    /// <summary>Sets the operation for an object type; returns this request.</summary>
    public ImportRequest WithOperation(string objectTypeId, ImportOperation operation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectTypeId);
        Operations[objectTypeId] = operation;
        return this;
    }
}

/// <summary>How one column of a file is read: which object type and property it fills, or which record it identifies.</summary>
/// <param name="ColumnName">The header of the column, as written in the file.</param>
/// <param name="ObjectTypeId">The object type the column belongs to (<c>0-1</c>, <c>2-123</c>).</param>
/// <param name="PropertyName">The property it sets; null for a record-id column.</param>
public sealed record ImportColumnMapping(string ColumnName, string ObjectTypeId, string? PropertyName)
{
    /// <summary>HubSpot's <c>columnType</c>: <see cref="ObjectIdColumn"/> (record ids) or <see cref="AlternateIdColumn"/> (a unique property that matches rows to records).</summary>
    public string? ColumnType { get; init; }

    /// <summary>For association columns: the object type the column points to.</summary>
    public string? ToColumnObjectTypeId { get; init; }

    /// <summary>For association columns: the column is an identifier of the associated record.</summary>
    public bool? AssociationIdentifierColumn { get; init; }

    /// <summary>The column holds HubSpot record ids.</summary>
    public const string ObjectIdColumn = "HUBSPOT_OBJECT_ID";

    /// <summary>The column holds a unique property's values that match rows to existing records.</summary>
    public const string AlternateIdColumn = "HUBSPOT_ALTERNATE_ID";

    /// <summary>A column whose values are record ids of <paramref name="objectTypeId"/>.</summary>
    public static ImportColumnMapping RecordId(string columnName, string objectTypeId) =>
        new(columnName, objectTypeId, "hs_object_id") { ColumnType = ObjectIdColumn };

    /// <summary>A column of a unique property (e.g. email) that matches rows to existing records.</summary>
    public static ImportColumnMapping MatchOn(string columnName, string objectTypeId, string propertyName) =>
        new(columnName, objectTypeId, propertyName) { ColumnType = AlternateIdColumn };
}

/// <summary>
/// One file of an import: its name, how to open its content (called again for a retry, so the file is streamed, never
/// held in memory), and how its columns map.
/// <code>
/// var file = new ImportFile("contacts.csv", _ => Task.FromResult&lt;Stream&gt;(File.OpenRead(path)),
///     [ImportColumnMapping.MatchOn("Email", "0-1", "email"), new("First Name", "0-1", "firstname")]);
/// </code>
/// </summary>
public sealed class ImportFile
{
    /// <summary>A file named <paramref name="fileName"/> whose content <paramref name="openRead"/> opens.</summary>
    public ImportFile(string fileName, Func<CancellationToken, Task<Stream>> openRead, IEnumerable<ImportColumnMapping> columnMappings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentNullException.ThrowIfNull(openRead);
        ArgumentNullException.ThrowIfNull(columnMappings);
        FileName = fileName;
        OpenRead = openRead;
        ColumnMappings = [.. columnMappings];
        if (ColumnMappings.Count == 0)
        {
            throw new ArgumentException("An import file needs at least one column mapping.", nameof(columnMappings));
        }
    }

    /// <summary>The file name HubSpot matches the upload to (and shows).</summary>
    public string FileName { get; }

    /// <summary>Opens the content; the import disposes the stream.</summary>
    public Func<CancellationToken, Task<Stream>> OpenRead { get; }

    /// <summary>How the columns map to object types and properties.</summary>
    public IReadOnlyList<ImportColumnMapping> ColumnMappings { get; }

    /// <summary>Whether the first row names the columns (default true).</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>HubSpot's <c>fileFormat</c>: <c>CSV</c> (default) or <c>SPREADSHEET</c>.</summary>
    public string FileFormat { get; init; } = "CSV";
}

/// <summary>HubSpot's import states.</summary>
public static class ImportState
{
    /// <summary>Accepted, not yet processing.</summary>
    public const string Started = "STARTED";

    /// <summary>Rows are being written.</summary>
    public const string Processing = "PROCESSING";

    /// <summary>Finished (rows may still have failed: see the counters and errors).</summary>
    public const string Done = "DONE";

    /// <summary>The import as a whole failed.</summary>
    public const string Failed = "FAILED";

    /// <summary>Canceled before it finished.</summary>
    public const string Canceled = "CANCELED";

    /// <summary>Waiting behind other imports.</summary>
    public const string Deferred = "DEFERRED";

    /// <summary>Undone in HubSpot's UI.</summary>
    public const string Reverted = "REVERTED";

    /// <summary>True for states an import does not leave.</summary>
    public static bool IsTerminal(string state) => state is Done or Failed or Canceled or Reverted;
}

/// <summary>One import as HubSpot reports it.</summary>
public sealed record HubSpotImport
{
    /// <summary>The import id.</summary>
    public required string Id { get; init; }

    /// <summary>An <see cref="ImportState"/> value.</summary>
    public required string State { get; init; }

    /// <summary>The name given in the request.</summary>
    public string? Name { get; init; }

    /// <summary>When the import was started.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its state or counters last moved.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>HubSpot's counters by name (TOTAL_ROWS, CREATED_OBJECTS, UPDATED_OBJECTS, ERRORS, ...); a counter that counted nothing may be absent.</summary>
    public IReadOnlyDictionary<string, long> Counters { get; init; } = new Dictionary<string, long>();

    /// <summary>The uploaded files' ids.</summary>
    public IReadOnlyList<string> FileIds { get; init; } = [];

    /// <summary>The object types the columns map to.</summary>
    public IReadOnlyList<string> MappedObjectTypeIds { get; init; } = [];

    /// <summary>True once the import will not change any more.</summary>
    public bool IsTerminal => ImportState.IsTerminal(State);

    /// <summary>Rows read so far (TOTAL_ROWS).</summary>
    public long TotalRows => Counters.GetValueOrDefault("TOTAL_ROWS");

    /// <summary>Records created (CREATED_OBJECTS).</summary>
    public long CreatedObjects => Counters.GetValueOrDefault("CREATED_OBJECTS");

    /// <summary>Records updated (UPDATED_OBJECTS).</summary>
    public long UpdatedObjects => Counters.GetValueOrDefault("UPDATED_OBJECTS");

    /// <summary>Row errors (ERRORS); <see cref="ImportsClient.ListErrorsAsync"/> lists them.</summary>
    public long Errors => Counters.GetValueOrDefault("ERRORS");
}

/// <summary>What <see cref="ImportsClient.ListErrorsAsync"/> includes.</summary>
public sealed class ImportErrorOptions
{
    /// <summary>Include each error's message (and the invalid value).</summary>
    public bool IncludeErrorMessage { get; set; }

    /// <summary>Include the failed row's cells. They are your data (personal data, often): ask only when you need them.</summary>
    public bool IncludeRowData { get; set; }
}

/// <summary>One failed row of an import.</summary>
public sealed record ImportError
{
    /// <summary>The error id.</summary>
    public required string Id { get; init; }

    /// <summary>HubSpot's error type, e.g. INVALID_EMAIL, INVALID_ENUMERATION_OPTION, DUPLICATE_UNIQUE_PROPERTY_VALUE.</summary>
    public required string ErrorType { get; init; }

    /// <summary>The object type of the record the row was for.</summary>
    public string? ObjectTypeId { get; init; }

    /// <summary>When the error was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>What went wrong (with <see cref="ImportErrorOptions.IncludeErrorMessage"/>).</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The value that was refused, when HubSpot names one.</summary>
    public string? InvalidValue { get; init; }

    /// <summary>The file line of the row (the header is line 1).</summary>
    public int? LineNumber { get; init; }

    /// <summary>The row's cells (with <see cref="ImportErrorOptions.IncludeRowData"/>); empty otherwise.</summary>
    public IReadOnlyList<string> RowData { get; init; } = [];
}
