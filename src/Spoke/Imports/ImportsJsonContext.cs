using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Imports;

internal sealed class ImportRequestDto
{
    public string? Name { get; set; }
    public Dictionary<string, string>? ImportOperations { get; set; }
    public string? DateFormat { get; set; }
    public bool? MarketableContactImport { get; set; }
    public List<ImportFileDto> Files { get; set; } = [];
}

internal sealed class ImportFileDto
{
    public string FileName { get; set; } = "";
    public string FileFormat { get; set; } = "CSV";
    public ImportFilePageDto FileImportPage { get; set; } = new();
}

internal sealed class ImportFilePageDto
{
    public bool HasHeader { get; set; } = true;
    public List<ImportColumnDto> ColumnMappings { get; set; } = [];
}

internal sealed class ImportColumnDto
{
    public string ColumnName { get; set; } = "";
    public string ColumnObjectTypeId { get; set; } = "";
    public string? PropertyName { get; set; }
    public string? ColumnType { get; set; }
    public string? ToColumnObjectTypeId { get; set; }
    public bool? AssociationIdentifierColumn { get; set; }
}

internal sealed class ImportResponseDto
{
    public string Id { get; set; } = "";
    public string State { get; set; } = "";
    public string? ImportName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public ImportMetadataDto? Metadata { get; set; }
    public List<string>? MappedObjectTypeIds { get; set; }
}

internal sealed class ImportMetadataDto
{
    public Dictionary<string, long>? Counters { get; set; }
    public List<string>? FileIds { get; set; }
}

internal sealed class ImportPageDto
{
    public List<ImportResponseDto> Results { get; set; } = [];
    public PagingDto? Paging { get; set; }
}

internal sealed class ImportErrorDto
{
    public string Id { get; set; } = "";
    public string ErrorType { get; set; } = "";
    public string? ObjectTypeId { get; set; }
    public long CreatedAt { get; set; }
    public string? ErrorMessage { get; set; }
    public string? InvalidValue { get; set; }
    public ImportRowDto? SourceData { get; set; }
}

internal sealed class ImportRowDto
{
    public List<string>? RowData { get; set; }
    public int? LineNumber { get; set; }
}

internal sealed class ImportErrorPageDto
{
    public List<ImportErrorDto> Results { get; set; } = [];
    public PagingDto? Paging { get; set; }
}

internal sealed class ImportCancelDto
{
    public string? Status { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImportRequestDto))]
[JsonSerializable(typeof(ImportResponseDto))]
[JsonSerializable(typeof(ImportPageDto))]
[JsonSerializable(typeof(ImportErrorPageDto))]
[JsonSerializable(typeof(ImportCancelDto))]
internal sealed partial class ImportsJsonContext : JsonSerializerContext;
