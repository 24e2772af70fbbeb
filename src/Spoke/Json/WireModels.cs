using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.Json;

// HubSpot's wire shapes, used only at the HTTP edge; the public API exposes Crm.* models.
internal sealed class SimplePublicObjectDto
{
    public string Id { get; set; } = "";
    public Dictionary<string, string?> Properties { get; set; } = [];
    public Dictionary<string, List<PropertyHistoryDto>>? PropertiesWithHistory { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Archived { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
    public Dictionary<string, AssociationsDto>? Associations { get; set; }

    /// <summary>Upsert results only.</summary>
    public bool? New { get; set; }

    /// <summary>Batch write results: the trace id of the input that produced this record, when HubSpot echoes it.</summary>
    public string? ObjectWriteTraceId { get; set; }
}

internal sealed class PropertyHistoryDto
{
    public string? Value { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public string? SourceType { get; set; }
    public string? SourceId { get; set; }
}

internal sealed class AssociationsDto
{
    public List<AssociatedIdDto> Results { get; set; } = [];

    /// <summary>HubSpot pages a record's inline associations (100 per page): present when there are more.</summary>
    public PagingDto? Paging { get; set; }
}

internal sealed class AssociatedIdDto
{
    public string Id { get; set; } = "";
    public string? Type { get; set; }
}

internal sealed class NextPageDto
{
    public string After { get; set; } = "";
}

internal sealed class PagingDto
{
    public NextPageDto? Next { get; set; }
}

internal sealed class CollectionResponseDto
{
    public List<SimplePublicObjectDto> Results { get; set; } = [];
    public PagingDto? Paging { get; set; }
    public long? Total { get; set; }
}

internal sealed class ObjectInputDto
{
    public Dictionary<string, string?> Properties { get; set; } = [];

    /// <summary>Creates only: <c>{to:{id}, types:[…]}</c> per association (docs/hubspot-api.md §4.1).</summary>
    public List<CreateAssociationDto>? Associations { get; set; }
}

internal sealed class CreateAssociationDto
{
    public Spoke.Associations.ObjectIdDto To { get; set; } = new();
    public List<Spoke.Associations.AssociationSpecDto> Types { get; set; } = [];
}

internal sealed class MergeInputDto
{
    public string PrimaryObjectId { get; set; } = "";
    public string ObjectIdToMerge { get; set; } = "";
}

internal sealed class GdprDeleteInputDto
{
    public string ObjectId { get; set; } = "";
    public string? IdProperty { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SimplePublicObjectDto))]
[JsonSerializable(typeof(CollectionResponseDto))]
[JsonSerializable(typeof(ObjectInputDto))]
[JsonSerializable(typeof(MergeInputDto))]
[JsonSerializable(typeof(GdprDeleteInputDto))]
internal sealed partial class SpokeJsonContext : JsonSerializerContext;
