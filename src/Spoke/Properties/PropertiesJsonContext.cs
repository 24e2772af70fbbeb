using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Batching;

namespace Spoke.Properties;

internal sealed class PropertyResultsDto
{
    public List<PropertyDefinition> Results { get; set; } = [];
}

internal sealed class PropertyGroupResultsDto
{
    public List<PropertyGroup> Results { get; set; } = [];
}

internal sealed class PropertyNameDto
{
    public string Name { get; set; } = "";
}

internal sealed class PropertyBatchReadDto
{
    public bool Archived { get; set; }
    public List<PropertyNameDto> Inputs { get; set; } = [];
}

internal sealed class PropertyGroupCreateDto
{
    public string Name { get; set; } = "";
    public string Label { get; set; } = "";
    public int? DisplayOrder { get; set; }
}

internal sealed class PropertyGroupUpdateDto
{
    public string? Label { get; set; }
    public int? DisplayOrder { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PropertyDefinition))]
[JsonSerializable(typeof(PropertyCreate))]
[JsonSerializable(typeof(PropertyUpdate))]
[JsonSerializable(typeof(PropertyGroup))]
[JsonSerializable(typeof(PropertyGroupUpdateDto))]
[JsonSerializable(typeof(PropertyGroupCreateDto))]
[JsonSerializable(typeof(PropertyResultsDto))]
[JsonSerializable(typeof(PropertyGroupResultsDto))]
[JsonSerializable(typeof(PropertyBatchReadDto))]
[JsonSerializable(typeof(BatchInputDto<PropertyCreate>))]
[JsonSerializable(typeof(BatchInputDto<PropertyNameDto>))]
[JsonSerializable(typeof(BatchResponseDto<PropertyDefinition>))]
internal sealed partial class PropertiesJsonContext : JsonSerializerContext;
