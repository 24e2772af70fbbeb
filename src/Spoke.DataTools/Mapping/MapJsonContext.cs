using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Spoke.DataTools.Mapping;

/// <summary>
/// The map file's JSON: camelCase, comments and trailing commas allowed (people edit these by hand), unknown fields
/// refused so a misspelt option is an error rather than silently ignored.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    RespectNullableAnnotations = true,
    WriteIndented = true)]
[JsonSerializable(typeof(ImportMap))]
internal sealed partial class MapJsonContext : JsonSerializerContext
{
    /// <summary>
    /// How a map is written: quotes and apostrophes as they are (the file is for people, not HTML), and empty lists,
    /// empty objects and false flags left out so a generated map shows only what matters.
    /// </summary>
    internal static JsonTypeInfo<ImportMap> WriterInfo { get; } = CreateWriterInfo();

    private static JsonTypeInfo<ImportMap> CreateWriterInfo()
    {
        var context = new MapJsonContext(new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        var options = new JsonSerializerOptions(context.Options) { TypeInfoResolver = context.WithAddedModifier(LeaveOutEmpty) };
        return (JsonTypeInfo<ImportMap>)options.GetTypeInfo(typeof(ImportMap));
    }

    private static void LeaveOutEmpty(JsonTypeInfo info)
    {
        foreach (var property in info.Properties)
        {
            if (property.PropertyType == typeof(bool))
            {
                property.ShouldSerialize = (_, value) => value is true;
            }
            else if (property.PropertyType.IsGenericType && property.PropertyType != typeof(string))
            {
                property.ShouldSerialize = (_, value) => value is not (null or System.Collections.ICollection { Count: 0 });
            }
        }
    }

    /// <summary>The JSON field names of a map type named in a System.Text.Json message, for "allowed here: …".</summary>
    internal static string? FieldsOf(string clrTypeName)
    {
        var info = clrTypeName switch
        {
            _ when clrTypeName.EndsWith(nameof(ImportMap), StringComparison.Ordinal) => Default.ImportMap.Properties,
            _ when clrTypeName.EndsWith(nameof(ImportColumn), StringComparison.Ordinal) => Default.ImportColumn.Properties,
            _ when clrTypeName.EndsWith(nameof(ImportAssociationRule), StringComparison.Ordinal) => Default.ImportAssociationRule.Properties,
            _ when clrTypeName.EndsWith(nameof(ImportPropertySpec), StringComparison.Ordinal) => Default.ImportPropertySpec.Properties,
            _ when clrTypeName.EndsWith(nameof(ImportPropertyOption), StringComparison.Ordinal) => Default.ImportPropertyOption.Properties,
            _ => null,
        };
        return info is null ? null : string.Join(", ", info.Select(p => p.Name));
    }
}
