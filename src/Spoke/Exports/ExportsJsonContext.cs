using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Exports;

internal sealed class ExportRequestDto
{
    public string ExportType { get; set; } = "";
    public string ExportName { get; set; } = "";
    public string Format { get; set; } = "CSV";
    public string Language { get; set; } = "EN";
    public string ObjectType { get; set; } = "";
    public List<string> ObjectProperties { get; set; } = [];
    public string? ListId { get; set; }
    public string? AssociatedObjectType { get; set; }
    public List<string>? ExportInternalValuesOptions { get; set; }
    public ExportSearchDto? PublicCrmSearchRequest { get; set; }
}

internal sealed class ExportSearchDto
{
    public List<SearchFilterGroupDto>? FilterGroups { get; set; }
    public List<SearchSortDto>? Sorts { get; set; }
    public string? Query { get; set; }
}

internal sealed class TaskLocatorDto
{
    public string Id { get; set; } = "";
}

internal sealed class ExportStatusDto
{
    public string Status { get; set; } = "";
    public string? Result { get; set; }
    public DateTimeOffset? RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExportRequestDto))]
[JsonSerializable(typeof(TaskLocatorDto))]
[JsonSerializable(typeof(ExportStatusDto))]
internal sealed partial class ExportsJsonContext : JsonSerializerContext;
