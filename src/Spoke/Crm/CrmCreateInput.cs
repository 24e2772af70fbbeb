using Spoke.Associations;

namespace Spoke.Crm;

/// <summary>
/// One association to make as the record is created (HubSpot's <c>associations</c> on create): the record to link to
/// and the types that link them, e.g. <c>new CrmAssociationInput(contactId, AssociationTypes.DealToContact)</c>. The
/// types run from the new record's type to the target's.
/// </summary>
public sealed record CrmAssociationInput(string ToObjectId, IReadOnlyList<AssociationType> Types)
{
    /// <summary>An association to one record with one type.</summary>
    public CrmAssociationInput(string toObjectId, AssociationType type)
        : this(toObjectId, [type])
    {
    }
}

/// <summary>
/// A record to create: its properties and, optionally, the records it is associated with from the start. HubSpot
/// creates both in one call or neither, so a failure never leaves a record without its associations.
/// </summary>
public sealed class CrmCreateInput
{
    /// <summary>A record to create with these properties and no associations yet.</summary>
    public CrmCreateInput(PropertyBag properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        Properties = properties;
    }

    /// <summary>The new record's properties.</summary>
    public PropertyBag Properties { get; }

    /// <summary>The records the new record is associated with, made in the same call.</summary>
    public IList<CrmAssociationInput> Associations { get; init; } = [];

    /// <summary>Adds one association (fluent).</summary>
    public CrmCreateInput AssociateWith(string toObjectId, params IEnumerable<AssociationType> types)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toObjectId);
        ArgumentNullException.ThrowIfNull(types);
        Associations.Add(new CrmAssociationInput(toObjectId, [.. types]));
        return this;
    }

    internal List<Json.CreateAssociationDto>? ToWire()
    {
        if (Associations.Count == 0)
        {
            return null;
        }

        foreach (var association in Associations)
        {
            if (string.IsNullOrWhiteSpace(association.ToObjectId) || association.Types is not { Count: > 0 })
            {
                throw new ArgumentException(
                    "Every association on create needs the id of the record to associate with and at least one type (e.g. AssociationTypes.DealToContact).",
                    nameof(Associations));
            }
        }

        return [.. Associations.Select(a => new Json.CreateAssociationDto
        {
            To = new ObjectIdDto { Id = a.ToObjectId },
            Types = [.. a.Types.Select(t => new AssociationSpecDto { AssociationCategory = t.Category, AssociationTypeId = t.TypeId })],
        })];
    }
}

/// <summary>How a record is merged: <see cref="CrmObjectsClient.MergeAsync"/>.</summary>
public sealed record CrmMergeInput(string PrimaryObjectId, string ObjectIdToMerge);
