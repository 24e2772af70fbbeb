using Spoke.Crm;

namespace Spoke.DataTools.Import;

/// <summary>
/// One CSV row after the map was applied and the row validated against the portal: what to write, or every reason it
/// cannot be written. The planner (<c>Mapping/</c>) produces them in file order; the importer writes the valid ones and
/// sends the others to the rejects file.
/// </summary>
public sealed class PreparedRow
{
    /// <summary>The row's line number in the file (the header is line 1; a quoted field spanning lines counts as its first line).</summary>
    public required long LineNumber { get; init; }

    /// <summary>The row's original fields, in the header's order, untouched by any transform.</summary>
    public required IReadOnlyList<string> SourceFields { get; init; }

    /// <summary>The HubSpot properties to write (internal names and wire-format values); empty when the row is rejected.</summary>
    public PropertyBag Properties { get; init; } = new();

    /// <summary>The value of the upsert property (<see cref="ImportPlan.UpsertBy"/>) after its transforms, or null when the import creates.</summary>
    public string? UpsertKey { get; init; }

    /// <summary>Records to associate this one with, found by a unique property of the other object.</summary>
    public IReadOnlyList<ImportAssociation> Associations { get; init; } = [];

    /// <summary>Every reason the row cannot be written (empty when it can), each saying what was wrong and what to do.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Whether the row can be written.</summary>
    public bool IsValid => Problems.Count == 0;
}

/// <summary>An association a row asks for: the record of <see cref="ToObjectType"/> whose <see cref="ByProperty"/> is <see cref="Value"/>.</summary>
/// <param name="ToObjectType">The other object type (e.g. <c>companies</c>).</param>
/// <param name="ByProperty">The property that identifies the other record (e.g. <c>domain</c>).</param>
/// <param name="Value">That property's value, after the map's transforms.</param>
/// <param name="AssociationTypeId">A labelled association type id, or null for the default (unlabelled) association.</param>
/// <param name="AssociationCategory">The category of <paramref name="AssociationTypeId"/> (<c>HUBSPOT_DEFINED</c> or <c>USER_DEFINED</c>).</param>
public sealed record ImportAssociation(string ToObjectType, string ByProperty, string Value, int? AssociationTypeId = null, string? AssociationCategory = null);
