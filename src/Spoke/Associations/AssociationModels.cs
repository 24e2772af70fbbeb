namespace Spoke.Associations;

/// <summary>
/// One association type between two object types: who defined it, its numeric id, and its label (null for the plain,
/// unlabelled type). Use the constants on <see cref="AssociationTypes"/> rather than typing ids by hand.
/// </summary>
public sealed record AssociationType(AssociationCategory Category, int TypeId, string? Label = null)
{
    /// <summary>A label created in the portal (<see cref="AssociationCategory.UserDefined"/>); its id comes from <c>ListLabelsAsync</c>.</summary>
    public static AssociationType UserDefined(int typeId, string? label = null) => new(AssociationCategory.UserDefined, typeId, label);

    /// <summary>Equal when category and id are equal: the label is display text, not identity.</summary>
    public bool Equals(AssociationType? other) => other is not null && Category == other.Category && TypeId == other.TypeId;

    /// <summary>A hash of the category and type id, consistent with equality.</summary>
    public override int GetHashCode() => HashCode.Combine(Category, TypeId);
}

/// <summary>A record associated with the one asked about, with every type that links the two.</summary>
public sealed record AssociatedObject(string ToObjectId, IReadOnlyList<AssociationType> Types);

/// <summary>The default association made between two records (and its inverse, which HubSpot makes too).</summary>
public sealed record DefaultAssociation(string FromObjectId, string ToObjectId, AssociationType Type);

/// <summary>The labels now between two records after a labelled create.</summary>
public sealed record AssociationLabels(string FromObjectTypeId, string FromObjectId, string ToObjectTypeId, string ToObjectId,
    IReadOnlyList<string> Labels);

/// <summary>One input of a labelled batch create or label archive.</summary>
public sealed record AssociationInput(string FromObjectId, string ToObjectId, IReadOnlyList<AssociationType> Types);

/// <summary>A pair of record ids, for default associations and archiving.</summary>
public sealed record AssociationPair(string FromObjectId, string ToObjectId);

/// <summary>Everything one record is associated with in the other type (batch read; all pages followed).</summary>
public sealed record RecordAssociations(string FromObjectId, IReadOnlyList<AssociatedObject> To);

/// <summary>A new USER_DEFINED association label between two object types.</summary>
/// <param name="Name">The label's internal name (unique for the pair of types).</param>
/// <param name="Label">The label shown on the records of the "from" side.</param>
public sealed record AssociationLabelCreateInput(string Name, string Label)
{
    /// <summary>The label shown from the other side (e.g. "Manager" / "Employee"); null: one label both ways.</summary>
    public string? InverseLabel { get; init; }
}

/// <summary>A new display text for an existing USER_DEFINED association label.</summary>
/// <param name="AssociationTypeId">The label's type id (from <c>ListLabelsAsync</c> or <c>CreateLabelAsync</c>).</param>
/// <param name="Label">The new label shown on the records of the "from" side.</param>
public sealed record AssociationLabelUpdateInput(int AssociationTypeId, string Label)
{
    /// <summary>The new label shown from the other side; null leaves the pair with one label both ways.</summary>
    public string? InverseLabel { get; init; }
}

/// <summary>A v3 association type between two object types: its numeric id and its v3 name (<c>contact_to_company</c>).</summary>
public sealed record AssociationTypeName(int TypeId, string Name);
