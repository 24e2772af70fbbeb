using Spoke.Emulator.Associations;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Merge;

/// <summary>
/// Merges one record into another of the same type (docs/hubspot-api.md §3.1): the primary's values win, values only the merged
/// record has move over, each property's history is the two chains interleaved by time, associations, static list
/// memberships and timeline events move to the survivor, and <c>hs_merged_object_ids</c> (contacts also
/// <c>hs_all_contact_vids</c> and <c>hs_additional_emails</c>) record what was absorbed. The merged record stays
/// stored, marked merged, so its id keeps answering for the survivor (<see cref="MergedIds"/>).
/// Callers hold the portal's write scope.
/// </summary>
internal sealed class RecordMerger(PortalState portal)
{
    public const string MergedIdsProperty = "hs_merged_object_ids";
    private const string ContactTypeId = "0-1";
    private const string CompanyTypeId = "0-2";

    // Values HubSpot keeps per record or calculates: never copied from the merged record.
    private static readonly HashSet<string> SystemProperties = new(StringComparer.Ordinal)
    {
        "hs_object_id", "createdate", "hs_createdate", "lastmodifieddate", "hs_lastmodifieddate", MergedIdsProperty,
        "hs_all_contact_vids", ContactEmailAliases.Property, "hs_object_source", "hs_object_source_label", "hs_ticket_id",
        "associatedcompanyid",
    };

    /// <summary>Merges <paramref name="merged"/> into <paramref name="survivor"/>; both are live records of <paramref name="type"/>.</summary>
    public void Merge(ObjectType type, CrmRecord survivor, CrmRecord merged)
    {
        if (survivor.Id == merged.Id)
        {
            throw ApiError.Validation($"{type.Singular} {RecordJson.Id(survivor.Id)} can't be merged into itself.");
        }

        var store = portal.Store(type);
        var now = portal.WriteNow;
        // Leaving the live set first releases the merged record's unique values (email, hasUniqueValue properties)
        // so the survivor can take over the ones it lacks; the record keeps its values and history.
        store.Delete(merged, mergedInto: survivor.Id);
        var moved = MoveProperties(type, store, survivor, merged, now);
        RecordAbsorbedIds(type, store, survivor, merged, now);
        RecordWriter.Touch(type, store, survivor, now);
        MoveAssociations(type, survivor, merged);
        MoveListMemberships(type, survivor, merged, now);
        MoveTimelineEvents(type, survivor, merged);
        portal.Touch(store, merged);
        portal.Touch(store, survivor);
        // Static lists' definitions changed with the moved memberships (their join sequence).
        portal.Lists.MarkDirty();
        portal.Webhooks.OnMerged(type, survivor, merged, moved);
    }

    /// <summary>Returns how many values moved to the survivor (the webhook's <c>numberOfPropertiesMoved</c>).</summary>
    private static int MoveProperties(ObjectType type, ObjectStore store, CrmRecord survivor, CrmRecord merged, DateTimeOffset now)
    {
        var moved = 0;
        foreach (var (name, mergedValue) in merged.Properties.ToList())
        {
            if (SystemProperties.Contains(name) || name.StartsWith("num_associated_", StringComparison.Ordinal))
            {
                continue;
            }

            survivor.Properties.TryGetValue(name, out var primaryValue);
            var primaryHas = primaryValue is { Value.Length: > 0 };
            if (!primaryHas && mergedValue.Value.Length > 0)
            {
                // The survivor takes a value it lacks through the store, so indexes and events see it.
                store.Set(survivor, name, mergedValue.Value, mergedValue.Timestamp, mergedValue.SourceType, mergedValue.SourceId);
                moved++;
                primaryValue = survivor.Properties[name];
                survivor.Properties[name] = Interleave(primaryValue, primaryValue.Previous, mergedValue.Previous);
            }
            else if (primaryValue is not null)
            {
                survivor.Properties[name] = Interleave(primaryValue, primaryValue.Previous, mergedValue);
            }
        }

        if (type.TypeId == ContactTypeId)
        {
            // The survivor keeps its email; the merged record's emails become additional emails (unique across contacts).
            var own = survivor.Get("email");
            var additional = ContactEmailAliases.Split(survivor.Get(ContactEmailAliases.Property))
                .Concat(ContactEmailAliases.AllEmails(merged))
                .Where(e => own is null || ObjectStore.UniqueKey(e) != ObjectStore.UniqueKey(own))
                .DistinctBy(ObjectStore.UniqueKey)
                .ToList();
            if (additional.Count > 0)
            {
                store.Set(survivor, ContactEmailAliases.Property, string.Join(';', additional), now, "CALCULATED");
            }
        }

        return moved;
    }

    /// <summary>A history chain headed by <paramref name="head"/>, followed by every other version of both chains, newest first.</summary>
    private static PropertyValue Interleave(PropertyValue head, PropertyValue? primaryRest, PropertyValue? mergedChain)
    {
        var rest = new List<PropertyValue>();
        for (var v = primaryRest; v is not null; v = v.Previous)
        {
            rest.Add(v);
        }

        for (var v = mergedChain; v is not null; v = v.Previous)
        {
            rest.Add(v);
        }

        if (rest.Count == 0)
        {
            return head;
        }

        // Stable: on equal timestamps the primary's version comes first.
        PropertyValue? chain = null;
        foreach (var v in rest.OrderByDescending(v => v.Timestamp).Reverse())
        {
            chain = new PropertyValue(v.Value, v.Timestamp, v.SourceType, v.SourceId, chain);
        }

        return new PropertyValue(head.Value, head.Timestamp, head.SourceType, head.SourceId, chain);
    }

    private static void RecordAbsorbedIds(ObjectType type, ObjectStore store, CrmRecord survivor, CrmRecord merged, DateTimeOffset now)
    {
        // Every id the survivor now stands for, including the ones the merged record had absorbed earlier.
        var ids = MergedIds.Join(MergedIds.Split(survivor.Get(MergedIdsProperty)), [RecordJson.Id(merged.Id)], MergedIds.Split(merged.Get(MergedIdsProperty)));
        store.Set(survivor, MergedIdsProperty, ids, now, "CALCULATED");
        if (type.TypeId == ContactTypeId)
        {
            var vids = MergedIds.Join(MergedIds.Split(survivor.Get("hs_all_contact_vids")), MergedIds.Split(merged.Get("hs_all_contact_vids")),
                [RecordJson.Id(merged.Id)]);
            store.Set(survivor, "hs_all_contact_vids", vids, now, "CALCULATED");
        }
    }

    /// <summary>
    /// Every association of the merged record moves to the survivor with its types (labels included), both
    /// directions; a pair the survivor already has gains the types. One exception: when both had a primary company,
    /// the survivor's stays primary and the other company stays associated without the primary label.
    /// Associations between the two records themselves disappear.
    /// </summary>
    private void MoveAssociations(ObjectType type, CrmRecord survivor, CrmRecord merged)
    {
        var edges = portal.Associations;
        var touched = new List<(string TypeId, long Id)>();
        foreach (var (otherType, otherId) in edges.Neighbors(type.TypeId, merged.Id))
        {
            var forward = edges.Types(type.TypeId, merged.Id, otherType, otherId)?.ToList() ?? [];
            var backward = edges.Types(otherType, otherId, type.TypeId, merged.Id)?.ToList() ?? [];
            edges.RemoveAll(type.TypeId, merged.Id, otherType, otherId);
            edges.RemoveAll(otherType, otherId, type.TypeId, merged.Id);
            touched.Add((otherType, otherId));
            if (otherType == type.TypeId && (otherId == survivor.Id || otherId == merged.Id))
            {
                continue;
            }

            var skip = ConflictingPrimaries(type, survivor, otherType, otherId, forward.Select(f => f.Key));
            foreach (var (typeId, category) in forward.Where(f => !skip.Forward.Contains(f.Key)))
            {
                edges.Add(type.TypeId, survivor.Id, otherType, otherId, typeId, category);
            }

            foreach (var (typeId, category) in backward.Where(b => !skip.Inverse.Contains(b.Key)))
            {
                edges.Add(otherType, otherId, type.TypeId, survivor.Id, typeId, category);
            }
        }

        var associator = new Associator(portal);
        associator.Refresh(portal.Store(type), survivor);
        foreach (var (otherType, otherId) in touched.Distinct())
        {
            if (portal.Stores.TryGetValue(otherType, out var store) && store.Find(otherId) is { Deleted: false } other)
            {
                associator.Refresh(store, other);
            }
        }
    }

    /// <summary>The primary types (and their inverses) not to move because the survivor already has another primary company.</summary>
    private (HashSet<int> Forward, HashSet<int> Inverse) ConflictingPrimaries(ObjectType type, CrmRecord survivor, string otherType, long otherId,
        IEnumerable<int> forwardTypeIds)
    {
        var forward = new HashSet<int>();
        var inverse = new HashSet<int>();
        if (otherType != CompanyTypeId || type.TypeId == CompanyTypeId)
        {
            return (forward, inverse);
        }

        var definitions = AssociationCatalog.For(portal, type.TypeId, otherType).Where(d => d.IsPrimary).ToDictionary(d => d.TypeId);
        var companies = portal.Associations.Targets(type.TypeId, survivor.Id, otherType);
        foreach (var typeId in forwardTypeIds)
        {
            if (definitions.TryGetValue(typeId, out var primary) && companies is not null &&
                companies.Any(kv => kv.Key != otherId && kv.Value.ContainsKey(typeId)))
            {
                forward.Add(typeId);
                inverse.Add(primary.InverseTypeId);
            }
        }

        return (forward, inverse);
    }

    /// <summary>Static (manual and snapshot) lists swap the merged record for the survivor; dynamic lists re-evaluate on their own.</summary>
    private void MoveListMemberships(ObjectType type, CrmRecord survivor, CrmRecord merged, DateTimeOffset now)
    {
        foreach (var list in portal.Lists.All.Where(l => !l.Deleted && !l.IsDynamic && l.ObjectTypeId == type.TypeId))
        {
            if (list.Leave(merged.Id))
            {
                list.Join(survivor.Id, now);
            }
        }
    }

    private void MoveTimelineEvents(ObjectType type, CrmRecord survivor, CrmRecord merged)
    {
        foreach (var e in portal.Timeline.Events.Where(e => e.ObjectId == merged.Id))
        {
            if (portal.Timeline.FindTemplate(e.EventTemplateId)?.ObjectTypeId == type.TypeId)
            {
                e.ObjectId = survivor.Id;
                portal.Timeline.Changed(e);
            }
        }
    }
}
