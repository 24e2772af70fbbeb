using System.Globalization;
using System.Text.Json;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Schemas;

namespace Spoke.Emulator.Seeding;

/// <summary>
/// The demo seed's custom object: <c>projects</c> ("Project"), associated with companies. It is registered exactly as
/// <c>POST /crm/v3/schemas</c> registers the body in <see cref="SchemaBody"/> would be: the common system properties,
/// the properties read by the properties API's own rules, a schema association to companies numbered as the schemas
/// API numbers them, and the same layout, so the schema, its properties and its records answer like any other.
/// </summary>
internal static class DemoProjects
{
    public const string Name = "projects";

    public static readonly string[] Statuses = ["planned", "in_progress", "on_hold", "completed"];

    /// <summary>What a client would POST to create the schema (the properties part is read by <see cref="PropertyRules.ReadCreate"/>).</summary>
    private const string SchemaBody = """
        {
          "properties": [
            { "name": "project_name", "label": "Project name", "type": "string", "fieldType": "text", "formField": true },
            { "name": "status", "label": "Status", "type": "enumeration", "fieldType": "select", "formField": true,
              "options": [
                { "label": "Planned", "value": "planned", "displayOrder": 0 },
                { "label": "In progress", "value": "in_progress", "displayOrder": 1 },
                { "label": "On hold", "value": "on_hold", "displayOrder": 2 },
                { "label": "Completed", "value": "completed", "displayOrder": 3 }
              ] },
            { "name": "budget", "label": "Budget", "type": "number", "fieldType": "number", "formField": true },
            { "name": "start_date", "label": "Start date", "type": "date", "fieldType": "date", "formField": true },
            { "name": "due_date", "label": "Due date", "type": "date", "fieldType": "date", "formField": true }
          ]
        }
        """;

    /// <summary>True when the name is free: the seed never touches a schema of the user's.</summary>
    public static bool CanCreate(PortalState portal) =>
        !portal.Schemas.Exists(s => string.Equals(s.Name, Name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Registers the schema as of <paramref name="at"/>; the caller holds the write scope.</summary>
    public static ObjectType Create(PortalState portal, DateTimeOffset at)
    {
        var group = $"{Name}_information";
        var catalog = new PropertyCatalog();
        foreach (var p in DefaultProperties.CommonSystem())
        {
            p.GroupName = group;
            p.CreatedAt = at;
            p.UpdatedAt = at;
            catalog.Add(p);
        }

        using (var body = JsonDocument.Parse(SchemaBody))
        {
            foreach (var input in body.RootElement.GetProperty("properties").EnumerateArray())
            {
                catalog.Add(PropertyRules.ReadCreate(input, catalog, at, group));
            }
        }

        var number = portal.NextCustomTypeNumber++;
        var typeId = $"2-{number.ToString(CultureInfo.InvariantCulture)}";
        var schema = new CustomObjectSchema
        {
            Id = number.ToString(CultureInfo.InvariantCulture),
            ObjectTypeId = typeId,
            Name = Name,
            FullyQualifiedName = $"p{portal.PortalId.ToString(CultureInfo.InvariantCulture)}_{Name}",
            SingularLabel = "Project",
            PluralLabel = "Projects",
            Description = "Customer projects (demo seed).",
            RequiredProperties = ["project_name"],
            SearchableProperties = ["project_name"],
            PrimaryDisplayProperty = "project_name",
            SecondaryDisplayProperties = ["status"],
            CreatedAt = at,
            UpdatedAt = at,
        };
        var type = CustomObjectTypes.Create(schema);
        portal.AddType(type, catalog.Properties.Values);
        portal.Catalog(type).Groups[group].Label = $"{schema.SingularLabel} information";
        schema.Associations.Add(new SchemaAssociation
        {
            Id = NextAssociationId(portal),
            FromObjectTypeId = typeId,
            ToObjectTypeId = portal.ResolveType("companies").TypeId,
            Name = $"{Name}_to_company",
            CreatedAt = at,
            UpdatedAt = at,
        });
        portal.Schemas.Add(schema);
        return type;
    }

    /// <summary>The schemas API's numbering: one above the highest schema association id, and above 1000.</summary>
    private static string NextAssociationId(PortalState portal)
    {
        var max = portal.Schemas.SelectMany(s => s.Associations)
            .Select(a => long.TryParse(a.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max();
        return (Math.Max(max, 1000) + 1).ToString(CultureInfo.InvariantCulture);
    }
}
