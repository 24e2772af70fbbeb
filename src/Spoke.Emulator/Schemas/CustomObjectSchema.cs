namespace Spoke.Emulator.Schemas;

/// <summary>An association a custom object schema declares (<c>AssociationDefinition</c>).</summary>
internal sealed class SchemaAssociation
{
    public required string Id { get; init; }
    public required string FromObjectTypeId { get; init; }
    public required string ToObjectTypeId { get; init; }
    public string? Name { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A custom object type definition (<c>ObjectSchema</c>, docs/hubspot-api.md §3.4).</summary>
internal sealed class CustomObjectSchema
{
    public required string Id { get; init; }
    public required string ObjectTypeId { get; init; }      // "2-N"
    public required string Name { get; init; }
    public required string FullyQualifiedName { get; init; }
    public string SingularLabel { get; set; } = "";
    public string PluralLabel { get; set; } = "";
    public string? Description { get; set; }
    public List<string> RequiredProperties { get; set; } = [];
    public List<string> SearchableProperties { get; set; } = [];
    public string? PrimaryDisplayProperty { get; set; }
    public List<string> SecondaryDisplayProperties { get; set; } = [];
    public List<SchemaAssociation> Associations { get; set; } = [];
    public bool AllowsSensitiveProperties { get; set; }
    public bool Archived { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
