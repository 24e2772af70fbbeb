namespace Spoke.Emulator.Properties;

/// <summary>The property definitions and groups of one object type.</summary>
internal sealed class PropertyCatalog
{
    public Dictionary<string, PropertyDefinition> Properties { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PropertyGroup> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>A live (non-archived) property, or null.</summary>
    public PropertyDefinition? Find(string name) =>
        Properties.TryGetValue(name, out var p) && !p.Archived ? p : null;

    /// <summary>Who saves the catalog (the portal's object types feature); told on every change.</summary>
    internal Action? Changed { get; set; }

    /// <summary>Call after changing a property or group in place; <see cref="Add"/> calls it itself.</summary>
    public void MarkDirty() => Changed?.Invoke();

    public void Add(PropertyDefinition property)
    {
        MarkDirty();
        Properties[property.Name] = property;
        if (property.GroupName.Length > 0 && !Groups.ContainsKey(property.GroupName))
        {
            Groups[property.GroupName] = new PropertyGroup { Name = property.GroupName, Label = GroupLabel(property.GroupName) };
        }
    }

    private static string GroupLabel(string name) => name switch
    {
        "contactinformation" => "Contact information",
        "companyinformation" => "Company information",
        "dealinformation" => "Deal information",
        "ticketinformation" => "Ticket information",
        "productinformation" => "Product information",
        "lineiteminformation" => "Line item information",
        "engagement" => "Engagement",
        _ => name,
    };
}
