using System.Globalization;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Associations;

/// <summary>
/// Which association types exist between two object types: HUBSPOT_DEFINED ones (docs/hubspot-api.md §11), the custom pairs that
/// custom object schemas declare (their from → to id is the schema association id; the opposite direction gets an id
/// from the portal counter), and USER_DEFINED labels.
/// </summary>
internal static class AssociationCatalog
{
    private static readonly ILookup<(string, string), AssociationDefinition> HubSpotDefined =
        HubSpotDefinedAssociations.All.ToLookup(d => (d.FromTypeId, d.ToTypeId));

    /// <summary>Every definition from <paramref name="fromTypeId"/> to <paramref name="toTypeId"/>, ordered by type id.</summary>
    public static List<AssociationDefinition> For(PortalState portal, string fromTypeId, string toTypeId)
    {
        var list = new List<AssociationDefinition>(HubSpotDefined[(fromTypeId, toTypeId)]);
        foreach (var schema in portal.Schemas.Where(s => !s.Archived))
        {
            foreach (var a in schema.Associations)
            {
                if (!int.TryParse(a.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    continue;
                }

                var name = a.Name ?? $"{a.FromObjectTypeId}_to_{a.ToObjectTypeId}";
                if (a.FromObjectTypeId == fromTypeId && a.ToObjectTypeId == toTypeId)
                {
                    var inverse = fromTypeId == toTypeId ? id : portal.Associations.CustomInverseId(id);
                    list.Add(new AssociationDefinition(fromTypeId, toTypeId, id, AssociationCategory.UserDefined, null, name, inverse) { IsDefault = true });
                }
                else if (a.FromObjectTypeId == toTypeId && a.ToObjectTypeId == fromTypeId)
                {
                    list.Add(new AssociationDefinition(fromTypeId, toTypeId, portal.Associations.CustomInverseId(id), AssociationCategory.UserDefined, null,
                        InverseName(portal, name, a.FromObjectTypeId, a.ToObjectTypeId), id) { IsDefault = true });
                }
            }
        }

        foreach (var label in portal.Associations.Labels)
        {
            if (label.FromTypeId == fromTypeId && label.ToTypeId == toTypeId)
            {
                list.Add(new AssociationDefinition(fromTypeId, toTypeId, label.TypeId, AssociationCategory.UserDefined, label.Label, label.Name, label.InverseTypeId));
            }

            if (label.FromTypeId == toTypeId && label.ToTypeId == fromTypeId && !(fromTypeId == toTypeId && label.TypeId == label.InverseTypeId))
            {
                list.Add(new AssociationDefinition(fromTypeId, toTypeId, label.InverseTypeId, AssociationCategory.UserDefined,
                    label.InverseLabel ?? label.Label, label.Name, label.TypeId));
            }
        }

        list.Sort((a, b) => a.TypeId.CompareTo(b.TypeId));
        return list;
    }

    /// <summary>The plain type of a pair (label null), or null when the two types can't be associated.</summary>
    public static AssociationDefinition? Default(PortalState portal, string fromTypeId, string toTypeId) =>
        For(portal, fromTypeId, toTypeId).Find(d => d.IsDefault);

    /// <summary>Finds a definition by type id among every pair starting at <paramref name="fromTypeId"/> (associations on create name no target type).</summary>
    public static AssociationDefinition? FindFrom(PortalState portal, string fromTypeId, int typeId)
    {
        foreach (var to in portal.Types)
        {
            if (portal.FindType(to.TypeId) is null)
            {
                continue;
            }

            if (For(portal, fromTypeId, to.TypeId).Find(d => d.TypeId == typeId) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string InverseName(PortalState portal, string name, string fromTypeId, string toTypeId)
    {
        // "car_to_contact" read backwards is "contact_to_car".
        var from = portal.FindType(fromTypeId)?.Singular;
        var to = portal.FindType(toTypeId)?.Singular;
        return from is not null && to is not null && name == $"{from}_to_{to}" ? $"{to}_to_{from}" : $"{name}_inverse";
    }
}
