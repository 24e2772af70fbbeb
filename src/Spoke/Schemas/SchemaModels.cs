using Spoke.Properties;

namespace Spoke.Schemas;

/// <summary>The names HubSpot shows for one record of a custom object type and for several.</summary>
public sealed class ObjectSchemaLabels
{
    /// <summary>The name of one record, e.g. <c>Car</c>.</summary>
    public string? Singular { get; init; }
    /// <summary>The name of several records, e.g. <c>Cars</c>.</summary>
    public string? Plural { get; init; }
}

/// <summary>An association the schema defines between its object and another type.</summary>
public sealed class SchemaAssociation
{
    /// <summary>The association definition's ID: use it to remove the definition.</summary>
    public string Id { get; init; } = "";
    /// <summary>The type it associates from: the schema's own <c>2-N</c>.</summary>
    public string FromObjectTypeId { get; init; } = "";
    /// <summary>The type it associates to, e.g. <c>0-1</c> (contacts) or another <c>2-N</c>.</summary>
    public string ToObjectTypeId { get; init; } = "";
    /// <summary>The definition's name; null when HubSpot gives none.</summary>
    public string? Name { get; init; }
    /// <summary>When the definition was created; null when HubSpot gives none.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the definition last changed; null when HubSpot gives none.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A custom object type (docs/hubspot-api.md §3.4 <c>ObjectSchema</c>). Its records live at <c>client.Crm.Objects(ObjectTypeId)</c>.</summary>
public sealed class ObjectSchema
{
    /// <summary>HubSpot's internal ID of the schema (not the object type ID: use <see cref="ObjectTypeId"/> in calls).</summary>
    public string Id { get; init; } = "";

    /// <summary><c>2-N</c>: use it (or <see cref="FullyQualifiedName"/>) as the object type elsewhere.</summary>
    public string ObjectTypeId { get; init; } = "";

    /// <summary><c>p{portalId}_{name}</c>.</summary>
    public string FullyQualifiedName { get; init; } = "";

    /// <summary>The schema's internal name, as given at creation.</summary>
    public string Name { get; init; } = "";
    /// <summary>The names HubSpot shows for one record and for several.</summary>
    public ObjectSchemaLabels Labels { get; init; } = new();
    /// <summary>The schema's description; null when there is none.</summary>
    public string? Description { get; init; }
    /// <summary>Properties every record must have a value for when it is created.</summary>
    public IReadOnlyList<string> RequiredProperties { get; init; } = [];
    /// <summary>Properties HubSpot indexes for searching records of the type.</summary>
    public IReadOnlyList<string> SearchableProperties { get; init; } = [];
    /// <summary>The property whose value names a record in HubSpot; null when not set.</summary>
    public string? PrimaryDisplayProperty { get; init; }
    /// <summary>Properties shown under a record's name in HubSpot.</summary>
    public IReadOnlyList<string> SecondaryDisplayProperties { get; init; } = [];
    /// <summary>Whether the type may have sensitive or highly sensitive properties.</summary>
    public bool AllowsSensitiveProperties { get; init; }
    /// <summary>True when the schema is archived (see <see cref="SchemasClient.DeleteAsync"/>).</summary>
    public bool Archived { get; init; }
    /// <summary>When the schema was created; null when HubSpot gives none.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the schema last changed; null when HubSpot gives none.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Empty on answers to an update (HubSpot returns the definition alone).</summary>
    public IReadOnlyList<PropertyDefinition> Properties { get; init; } = [];

    /// <summary>The association definitions between this type and others; empty on answers to an update.</summary>
    public IReadOnlyList<SchemaAssociation> Associations { get; init; } = [];
}

/// <summary>A new custom object type (docs/hubspot-api.md §3.4 <c>ObjectSchemaEgg</c>).</summary>
public sealed class ObjectSchemaCreate
{
    /// <summary>Letters, digits and underscores, starting with a letter.</summary>
    public required string Name { get; init; }
    /// <summary>The names HubSpot shows for one record and for several.</summary>
    public required ObjectSchemaLabels Labels { get; init; }
    /// <summary>The type's properties, created with it; a property without a group name goes in the object's own group.</summary>
    public IList<PropertyCreate> Properties { get; init; } = [];
    /// <summary>Names (from <see cref="Properties"/>) every record must have a value for when it is created.</summary>
    public IList<string> RequiredProperties { get; init; } = [];

    /// <summary>Types its records can be associated with: <c>CONTACT</c>, <c>COMPANY</c>, <c>DEAL</c>, <c>TICKET</c> or <c>2-N</c>.</summary>
    public IList<string> AssociatedObjects { get; init; } = [];

    /// <summary>The property (from <see cref="Properties"/>) whose value names a record in HubSpot; null for none.</summary>
    public string? PrimaryDisplayProperty { get; init; }
    /// <summary>Properties shown under a record's name in HubSpot; null for none.</summary>
    public IList<string>? SecondaryDisplayProperties { get; init; }
    /// <summary>Properties HubSpot indexes for searching records of the type; null for none.</summary>
    public IList<string>? SearchableProperties { get; init; }
    /// <summary>A description of the type; null for none.</summary>
    public string? Description { get; init; }
    /// <summary>Whether the type may have sensitive properties; null means false.</summary>
    public bool? AllowsSensitiveProperties { get; init; }
}

/// <summary>Changes to a custom object type; what is left null stays as it is.</summary>
public sealed class ObjectSchemaUpdate
{
    /// <summary>The new singular and plural names.</summary>
    public ObjectSchemaLabels? Labels { get; init; }
    /// <summary>The new description.</summary>
    public string? Description { get; init; }
    /// <summary>The new required properties; they replace the old ones.</summary>
    public IList<string>? RequiredProperties { get; init; }
    /// <summary>The new property that names a record in HubSpot.</summary>
    public string? PrimaryDisplayProperty { get; init; }
    /// <summary>The new properties shown under a record's name; they replace the old ones.</summary>
    public IList<string>? SecondaryDisplayProperties { get; init; }
    /// <summary>The new properties indexed for search; they replace the old ones.</summary>
    public IList<string>? SearchableProperties { get; init; }
    /// <summary>Allows (true) or disallows (false) sensitive properties on the type.</summary>
    public bool? AllowsSensitiveProperties { get; init; }
}

/// <summary>Options of <see cref="SchemasClient.ListAsync"/>.</summary>
public sealed class SchemaListOptions
{
    /// <summary>Archived schemas instead of live ones.</summary>
    public bool Archived { get; init; }
}

/// <summary>Options of <see cref="SchemasClient.DeleteAsync"/>.</summary>
public sealed class SchemaDeleteOptions
{
    /// <summary>Deletes an already archived schema for good (HubSpot's <c>archived=true</c>), which frees its name for reuse.</summary>
    public bool Purge { get; init; }
}

/// <summary>Options of <see cref="SchemasClient.CreateAssociationAsync"/>.</summary>
public sealed class SchemaAssociationOptions
{
    /// <summary>A name for the association definition; HubSpot makes one up when none is given.</summary>
    public string? Name { get; init; }
}
