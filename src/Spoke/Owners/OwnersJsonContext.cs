using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Json;

namespace Spoke.Owners;

internal sealed class OwnerPageDto
{
    public List<Owner> Results { get; set; } = [];
    public PagingDto? Paging { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Owner))]
[JsonSerializable(typeof(OwnerPageDto))]
internal sealed partial class OwnersJsonContext : JsonSerializerContext;
