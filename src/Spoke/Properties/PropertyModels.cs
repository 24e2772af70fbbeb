namespace Spoke.Properties;

/// <summary>One option of an enumeration property (or the two of a bool).</summary>
public sealed class PropertyOption
{
    public string Label { get; init; } = "";
    public string Value { get; init; } = "";
    public string? Description { get; init; }
    public int? DisplayOrder { get; init; }
    public bool? Hidden { get; init; }
}

/// <summary>What may be changed about a property, and its values (HubSpot's <c>modificationMetadata</c>).</summary>
public sealed class PropertyModificationMetadata
{
    public bool Archivable { get; init; }
    public bool ReadOnlyDefinition { get; init; }
    public bool ReadOnlyValue { get; init; }
    public bool? ReadOnlyOptions { get; init; }
}

/// <summary>A property definition as HubSpot holds it (docs/hubspot-api.md §3.3 <c>Property</c>).</summary>
public sealed class PropertyDefinition
{
    public string Name { get; init; } = "";
    public string Label { get; init; } = "";
    public PropertyType Type { get; init; }
    public PropertyFieldType FieldType { get; init; }
    public string? Description { get; init; }
    public string? GroupName { get; init; }
    public IReadOnlyList<PropertyOption> Options { get; init; } = [];
    public int? DisplayOrder { get; init; }
    public bool Hidden { get; init; }
    public bool FormField { get; init; }
    public bool HasUniqueValue { get; init; }

    /// <summary>True for HubSpot's own properties, which can't be archived.</summary>
    public bool HubspotDefined { get; init; }

    public bool Calculated { get; init; }
    public bool ExternalOptions { get; init; }
    public bool Archived { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public PropertyModificationMetadata? ModificationMetadata { get; init; }

    /// <summary><c>non_sensitive</c>, <c>sensitive</c> or <c>highly_sensitive</c>.</summary>
    public string? DataSensitivity { get; init; }

    public string? ReferencedObjectType { get; init; }
    public string? CalculationFormula { get; init; }
}

/// <summary>A new property (docs/hubspot-api.md §3.3 <c>PropertyCreate</c>): name, label, type, field type and group are required.</summary>
public sealed class PropertyCreate
{
    /// <summary>Internal name: lowercase letters, digits and underscores, starting with a letter.</summary>
    public required string Name { get; init; }
    public required string Label { get; init; }
    public required PropertyType Type { get; init; }
    public required PropertyFieldType FieldType { get; init; }

    /// <summary>Required by the properties API; custom object schemas default it to the object's own group.</summary>
    public string? GroupName { get; init; }

    public string? Description { get; init; }
    public IList<PropertyOption>? Options { get; init; }
    public int? DisplayOrder { get; init; }
    public bool? HasUniqueValue { get; init; }
    public bool? Hidden { get; init; }
    public bool? FormField { get; init; }
    public bool? ExternalOptions { get; init; }
    public string? ReferencedObjectType { get; init; }
    public string? CalculationFormula { get; init; }
    public string? DataSensitivity { get; init; }
}

/// <summary>Changes to a property; what is left null stays as it is. Options, when given, replace all options.</summary>
public sealed class PropertyUpdate
{
    public string? Label { get; init; }
    public PropertyType? Type { get; init; }
    public PropertyFieldType? FieldType { get; init; }
    public string? GroupName { get; init; }
    public string? Description { get; init; }
    public IList<PropertyOption>? Options { get; init; }
    public int? DisplayOrder { get; init; }
    public bool? Hidden { get; init; }
    public bool? FormField { get; init; }
    public string? CalculationFormula { get; init; }
}

/// <summary>A property group: where properties are shown together.</summary>
public sealed class PropertyGroup
{
    /// <summary>Internal name: lowercase letters, digits and underscores, starting with a letter.</summary>
    public required string Name { get; init; }
    public required string Label { get; init; }
    public int? DisplayOrder { get; init; }
    public bool Archived { get; init; }
}

/// <summary>What <see cref="PropertiesClient.ListAsync"/> returns.</summary>
public sealed class PropertyListOptions
{
    /// <summary>Archived properties instead of live ones.</summary>
    public bool Archived { get; init; }

    /// <summary>Only these names.</summary>
    public IList<string> Properties { get; init; } = [];

    /// <summary><c>non_sensitive</c> (HubSpot's default), <c>sensitive</c> or <c>highly_sensitive</c>.</summary>
    public string? DataSensitivity { get; init; }
}

/// <summary>Options of <see cref="PropertiesClient.GetAsync"/> and <see cref="PropertiesClient.BatchReadAsync"/>.</summary>
public sealed class PropertyReadOptions
{
    /// <summary>Read archived properties instead of live ones.</summary>
    public bool Archived { get; init; }
}

/// <summary>What <see cref="PropertiesClient.UpdateGroupAsync"/> changes; null values stay as they are.</summary>
public sealed class PropertyGroupUpdate
{
    /// <summary>The new label.</summary>
    public string? Label { get; init; }

    /// <summary>The new display order (lower first).</summary>
    public int? DisplayOrder { get; init; }
}
