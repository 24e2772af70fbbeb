namespace Spoke.Emulator.Properties;

/// <summary>An enumeration option (<c>{label, value, description, displayOrder, hidden}</c>).</summary>
internal sealed record PropertyOption(string Label, string Value, string? Description = null, int DisplayOrder = 0, bool Hidden = false);

/// <summary>A property definition, shaped like the properties API's <c>Property</c> (docs/hubspot-api.md §3.3).</summary>
internal sealed class PropertyDefinition
{
    public required string Name { get; init; }
    public required string Label { get; set; }
    public required string Type { get; set; }        // bool, date, datetime, enumeration, number, phone_number, string, object_coordinates, json
    public required string FieldType { get; set; }   // text, textarea, number, select, radio, checkbox, booleancheckbox, date, ...
    public string GroupName { get; set; } = "";
    public string Description { get; set; } = "";
    public List<PropertyOption> Options { get; set; } = [];
    public int DisplayOrder { get; set; } = -1;
    public bool Hidden { get; set; }
    public bool FormField { get; set; }
    public bool HasUniqueValue { get; set; }
    public bool HubspotDefined { get; init; }
    public bool Calculated { get; set; }
    public bool ExternalOptions { get; set; }
    public bool ReadOnlyValue { get; set; }
    public bool ReadOnlyDefinition { get; set; }
    public bool Archivable { get; set; } = true;
    public bool Archived { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? ReferencedObjectType { get; set; }
    public string? CalculationFormula { get; set; }
    public string DataSensitivity { get; set; } = "non_sensitive";

    /// <summary>True when the value is an email address (email type checks apply).</summary>
    public bool IsEmail => Name is "email" || FieldType == "email";

    /// <summary>A copy with its own options list (definitions are shared templates across portals).</summary>
    public PropertyDefinition Clone()
    {
        var copy = (PropertyDefinition)MemberwiseClone();
        copy.Options = [.. Options];
        return copy;
    }
}

/// <summary>A property group (<c>{name, label, displayOrder, archived}</c>).</summary>
internal sealed class PropertyGroup
{
    public required string Name { get; init; }
    public required string Label { get; set; }
    public int DisplayOrder { get; set; } = -1;
    public bool Archived { get; set; }
}
