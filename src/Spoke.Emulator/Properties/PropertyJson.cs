using System.Text.Json;
using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Properties;

/// <summary>Writes property definitions and groups in the properties API's shapes (<c>Property</c>, <c>PropertyGroup</c>; docs/hubspot-api.md §3.3).</summary>
internal static class PropertyJson
{
    public static void Write(Utf8JsonWriter w, PropertyDefinition p)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("label", p.Label);
        w.WriteString("type", p.Type);
        w.WriteString("fieldType", p.FieldType);
        w.WriteString("description", p.Description);
        w.WriteString("groupName", p.GroupName);
        w.WriteStartArray("options");
        foreach (var o in p.Options)
        {
            WriteOption(w, o);
        }

        w.WriteEndArray();
        w.WriteNumber("displayOrder", p.DisplayOrder);
        w.WriteBoolean("hidden", p.Hidden);
        w.WriteBoolean("formField", p.FormField);
        w.WriteBoolean("hasUniqueValue", p.HasUniqueValue);
        w.WriteBoolean("hubspotDefined", p.HubspotDefined);
        w.WriteBoolean("calculated", p.Calculated);
        w.WriteBoolean("externalOptions", p.ExternalOptions);
        w.WriteBoolean("archived", p.Archived);
        if (p.ArchivedAt is { } archivedAt)
        {
            w.WriteString("archivedAt", RecordJson.Time(archivedAt));
        }

        w.WriteString("createdAt", RecordJson.Time(p.CreatedAt));
        w.WriteString("updatedAt", RecordJson.Time(p.UpdatedAt));
        w.WriteStartObject("modificationMetadata");
        w.WriteBoolean("archivable", p.Archivable);
        w.WriteBoolean("readOnlyDefinition", p.ReadOnlyDefinition);
        w.WriteBoolean("readOnlyValue", p.ReadOnlyValue);
        if (p.Type == "enumeration")
        {
            // Options of HubSpot-defined and externally sourced enumerations (pipelines, owners) can't be edited here.
            w.WriteBoolean("readOnlyOptions", p.ReadOnlyDefinition || p.ExternalOptions);
        }

        w.WriteEndObject();
        w.WriteString("dataSensitivity", p.DataSensitivity);
        if (p.ReferencedObjectType is { } referenced)
        {
            w.WriteString("referencedObjectType", referenced);
        }

        if (p.CalculationFormula is { } formula)
        {
            w.WriteString("calculationFormula", formula);
        }

        w.WriteEndObject();
    }

    public static void WriteOption(Utf8JsonWriter w, PropertyOption o)
    {
        w.WriteStartObject();
        w.WriteString("label", o.Label);
        w.WriteString("value", o.Value);
        if (o.Description is not null)
        {
            w.WriteString("description", o.Description);
        }

        w.WriteNumber("displayOrder", o.DisplayOrder);
        w.WriteBoolean("hidden", o.Hidden);
        w.WriteEndObject();
    }

    public static void WriteGroup(Utf8JsonWriter w, PropertyGroup g)
    {
        w.WriteStartObject();
        w.WriteString("name", g.Name);
        w.WriteString("label", g.Label);
        w.WriteNumber("displayOrder", g.DisplayOrder);
        w.WriteBoolean("archived", g.Archived);
        w.WriteEndObject();
    }
}
