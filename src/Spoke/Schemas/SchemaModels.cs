using Spoke.Properties;

namespace Spoke.Schemas;

public sealed class ObjectSchemaLabels
{
    public string? Singular { get; init; }
    public string? Plural { get; init; }
}

/// <summary>An association the schema defines between its object and another type.</summary>
public sealed class SchemaAssociation
{
    public string Id { get; init; } = "";
    public string FromObjectTypeId { get; init; } = "";
    public string ToObjectTypeId { get; init; } = "";
    public string? Name { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A custom object type (docs/hubspot-api.md §3.4 <c>ObjectSchema</c>). Its records live at <c>client.Crm.Objects(ObjectTypeId)</c>.</summary>
public sealed class ObjectSchema
{
    public string Id { get; init; } = "";

    /// <summary><c>2-N</c>: use it (or <see cref="FullyQualifiedName"/>) as the object type elsewhere.</summary>
    public string ObjectTypeId { get; init; } = "";

    /// <summary><c>p{portalId}_{name}</c>.</summary>
    public string FullyQualifiedName { get; init; } = "";

    public string Name { get; init; } = "";
    public ObjectSchemaLabels Labels { get; init; } = new();
    public string? Description { get; init; }
    public IReadOnlyList<string> RequiredProperties { get; init; } = [];
    public IReadOnlyList<string> SearchableProperties { get; init; } = [];
    public string? PrimaryDisplayProperty { get; init; }
    public IReadOnlyList<string> SecondaryDisplayProperties { get; init; } = [];
    public bool AllowsSensitiveProperties { get; init; }
    public bool Archived { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Empty on answers to an update (HubSpot returns the definition alone).</summary>
    public IReadOnlyList<PropertyDefinition> Properties { get; init; } = [];

    public IReadOnlyList<SchemaAssociation> Associations { get; init; } = [];
}

/// <summary>A new custom object type (docs/hubspot-api.md §3.4 <c>ObjectSchemaEgg</c>).</summary>
public sealed class ObjectSchemaCreate
{
    /// <summary>Letters, digits and underscores, starting with a letter.</summary>
    public required string Name { get; init; }
    public required ObjectSchemaLabels Labels { get; init; }
    public IList<PropertyCreate> Properties { get; init; } = [];
    public IList<string> RequiredProperties { get; init; } = [];

    /// <summary>Types its records can be associated with: <c>CONTACT</c>, <c>COMPANY</c>, <c>DEAL</c>, <c>TICKET</c> or <c>2-N</c>.</summary>
    public IList<string> AssociatedObjects { get; init; } = [];

    public string? PrimaryDisplayProperty { get; init; }
    public IList<string>? SecondaryDisplayProperties { get; init; }
    public IList<string>? SearchableProperties { get; init; }
    public string? Description { get; init; }
    public bool? AllowsSensitiveProperties { get; init; }
}

/// <summary>Changes to a custom object type; what is left null stays as it is.</summary>
public sealed class ObjectSchemaUpdate
{
    public ObjectSchemaLabels? Labels { get; init; }
    public string? Description { get; init; }
    public IList<string>? RequiredProperties { get; init; }
    public string? PrimaryDisplayProperty { get; init; }
    public IList<string>? SecondaryDisplayProperties { get; init; }
    public IList<string>? SearchableProperties { get; init; }
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
