using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Associations;

/// <summary>Association lookups for other features (search's <c>associations.{type}</c> filter).</summary>
internal static class AssociationIndex
{
    /// <summary>
    /// Ids (ascending) of the live records of <paramref name="searchedType"/> associated with record
    /// <paramref name="otherId"/> of <paramref name="otherType"/>; empty when that record is archived or missing.
    /// Any association type counts. The caller holds the portal lock (<c>portal.Read()</c>).
    /// </summary>
    public static IReadOnlyList<long> RecordsAssociatedWith(PortalState portal, ObjectType searchedType, ObjectType otherType, long otherId)
    {
        var associator = new Associator(portal);
        return associator.FindLive(otherType.TypeId, otherId) is null
            ? []
            : associator.LiveTargetIds(otherType.TypeId, otherId, searchedType.TypeId);
    }
}
