using System.Text.Json;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Schemas;

/// <summary>What a schema response carries (the <c>include*</c> query switches, all true by default).</summary>
internal readonly record struct SchemaIncludes(bool Properties, bool Associations, bool Audit)
{
    public static readonly SchemaIncludes All = new(true, true, true);
}

/// <summary>Writes custom object schemas as <c>ObjectSchema</c>, <c>ObjectTypeDefinition</c> and <c>AssociationDefinition</c> (docs/hubspot-api.md §3.4).</summary>
internal static class SchemaJson
{
    /// <summary>The full <c>ObjectSchema</c>: definition, properties and associations.</summary>
    public static void Write(Utf8JsonWriter w, CustomObjectSchema schema, PropertyCatalog? catalog, SchemaIncludes include)
    {
        w.WriteStartObject();
        WriteDefinitionFields(w, schema, include.Audit);
        w.WriteStartArray("properties");
        if (include.Properties && catalog is not null)
        {
            foreach (var p in catalog.Properties.Values.Where(p => !p.Archived))
            {
                PropertyJson.Write(w, p);
            }
        }

        w.WriteEndArray();
        w.WriteStartArray("associations");
        if (include.Associations)
        {
            foreach (var a in schema.Associations)
            {
                WriteAssociation(w, a);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The <c>ObjectTypeDefinition</c> a PATCH answers with: no properties, no associations.</summary>
    public static void WriteDefinition(Utf8JsonWriter w, CustomObjectSchema schema, long portalId)
    {
        w.WriteStartObject();
        WriteDefinitionFields(w, schema, audit: true);
        w.WriteNumber("portalId", portalId);
        w.WriteEndObject();
    }

    public static void WriteAssociation(Utf8JsonWriter w, SchemaAssociation a)
    {
        w.WriteStartObject();
        w.WriteString("id", a.Id);
        w.WriteString("fromObjectTypeId", a.FromObjectTypeId);
        w.WriteString("toObjectTypeId", a.ToObjectTypeId);
        if (a.Name is not null)
        {
            w.WriteString("name", a.Name);
        }

        w.WriteString("createdAt", RecordJson.Time(a.CreatedAt));
        w.WriteString("updatedAt", RecordJson.Time(a.UpdatedAt));
        w.WriteEndObject();
    }

    private static void WriteDefinitionFields(Utf8JsonWriter w, CustomObjectSchema schema, bool audit)
    {
        w.WriteString("id", schema.Id);
        w.WriteString("objectTypeId", schema.ObjectTypeId);
        w.WriteString("fullyQualifiedName", schema.FullyQualifiedName);
        w.WriteString("name", schema.Name);
        w.WriteStartObject("labels");
        w.WriteString("singular", schema.SingularLabel);
        w.WriteString("plural", schema.PluralLabel);
        w.WriteEndObject();
        if (schema.Description is not null)
        {
            w.WriteString("description", schema.Description);
        }

        WriteStrings(w, "requiredProperties", schema.RequiredProperties);
        WriteStrings(w, "searchableProperties", schema.SearchableProperties);
        if (schema.PrimaryDisplayProperty is not null)
        {
            w.WriteString("primaryDisplayProperty", schema.PrimaryDisplayProperty);
        }

        WriteStrings(w, "secondaryDisplayProperties", schema.SecondaryDisplayProperties);
        w.WriteBoolean("allowsSensitiveProperties", schema.AllowsSensitiveProperties);
        w.WriteBoolean("archived", schema.Archived);
        if (audit)
        {
            w.WriteString("createdAt", RecordJson.Time(schema.CreatedAt));
            w.WriteString("updatedAt", RecordJson.Time(schema.UpdatedAt));
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
