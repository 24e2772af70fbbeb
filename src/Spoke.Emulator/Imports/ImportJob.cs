namespace Spoke.Emulator.Imports;

/// <summary>HubSpot's import states (SPEC PublicImportResponse.state).</summary>
internal static class ImportStates
{
    public const string Started = "STARTED";
    public const string Processing = "PROCESSING";
    public const string Done = "DONE";
    public const string Failed = "FAILED";
    public const string Canceled = "CANCELED";

    public static bool IsTerminal(string state) => state is Done or Failed or Canceled;
}

/// <summary>HubSpot's counter names in <c>metadata.counters</c>.</summary>
internal static class ImportCounters
{
    public const string TotalRows = "TOTAL_ROWS";
    public const string CreatedObjects = "CREATED_OBJECTS";
    public const string UpdatedObjects = "UPDATED_OBJECTS";
    public const string UniqueObjectsWritten = "UNIQUE_OBJECTS_WRITTEN";
    public const string PropertyValuesEmitted = "PROPERTY_VALUES_EMITTED";
    public const string Errors = "ERRORS";
    public const string MappedColumns = "MAPPED_COLUMNS";
    public const string UnmappedColumns = "UNMAPPED_COLUMNS";
    public const string AssociationsCreated = "ASSOCIATIONS_CREATED";
}

/// <summary>How one column of a file is read (<c>fileImportPage.columnMappings[]</c>).</summary>
internal sealed record ImportColumn(int Index, string ColumnName, string ObjectTypeId, string? PropertyName, string? ColumnType);

/// <summary>One file of an import: its rows and how its columns map.</summary>
internal sealed record ImportFile(string FileId, string FileName, IReadOnlyList<ImportColumn> Columns, IReadOnlyList<CsvRow> Rows, int HeaderColumns);

/// <summary>One row that failed, with the values HubSpot returns for it.</summary>
internal sealed record ImportRowError(string Id, string ErrorType, string Message, string ObjectTypeId, DateTimeOffset CreatedAt,
    string FileId, CsvRow Row, string? InvalidValue, string? PropertyName);

/// <summary>One import: what was asked, where processing stands, what it counted and which rows failed.</summary>
internal sealed class ImportJob
{
    public required long Id { get; init; }
    public required string? Name { get; init; }
    public required string RequestJson { get; init; }
    public required IReadOnlyDictionary<string, string> Operations { get; init; }
    public required string DateFormat { get; init; }
    public required IReadOnlyList<ImportFile> Files { get; init; }
    public required IReadOnlyList<string> MappedObjectTypeIds { get; init; }
    public required bool OptOutImport { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string State { get; set; } = ImportStates.Started;

    /// <summary>Set by the cancel endpoint; the worker stops before its next chunk.</summary>
    public bool CancelRequested { get; set; }

    public Dictionary<string, long> Counters { get; } = new(StringComparer.Ordinal);
    public List<ImportRowError> Errors { get; } = [];

    /// <summary>Records this import wrote, per object type (UNIQUE_OBJECTS_WRITTEN counts each once).</summary>
    public HashSet<(string TypeId, long Id)> Written { get; } = [];

    /// <summary>Where the worker is: file index and row index within it.</summary>
    public int NextFile { get; set; }
    public int NextRow { get; set; }

    public long TotalRows => Files.Sum(f => (long)f.Rows.Count);

    public void Count(string counter, long by = 1) => Counters[counter] = Counters.GetValueOrDefault(counter) + by;
}
