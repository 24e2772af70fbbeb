using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Merge;

/// <summary>
/// A merged-away record keeps its id as an alias of the record that absorbed it (HubSpot answers a merged contact id
/// with the surviving contact). <see cref="FidelityOptions.MergedIdsResolveToSurvivor"/> turns this off.
/// </summary>
internal static class MergedIds
{
    /// <summary>The record itself, or for a merged-away record the final survivor of its merges (null when gone).</summary>
    public static CrmRecord? Resolve(PortalState portal, ObjectStore store, CrmRecord? record)
    {
        if (record is not { Deleted: true, MergedInto: not null } || !portal.Fidelity.MergedIdsResolveToSurvivor)
        {
            return record;
        }

        return FinalSurvivor(store, record);
    }

    /// <summary>Follows <see cref="CrmRecord.MergedInto"/> to the record that absorbed this one in the end (null when
    /// that one was GDPR-deleted since).</summary>
    public static CrmRecord? FinalSurvivor(ObjectStore store, CrmRecord record)
    {
        var current = record;
        // Merges form chains, never cycles (a merge needs a live target); the bound only guards corrupt data.
        for (var hops = 0; current is { MergedInto: { } next } && hops < 1_000; hops++)
        {
            current = store.Find(next);
        }

        return current is { Deleted: false } ? current : null;
    }

    /// <summary>The ids a <c>;</c>-separated id list property holds (<c>hs_merged_object_ids</c>, <c>hs_all_contact_vids</c>).</summary>
    public static List<string> Split(string? value) =>
        value is null ? [] : [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Joins id lists, first occurrence kept, in order.</summary>
    public static string Join(params IEnumerable<string>[] parts) =>
        string.Join(';', parts.SelectMany(p => p).Distinct(StringComparer.Ordinal));
}
