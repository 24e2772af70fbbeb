using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.Schemas;

internal sealed class ObjectSchemaResultsDto
{
    public List<ObjectSchema> Results { get; set; } = [];
}

internal sealed class SchemaAssociationCreateDto
{
    public string FromObjectTypeId { get; set; } = "";
    public string ToObjectTypeId { get; set; } = "";
    public string? Name { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectSchema))]
[JsonSerializable(typeof(ObjectSchemaResultsDto))]
[JsonSerializable(typeof(ObjectSchemaCreate))]
[JsonSerializable(typeof(ObjectSchemaUpdate))]
[JsonSerializable(typeof(SchemaAssociation))]
[JsonSerializable(typeof(SchemaAssociationCreateDto))]
internal sealed partial class SchemasJsonContext : JsonSerializerContext;
