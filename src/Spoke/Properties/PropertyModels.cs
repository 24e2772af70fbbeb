namespace Spoke.Properties;

/// <summary>One option of an enumeration property (or the two of a bool).</summary>
public sealed class PropertyOption
{
    /// <summary>The option's name as HubSpot shows it.</summary>
    public string Label { get; init; } = "";
    /// <summary>The internal value that records hold and the API sends and accepts; case-sensitive in search.</summary>
    public string Value { get; init; } = "";
    /// <summary>Help text shown with the option in HubSpot; null when there is none.</summary>
    public string? Description { get; init; }
    /// <summary>Position among the options, lowest first; null when HubSpot gives none.</summary>
    public int? DisplayOrder { get; init; }
    /// <summary>True when the option is hidden from HubSpot's forms and pickers; records may still hold it.</summary>
    public bool? Hidden { get; init; }
}

/// <summary>What may be changed about a property, and its values (HubSpot's <c>modificationMetadata</c>).</summary>
public sealed class PropertyModificationMetadata
{
    /// <summary>Whether the property can be archived (false for HubSpot-defined properties).</summary>
    public bool Archivable { get; init; }
    /// <summary>Whether the definition (label, type, options…) is locked against changes.</summary>
    public bool ReadOnlyDefinition { get; init; }
    /// <summary>Whether records' values are read-only: HubSpot sets them (e.g. <c>hs_object_id</c>, <c>createdate</c>) and rejects writes.</summary>
    public bool ReadOnlyValue { get; init; }
    /// <summary>Whether the options are locked against changes; null when HubSpot doesn't say.</summary>
    public bool? ReadOnlyOptions { get; init; }
}

/// <summary>A property definition as HubSpot holds it (docs/hubspot-api.md §3.3 <c>Property</c>).</summary>
public sealed class PropertyDefinition
{
    /// <summary>The internal name: the key in a record's properties and in API paths.</summary>
    public string Name { get; init; } = "";
    /// <summary>The name HubSpot shows.</summary>
    public string Label { get; init; } = "";
    /// <summary>The data type: how values are stored and formatted on the wire.</summary>
    public PropertyType Type { get; init; }
    /// <summary>How the property is edited in HubSpot's forms and records.</summary>
    public PropertyFieldType FieldType { get; init; }
    /// <summary>Help text shown with the property in HubSpot; null or empty when there is none.</summary>
    public string? Description { get; init; }
    /// <summary>The property group it is shown in (<c>groupName</c>).</summary>
    public string? GroupName { get; init; }
    /// <summary>The allowed values of an enumeration (or bool) property; empty for other types.</summary>
    public IReadOnlyList<PropertyOption> Options { get; init; } = [];
    /// <summary>Position within its group: lowest positive first, <c>-1</c> after all positive ones; null when HubSpot gives none.</summary>
    public int? DisplayOrder { get; init; }
    /// <summary>True when the property is hidden from HubSpot's UI.</summary>
    public bool Hidden { get; init; }
    /// <summary>True when the property can be used in HubSpot forms.</summary>
    public bool FormField { get; init; }
    /// <summary>True when no two records of the type may hold the same value: a unique ID property (up to ten per object type).</summary>
    public bool HasUniqueValue { get; init; }

    /// <summary>True for HubSpot's own properties, which can't be archived.</summary>
    public bool HubspotDefined { get; init; }

    /// <summary>True when HubSpot calculates the value; records can't write it.</summary>
    public bool Calculated { get; init; }
    /// <summary>True when the options are HubSpot records (owners, pipeline stages…) of <see cref="ReferencedObjectType"/> rather than the <see cref="Options"/> list.</summary>
    public bool ExternalOptions { get; init; }
    /// <summary>True when the property is in the recycling bin.</summary>
    public bool Archived { get; init; }
    /// <summary>When it was archived; null while it is live.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }
    /// <summary>When it was created; null for HubSpot-defined properties that carry no date.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When its definition last changed; null when HubSpot gives none.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>What may be changed about it and its values; null when HubSpot omits it.</summary>
    public PropertyModificationMetadata? ModificationMetadata { get; init; }

    /// <summary><c>non_sensitive</c>, <c>sensitive</c> or <c>highly_sensitive</c>.</summary>
    public string? DataSensitivity { get; init; }

    /// <summary>For <see cref="ExternalOptions"/> properties, the type whose records are the options (e.g. <c>OWNER</c>); otherwise null.</summary>
    public string? ReferencedObjectType { get; init; }
    /// <summary>The formula of a <see cref="PropertyFieldType.CalculationEquation"/> property; otherwise null.</summary>
    public string? CalculationFormula { get; init; }
}

/// <summary>A new property (docs/hubspot-api.md §3.3 <c>PropertyCreate</c>): name, label, type, field type and group are required.</summary>
public sealed class PropertyCreate
{
    /// <summary>Internal name: lowercase letters, digits and underscores, starting with a letter.</summary>
    public required string Name { get; init; }
    /// <summary>The name HubSpot shows.</summary>
    public required string Label { get; init; }
    /// <summary>The data type; it must suit <see cref="FieldType"/> (e.g. <see cref="PropertyType.Enumeration"/> with select, radio or checkbox).</summary>
    public required PropertyType Type { get; init; }
    /// <summary>How the property is edited in HubSpot's forms and records.</summary>
    public required PropertyFieldType FieldType { get; init; }

    /// <summary>Required by the properties API; custom object schemas default it to the object's own group.</summary>
    public string? GroupName { get; init; }

    /// <summary>Help text shown with the property in HubSpot; null for none.</summary>
    public string? Description { get; init; }
    /// <summary>The allowed values of an enumeration (or bool) property; null for other types.</summary>
    public IList<PropertyOption>? Options { get; init; }
    /// <summary>Position within its group: lowest positive first, <c>-1</c> after all positive ones; null for HubSpot's default.</summary>
    public int? DisplayOrder { get; init; }
    /// <summary>True for a unique ID property: no two records may hold the same value (up to ten per object type). Set only at creation; null means false.</summary>
    public bool? HasUniqueValue { get; init; }
    /// <summary>True to hide the property from HubSpot's UI; null means false.</summary>
    public bool? Hidden { get; init; }
    /// <summary>True to allow the property in HubSpot forms; null for HubSpot's default.</summary>
    public bool? FormField { get; init; }
    /// <summary>True when the options are HubSpot records of <see cref="ReferencedObjectType"/> rather than <see cref="Options"/>; null means false.</summary>
    public bool? ExternalOptions { get; init; }
    /// <summary>With <see cref="ExternalOptions"/>, the type whose records are the options (e.g. <c>OWNER</c>); otherwise null.</summary>
    public string? ReferencedObjectType { get; init; }
    /// <summary>The formula of a <see cref="PropertyFieldType.CalculationEquation"/> property; otherwise null.</summary>
    public string? CalculationFormula { get; init; }
    /// <summary><c>non_sensitive</c> (HubSpot's default, when null), <c>sensitive</c> or <c>highly_sensitive</c>.</summary>
    public string? DataSensitivity { get; init; }
}

/// <summary>Changes to a property; what is left null stays as it is. Options, when given, replace all options.</summary>
public sealed class PropertyUpdate
{
    /// <summary>The new display name.</summary>
    public string? Label { get; init; }
    /// <summary>The new data type; it must suit the field type.</summary>
    public PropertyType? Type { get; init; }
    /// <summary>The new field type; it must suit the data type.</summary>
    public PropertyFieldType? FieldType { get; init; }
    /// <summary>Moves the property to this group.</summary>
    public string? GroupName { get; init; }
    /// <summary>The new help text.</summary>
    public string? Description { get; init; }
    /// <summary>The new options; they replace all existing options.</summary>
    public IList<PropertyOption>? Options { get; init; }
    /// <summary>The new position within its group: lowest positive first, <c>-1</c> after all positive ones.</summary>
    public int? DisplayOrder { get; init; }
    /// <summary>Hides the property from HubSpot's UI (true) or shows it (false).</summary>
    public bool? Hidden { get; init; }
    /// <summary>Allows the property in HubSpot forms (true) or not (false).</summary>
    public bool? FormField { get; init; }
    /// <summary>The new formula of a <see cref="PropertyFieldType.CalculationEquation"/> property.</summary>
    public string? CalculationFormula { get; init; }
}

/// <summary>A property group: where properties are shown together.</summary>
public sealed class PropertyGroup
{
    /// <summary>Internal name: lowercase letters, digits and underscores, starting with a letter.</summary>
    public required string Name { get; init; }
    /// <summary>The name HubSpot shows.</summary>
    public required string Label { get; init; }
    /// <summary>Position among the type's groups, lowest positive first; null for HubSpot's default.</summary>
    public int? DisplayOrder { get; init; }
    /// <summary>True when the group is archived; ignored when creating one.</summary>
    public bool Archived { get; init; }
}

/// <summary>Options of <see cref="PropertiesClient.ListAsync"/>: which properties it returns.</summary>
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
