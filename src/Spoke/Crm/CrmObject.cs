namespace Spoke.Crm;

/// <summary>One historical value of a property (<c>propertiesWithHistory</c>).</summary>
public sealed record PropertyVersion(string? Value, DateTimeOffset Timestamp, string? SourceType, string? SourceId);

/// <summary>A CRM record of any type: HubSpot's <c>SimplePublicObject</c> with typed access to its values.</summary>
public sealed class CrmObject
{
    /// <summary>The record id.</summary>
    public required string Id { get; init; }

    /// <summary>The values HubSpot returned, in wire form, with typed readers (<see cref="PropertyBag.GetDecimal"/> …).</summary>
    public PropertyBag Properties { get; init; } = new();

    /// <summary>Earlier values of the properties asked for with history, newest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PropertyVersion>> PropertiesWithHistory { get; init; } =
        new Dictionary<string, IReadOnlyList<PropertyVersion>>();

    /// <summary>When HubSpot created the record.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>True for an archived record (read with <see cref="CrmReadOptions.Archived"/>).</summary>
    public bool Archived { get; init; }
    /// <summary>When the record was archived; null when it is not.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }

    /// <summary>Associated record ids by type name, when asked for with <c>associations</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Associations { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();
}
