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
/// A portal's definitions (everything but records) as one JSON document. The definition models are serialized as
/// they are (source-generated, no reflection), so a field a feature adds to a model is persisted without touching
/// this file; the few models that are not plain data (catalogs, tokens) get a document type here.
/// </summary>
internal sealed partial class PortalMetadataDocument
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;
    public long PortalId { get; set; }
    public long NextCustomTypeNumber { get; set; }
    public List<ObjectType> CustomTypes { get; set; } = [];
    public Dictionary<string, CatalogDocument> Catalogs { get; set; } = [];
    public Dictionary<string, List<Pipeline>> Pipelines { get; set; } = [];
    public List<Owner> Owners { get; set; } = [];
    public List<CustomObjectSchema> Schemas { get; set; } = [];
    public List<TokenDocument> Tokens { get; set; } = [];

    /// <summary>GDPR-blocklisted emails (Gdpr feature).</summary>
    public List<string> BlockedEmails { get; set; } = [];

    public static PortalMetadataDocument Capture(PortalState portal) => new()
    {
        PortalId = portal.PortalId,
        NextCustomTypeNumber = portal.NextCustomTypeNumber,
        CustomTypes = [.. portal.Types.Where(t => t.IsCustom)],
        Catalogs = portal.Catalogs.ToDictionary(kv => kv.Key, kv => new CatalogDocument
        {
            Properties = [.. kv.Value.Properties.Values],
            Groups = [.. kv.Value.Groups.Values],
        }),
        Pipelines = portal.Pipelines.ToDictionary(kv => kv.Key, kv => kv.Value),
        Owners = [.. portal.Owners],
        Schemas = [.. portal.Schemas],
        Tokens = [.. portal.Tokens.All.OrderBy(t => t.Token, StringComparer.Ordinal)
            .Select(t => new TokenDocument(t.Token, [.. t.Scopes.Order(StringComparer.Ordinal)], t.AllScopes, t.ExpiresAt))],
        BlockedEmails = [.. portal.BlockedEmails.Order(StringComparer.Ordinal)],
    };

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, PersistenceJsonContext.Default.PortalMetadataDocument);

    public static PortalMetadataDocument FromUtf8(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, PersistenceJsonContext.Default.PortalMetadataDocument)
        ?? throw new InvalidDataException("The data file's portal metadata is empty.");

    /// <summary>Replaces the fresh portal's definitions with these (before any record is loaded).</summary>
    public void ApplyTo(PortalState portal)
    {
        if (Format > CurrentFormat)
        {
            throw new InvalidDataException($"The data file was written by a newer Spoke (format {Format}); this one reads format {CurrentFormat}.");
        }

        if (PortalId != portal.PortalId)
        {
            throw new InvalidOperationException($"The data file holds portal {PortalId}, not {portal.PortalId}: start with --portal-id {PortalId} or use another file.");
        }

        portal.NextCustomTypeNumber = NextCustomTypeNumber;
        foreach (var type in CustomTypes.Where(t => portal.FindType(t.TypeId) is null))
        {
            portal.AddType(type, Catalogs.TryGetValue(type.TypeId, out var c) ? c.Properties : []);
        }

        foreach (var (typeId, document) in Catalogs)
        {
            if (portal.FindType(typeId) is { } type)
            {
                ApplyCatalog(portal, type, document);
            }
        }

        portal.Pipelines.Clear();
        foreach (var (typeId, pipelines) in Pipelines)
        {
            portal.Pipelines[typeId] = pipelines;
        }

        portal.Owners.Clear();
        portal.Owners.AddRange(Owners);
        portal.Schemas.Clear();
        portal.Schemas.AddRange(Schemas);
        foreach (var t in Tokens)
        {
            portal.Tokens.Add(new TokenGrant(t.Token, new HashSet<string>(t.Scopes, StringComparer.Ordinal), t.AllScopes, t.ExpiresAt));
        }

        portal.BlockedEmails.UnionWith(BlockedEmails);
    }

    private static void ApplyCatalog(PortalState portal, ObjectType type, CatalogDocument document)
    {
        var catalog = new PropertyCatalog();
        foreach (var p in document.Properties)
        {
            catalog.Add(p);
        }

        // HubSpot-defined properties that a newer Spoke knows and the file predates are added, not lost.
        if (!type.IsCustom)
        {
            foreach (var p in portal.Catalog(type).Properties.Values.Where(p => !catalog.Properties.ContainsKey(p.Name)))
            {
                catalog.Add(p);
            }
        }

        catalog.Groups.Clear();
        foreach (var g in document.Groups)
        {
            catalog.Groups[g.Name] = g;
        }

        portal.Catalogs[type.TypeId] = catalog;
        var store = portal.Store(type);
        foreach (var p in catalog.Properties.Values.Where(p => p.HasUniqueValue && !store.IsUnique(p.Name)))
        {
            store.AddUniqueIndex(p.Name, out _);
        }
    }
}

internal sealed class CatalogDocument
{
    public List<PropertyDefinition> Properties { get; set; } = [];
    public List<PropertyGroup> Groups { get; set; } = [];
}

internal sealed record TokenDocument(string Token, List<string> Scopes, bool AllScopes, DateTimeOffset? ExpiresAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(PortalMetadataDocument))]
internal sealed partial class PersistenceJsonContext : JsonSerializerContext;
