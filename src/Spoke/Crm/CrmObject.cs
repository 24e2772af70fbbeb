namespace Spoke.Crm;

/// <summary>One historical value of a property (<c>propertiesWithHistory</c>).</summary>
public sealed record PropertyVersion(string? Value, DateTimeOffset Timestamp, string? SourceType, string? SourceId);

/// <summary>A CRM record of any type: HubSpot's <c>SimplePublicObject</c> with typed access to its values.</summary>
public sealed class CrmObject
{
    public required string Id { get; init; }

    /// <summary>The values HubSpot returned, in wire form, with typed readers (<see cref="PropertyBag.GetDecimal"/> …).</summary>
    public PropertyBag Properties { get; init; } = new();

    public IReadOnlyDictionary<string, IReadOnlyList<PropertyVersion>> PropertiesWithHistory { get; init; } =
        new Dictionary<string, IReadOnlyList<PropertyVersion>>();

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public bool Archived { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }

    /// <summary>Associated record ids by type name, when asked for with <c>associations</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Associations { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();
}
