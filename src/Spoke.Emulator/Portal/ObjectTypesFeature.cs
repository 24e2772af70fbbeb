using System.Text.Json;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Portal;

/// <summary>
/// The portal's object types and their property catalogs: the standard types with HubSpot's default properties, custom
/// types (from schemas) and the counter that numbers them. Registered first: every other feature may refer to a type.
/// </summary>
internal sealed class ObjectTypesFeature(PortalState portal) : PortalFeature
{
    public override string Name => "objectTypes";

    public override void Reset(DateTimeOffset now)
    {
        portal.NextCustomTypeNumber = 1_000_001;
        foreach (var type in StandardObjectTypes.Create())
        {
            portal.AddType(type, DefaultProperties.For(type.TypeId).Select(p => Stamp(p, now)));
        }
    }

    public override void Save(Utf8JsonWriter writer)
    {
        writer.WriteNumber("nextCustomTypeNumber", portal.NextCustomTypeNumber);
        Write(writer, "customTypes", [.. portal.Types.Where(t => t.IsCustom)], PersistenceJsonContext.Default.ListObjectType);
        Write(writer, "catalogs", portal.Catalogs.ToDictionary(kv => kv.Key, kv => new CatalogDocument
        {
            Properties = [.. kv.Value.Properties.Values],
            Groups = [.. kv.Value.Groups.Values],
        }), PersistenceJsonContext.Default.DictionaryStringCatalogDocument);
    }

    public override void Load(JsonElement document)
    {
        if (document.TryGetProperty("nextCustomTypeNumber", out var next) && next.TryGetInt64(out var number))
        {
            portal.NextCustomTypeNumber = number;
        }

        TryRead(document, "catalogs", PersistenceJsonContext.Default.DictionaryStringCatalogDocument, out var catalogs);
        catalogs ??= [];
        if (TryRead(document, "customTypes", PersistenceJsonContext.Default.ListObjectType, out var customTypes))
        {
            foreach (var type in customTypes.Where(t => portal.FindType(t.TypeId) is null))
            {
                portal.AddType(type, catalogs.TryGetValue(type.TypeId, out var c) ? c.Properties : []);
            }
        }

        foreach (var (typeId, catalog) in catalogs)
        {
            if (portal.FindType(typeId) is { } type)
            {
                ApplyCatalog(type, catalog);
            }
        }
    }

    private void ApplyCatalog(ObjectType type, CatalogDocument document)
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

        catalog.Changed = MarkDirty;
        portal.Catalogs[type.TypeId] = catalog;
        var store = portal.Store(type);
        foreach (var p in catalog.Properties.Values.Where(p => p.HasUniqueValue && !store.IsUnique(p.Name)))
        {
            store.AddUniqueIndex(p.Name, out _);
        }
    }

    private static PropertyDefinition Stamp(PropertyDefinition p, DateTimeOffset at)
    {
        p.CreatedAt = at;
        p.UpdatedAt = at;
        return p;
    }
}
