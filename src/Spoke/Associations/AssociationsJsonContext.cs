using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Batching;
using Spoke.Json;

namespace Spoke.Associations;

internal sealed class ObjectIdDto
{
    public string Id { get; set; } = "";
}

internal sealed class AssociationSpecDto
{
    public AssociationCategory AssociationCategory { get; set; }
    public int AssociationTypeId { get; set; }
}

internal sealed class AssociationSpecWithLabelDto
{
    public AssociationCategory Category { get; set; }
    public int TypeId { get; set; }

    // Written even when null: HubSpot marks the plain type with "label": null.
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Label { get; set; }
}

internal sealed class DefaultAssociationDto
{
    public ObjectIdDto From { get; set; } = new();
    public ObjectIdDto To { get; set; } = new();
    public AssociationSpecDto AssociationSpec { get; set; } = new();
}

/// <summary><c>LabelsBetweenObjectPair</c>: its ids are JSON numbers, unlike everywhere else.</summary>
internal sealed class LabelsBetweenDto
{
    public string FromObjectTypeId { get; set; } = "";
    public long FromObjectId { get; set; }
    public string ToObjectTypeId { get; set; } = "";
    public long ToObjectId { get; set; }
    public List<string> Labels { get; set; } = [];
}

internal sealed class MultiAssociatedDto
{
    public long ToObjectId { get; set; }
    public List<AssociationSpecWithLabelDto> AssociationTypes { get; set; } = [];
}

internal sealed class MultiAssociatedPageDto
{
    public List<MultiAssociatedDto> Results { get; set; } = [];
    public PagingDto? Paging { get; set; }
}

internal sealed class PairInputDto
{
    public ObjectIdDto From { get; set; } = new();
    public ObjectIdDto To { get; set; } = new();
    public List<AssociationSpecDto>? Types { get; set; }
}

internal sealed class BatchReadInputDto
{
    public string Id { get; set; } = "";
    public string? After { get; set; }
}

internal sealed class BatchReadResultDto
{
    public ObjectIdDto From { get; set; } = new();
    public List<MultiAssociatedDto> To { get; set; } = [];
    public PagingDto? Paging { get; set; }
}

internal sealed class BatchArchiveInputDto
{
    public ObjectIdDto From { get; set; } = new();
    public List<ObjectIdDto> To { get; set; } = [];
}

internal sealed class LabelCreateDto
{
    public string Name { get; set; } = "";
    public string Label { get; set; } = "";
    public string? InverseLabel { get; set; }
}

internal sealed class LabelUpdateDto
{
    public int AssociationTypeId { get; set; }
    public string Label { get; set; } = "";
    public string? InverseLabel { get; set; }
}

internal sealed class LabelsResultDto
{
    public List<AssociationSpecWithLabelDto> Results { get; set; } = [];
}

/// <summary>v3 <c>AssociationDefinition</c>: <c>{id, name}</c>, the id a string in the spec.</summary>
internal sealed class V3TypeDto
{
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

internal sealed class V3TypesResultDto
{
    public List<V3TypeDto> Results { get; set; } = [];
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<AssociationSpecDto>))]
[JsonSerializable(typeof(BatchResponseDto<DefaultAssociationDto>))]
[JsonSerializable(typeof(BatchResponseDto<LabelsBetweenDto>))]
[JsonSerializable(typeof(BatchResponseDto<BatchReadResultDto>))]
[JsonSerializable(typeof(LabelsBetweenDto))]
[JsonSerializable(typeof(MultiAssociatedPageDto))]
[JsonSerializable(typeof(BatchInputDto<PairInputDto>))]
[JsonSerializable(typeof(BatchInputDto<BatchReadInputDto>))]
[JsonSerializable(typeof(BatchInputDto<BatchArchiveInputDto>))]
[JsonSerializable(typeof(LabelCreateDto))]
[JsonSerializable(typeof(LabelUpdateDto))]
[JsonSerializable(typeof(LabelsResultDto))]
[JsonSerializable(typeof(V3TypesResultDto))]
internal sealed partial class AssociationsJsonContext : JsonSerializerContext;
