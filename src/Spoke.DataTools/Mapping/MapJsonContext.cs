using System.Text.Json;
using System.Text.Json.Serialization;

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
    WriteIndented = true)]
[JsonSerializable(typeof(ImportMap))]
internal sealed partial class MapJsonContext : JsonSerializerContext
{
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
