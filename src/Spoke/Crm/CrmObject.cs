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

    /// <summary>
    /// The associations asked for with <c>associations</c> as HubSpot answered them, by the type name it answered under
    /// (<c>companies</c>): one entry per associated record and v3 association type name, and whether HubSpot has more
    /// (it pages a record's inline associations, 100 at a time). A type with nothing associated is absent.
    /// </summary>
    public IReadOnlyDictionary<string, InlineAssociationList> AssociationLists { get; init; } =
        new Dictionary<string, InlineAssociationList>();
}

/// <summary>One inline association entry: the associated record and the v3 name of one association type (<c>contact_to_company</c>).</summary>
public sealed record InlineAssociation(string Id, string? TypeName);

/// <summary>
/// A record's inline associations towards one type, as far as this answer goes. <see cref="After"/> is HubSpot's cursor
/// for the rest (the record's own association listing continues from it); null when this is all of them.
/// </summary>
public sealed record InlineAssociationList(IReadOnlyList<InlineAssociation> Results, string? After)
{
    /// <summary>True when HubSpot has more associations of this type than this answer lists.</summary>
    public bool HasMore => After is not null;
}
