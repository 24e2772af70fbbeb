using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Owners;
using Spoke.Emulator.Pipelines;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Schemas;

namespace Spoke.Emulator.Persistence;

/// <summary>
/// A portal's definitions (everything but records and the rows of <see cref="IJournaledRows"/> features) as one JSON
/// object: the format and portal id, then what each registered <see cref="PortalFeature"/> saves, in registration
/// order. A feature adds its own properties; nothing here names one.
/// </summary>
internal static class PortalMetadataDocument
{
    public const int CurrentFormat = 1;

    public static byte[] Capture(PortalState portal)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format", CurrentFormat);
            writer.WriteNumber("portalId", portal.PortalId);
            foreach (var feature in portal.Features)
            {
                feature.Save(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Replaces the fresh portal's definitions with the stored ones (before any record is loaded).</summary>
    public static void Restore(ReadOnlyMemory<byte> json, PortalState portal)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("The data file's portal metadata is empty.");
        }

        var format = root.TryGetProperty("format", out var f) && f.TryGetInt32(out var n) ? n : CurrentFormat;
        if (format > CurrentFormat)
        {
            throw new InvalidDataException($"The data file was written by a newer Spoke (format {format}); this one reads format {CurrentFormat}.");
        }

        var portalId = root.TryGetProperty("portalId", out var id) && id.TryGetInt64(out var p) ? p : 0;
        if (portalId != portal.PortalId)
        {
            throw new InvalidOperationException($"The data file holds portal {portalId}, not {portal.PortalId}: start with --portal-id {portalId} or use another file.");
        }

        foreach (var feature in portal.Features)
        {
            feature.Load(root);
        }
    }
}

internal sealed class CatalogDocument
{
    public List<PropertyDefinition> Properties { get; set; } = [];
    public List<PropertyGroup> Groups { get; set; } = [];
}

internal sealed record TokenDocument(string Token, List<string> Scopes, bool AllScopes, DateTimeOffset? ExpiresAt, string? Installation = null);

/// <summary>The definition models are serialized as they are (source-generated, no reflection), so a field a feature
/// adds to a model is persisted without touching this file; the few models that are not plain data get a document type.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(List<ObjectType>))]
[JsonSerializable(typeof(Dictionary<string, CatalogDocument>))]
[JsonSerializable(typeof(Dictionary<string, List<Pipeline>>))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, List<PipelineAuditEntry>>>))]
[JsonSerializable(typeof(List<Owner>))]
[JsonSerializable(typeof(List<CustomObjectSchema>))]
[JsonSerializable(typeof(List<TokenDocument>))]
[JsonSerializable(typeof(OAuth.OAuthAppsDocument))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(WebhooksDocument))]
[JsonSerializable(typeof(AssociationsDocument))]
[JsonSerializable(typeof(ListsDocument))]
[JsonSerializable(typeof(TimelineDocument))]
[JsonSerializable(typeof(Seeding.DemoSeedProgress))]
internal sealed partial class PersistenceJsonContext : JsonSerializerContext;
