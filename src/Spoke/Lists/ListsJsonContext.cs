using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Lists;

internal sealed class ListEnvelopeDto
{
    public ObjectList? List { get; set; }
    public ObjectList? UpdatedList { get; set; }
}

internal sealed class ListsDto
{
    public List<ObjectList> Lists { get; set; } = [];
}

internal sealed class ListSearchDto
{
    public string? Query { get; set; }
    public List<string>? ListIds { get; set; }
    public List<ListProcessingType>? ProcessingTypes { get; set; }
    public string? ObjectTypeId { get; set; }
    public int Offset { get; set; }
    public int? Count { get; set; }
    public List<string> AdditionalProperties { get; set; } = [];
}

internal sealed class ListSearchResponseDto
{
    public List<ObjectList> Lists { get; set; } = [];
    public int Total { get; set; }
    public int Offset { get; set; }
    public bool HasMore { get; set; }
}

internal sealed class UpdateFiltersDto
{
    public ListFilterBranch FilterBranch { get; set; } = new();
}

internal sealed class AddAndRemoveDto
{
    public List<string> RecordIdsToAdd { get; set; } = [];
    public List<string> RecordIdsToRemove { get; set; } = [];
}

internal sealed class MembershipsUpdateDto
{
    // HubSpot's own spelling (SPEC MembershipsUpdateResponse).
    public List<string> RecordsIdsAdded { get; set; } = [];
    public List<string> RecordIdsRemoved { get; set; } = [];
    public List<string> RecordIdsMissing { get; set; } = [];
}

internal sealed class MembershipDto
{
    public string RecordId { get; set; } = "";
    public DateTimeOffset? MembershipTimestamp { get; set; }
}

internal sealed class MembershipPageDto
{
    public List<MembershipDto> Results { get; set; } = [];
    public PagingDto? Paging { get; set; }
}

internal sealed class RecordMembershipDto
{
    public string ListId { get; set; } = "";
    public int ListVersion { get; set; }
    public DateTimeOffset? FirstAddedTimestamp { get; set; }
    public DateTimeOffset? LastAddedTimestamp { get; set; }
}

internal sealed class RecordMembershipsDto
{
    public List<RecordMembershipDto> Results { get; set; } = [];
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListCreate))]
[JsonSerializable(typeof(ListEnvelopeDto))]
[JsonSerializable(typeof(ListsDto))]
[JsonSerializable(typeof(ListSearchDto))]
[JsonSerializable(typeof(ListSearchResponseDto))]
[JsonSerializable(typeof(UpdateFiltersDto))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(AddAndRemoveDto))]
[JsonSerializable(typeof(MembershipsUpdateDto))]
[JsonSerializable(typeof(MembershipPageDto))]
[JsonSerializable(typeof(RecordMembershipsDto))]
internal sealed partial class ListsJsonContext : JsonSerializerContext;
