using Spoke.Batching;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.Json;

// Batch and search wire shapes (docs/hubspot-api.md §4.3, §6), in their own context so other areas' DTOs merge without conflict.
internal sealed class BatchCreateItemDto
{
    public Dictionary<string, string?> Properties { get; set; } = [];
    public List<CreateAssociationDto>? Associations { get; set; }
    public string? ObjectWriteTraceId { get; set; }
}

internal sealed class BatchUpdateItemDto
{
    public string Id { get; set; } = "";
    public string? IdProperty { get; set; }
    public Dictionary<string, string?> Properties { get; set; } = [];
    public string? ObjectWriteTraceId { get; set; }
}

internal sealed class BatchIdDto
{
    public string Id { get; set; } = "";
}

internal sealed class BatchReadInputDto
{
    public List<BatchIdDto> Inputs { get; set; } = [];
    public List<string>? Properties { get; set; }
    public List<string>? PropertiesWithHistory { get; set; }
    public string? IdProperty { get; set; }
}

internal sealed class BatchResponseDto
{
    public string? Status { get; set; }
    public List<SimplePublicObjectDto> Results { get; set; } = [];
    public int? NumErrors { get; set; }

    /// <summary>Read leniently (<c>subCategory</c> is a string or an object, depending on the endpoint).</summary>
    public List<JsonElement>? Errors { get; set; }
}

internal sealed class SearchFilterDto
{
    public string PropertyName { get; set; } = "";
    public string Operator { get; set; } = "";
    public string? Value { get; set; }
    public List<string>? Values { get; set; }
    public string? HighValue { get; set; }
}

internal sealed class SearchFilterGroupDto
{
    public List<SearchFilterDto> Filters { get; set; } = [];
}

internal sealed class SearchSortDto
{
    public string PropertyName { get; set; } = "";
    public string Direction { get; set; } = "ASCENDING";
}

internal sealed class SearchRequestDto
{
    public string? Query { get; set; }
    public List<SearchFilterGroupDto>? FilterGroups { get; set; }
    public List<SearchSortDto>? Sorts { get; set; }
    public List<string>? Properties { get; set; }
    public int Limit { get; set; }
    public string? After { get; set; }
}

/// <summary>What a search continuation token holds: the window (keyset bounds) and the offset inside it.</summary>
internal sealed class SearchCursorDto
{
    /// <summary>Format version.</summary>
    public int V { get; set; } = 1;

    /// <summary>Phase: 0 first window (no bounds), 1 keyset on the sort value, 2 records without a sort value,
    /// 3 from a sort value, 4 draining one sort value by id, 5 past a sort value (see SearchWindows).</summary>
    public int P { get; set; }

    /// <summary>The last sort value seen (wire form), phase 1.</summary>
    public string? K { get; set; }

    /// <summary>The last record id seen, phases 1 and 2.</summary>
    public string? I { get; set; }

    /// <summary>Offset (HubSpot's <c>after</c>) inside the window.</summary>
    public int O { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BatchInputDto<BatchCreateItemDto>))]
[JsonSerializable(typeof(BatchInputDto<BatchUpdateItemDto>))]
[JsonSerializable(typeof(BatchInputDto<BatchIdDto>))]
[JsonSerializable(typeof(BatchReadInputDto))]
[JsonSerializable(typeof(BatchResponseDto))]
[JsonSerializable(typeof(SearchRequestDto))]
[JsonSerializable(typeof(CollectionResponseDto))]
[JsonSerializable(typeof(SearchCursorDto))]
internal sealed partial class BatchSearchJsonContext : JsonSerializerContext;
