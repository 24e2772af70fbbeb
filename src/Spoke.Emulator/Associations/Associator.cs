using System.Globalization;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Associations;

/// <summary>One association of a record as a reader sees it: the other record and the types between them.</summary>
internal sealed record AssociatedRecord(long ToId, IReadOnlyList<AssociationDefinition> Types);

/// <summary>
/// HubSpot's association rules over <see cref="AssociationStore"/> (docs/hubspot-api.md §3.2): every association is stored both
/// ways; the pair's plain type comes with any other; a new primary company replaces the old one (which keeps its
/// plain association); labelled creates can replace a pair's labels; per-type limits; archived records are hidden;
/// <c>num_associated_*</c> and <c>associatedcompanyid</c> stay true. Callers hold the portal's write scope for writes.
/// </summary>
internal sealed class Associator(PortalState portal)
{
    private const string CompanyTypeId = "0-2";

    private AssociationStore Store => portal.Associations;

    public List<AssociationDefinition> Definitions(ObjectType from, ObjectType to) => AssociationCatalog.For(portal, from.TypeId, to.TypeId);

    /// <summary>The plain type of the pair, or HubSpot's 400 when the two types can't be associated.</summary>
    public AssociationDefinition RequireDefault(ObjectType from, ObjectType to) =>
        AssociationCatalog.Default(portal, from.TypeId, to.TypeId) ?? throw NotAssociable(from, to);

    /// <summary>Resolves an <c>AssociationSpec</c> for the pair; 400 when the id isn't a type of this pair or the category is wrong.</summary>
    public AssociationDefinition RequireType(ObjectType from, ObjectType to, string? category, int typeId, IReadOnlyList<AssociationDefinition>? definitions = null)
    {
        var def = (definitions ?? Definitions(from, to)).FirstOrDefault(d => d.TypeId == typeId);
        if (def is null || !CategoryMatches(def, category))
        {
            throw InvalidType(from, to, category, typeId);
        }

        return def;
    }

    /// <summary>Custom pairs accept either category: whether HubSpot files them as USER_DEFINED or HUBSPOT_DEFINED is UNVERIFIED.</summary>
    public static bool CategoryMatches(AssociationDefinition def, string? category) =>
        category is null || string.Equals(def.Category, category, StringComparison.Ordinal)
        || (def.IsDefault && def.Category == AssociationCategory.UserDefined && category == AssociationCategory.HubSpotDefined);

    public static ApiError InvalidType(ObjectType from, ObjectType to, string? category, int typeId) =>
        ApiError.Validation($"{category ?? "association"} {typeId.ToString(CultureInfo.InvariantCulture)} is not a valid association type between {from.Name} and {to.Name}.",
            context: new Dictionary<string, IReadOnlyList<string>>
            {
                ["associationTypeId"] = [typeId.ToString(CultureInfo.InvariantCulture)],
                ["fromObjectType"] = [from.TypeId],
                ["toObjectType"] = [to.TypeId],
            });

    public static ApiError NotAssociable(ObjectType from, ObjectType to) =>
        ApiError.Validation($"{from.Name} ({from.TypeId}) and {to.Name} ({to.TypeId}) can't be associated: no association type is defined between them.",
            context: new Dictionary<string, IReadOnlyList<string>> { ["fromObjectType"] = [from.TypeId], ["toObjectType"] = [to.TypeId] });

    /// <summary>A live record by id, or null.</summary>
    public CrmRecord? FindLive(ObjectType type, string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? FindLive(type.TypeId, n) : null;

    public CrmRecord? FindLive(string typeId, long id) =>
        portal.Stores.TryGetValue(typeId, out var store) && store.Find(id) is { Archived: false, Deleted: false } r ? r : null;

    /// <summary>A live record or HubSpot's 404.</summary>
    public CrmRecord RequireLive(ObjectType type, string id) =>
        FindLive(type, id) ?? throw new ApiError(404, "OBJECT_NOT_FOUND", $"No {type.Singular} with id {id} exists.") { Context = ApiError.Ctx("id", id) };

    /// <summary>
    /// Adds types to a pair (and their inverses), keeping what the pair already has. The plain type always comes
    /// along; limits are checked before anything changes.
    /// </summary>
    public void Add(ObjectType from, CrmRecord a, ObjectType to, CrmRecord b, IEnumerable<AssociationDefinition> types)
    {
        var wanted = WithDefault(from, to, types);
        var current = Store.Types(from.TypeId, a.Id, to.TypeId, b.Id);
        var added = wanted.Where(d => current is null || !current.ContainsKey(d.TypeId)).ToList();
        CheckLimits(from, a, to, b, added);
        foreach (var d in added.Where(d => d.IsPrimary))
        {
            DropOtherPrimaries(from, a, to, b, d);
        }

        foreach (var d in added)
        {
            Store.Add(from.TypeId, a.Id, to.TypeId, b.Id, d.TypeId, d.Category);
            Store.Add(to.TypeId, b.Id, from.TypeId, a.Id, d.InverseTypeId, d.Category);
        }

        Changed(from, a, to, b);
    }

    /// <summary>Refuses (HubSpot's 400) when <paramref name="target"/> has no room left for a new record of <paramref name="from"/>.</summary>
    public void CheckRoomOn(ObjectType from, ObjectType to, CrmRecord target, IEnumerable<AssociationDefinition> types)
    {
        foreach (var d in WithDefault(from, to, types).Where(d => !d.IsPrimary))
        {
            CheckLimit(to, target, from, d.InverseTypeId, d.Category);
        }
    }

    /// <summary>A labelled create: the pair ends with exactly <paramref name="types"/> (plus the plain type).</summary>
    public void Replace(ObjectType from, CrmRecord a, ObjectType to, CrmRecord b, IEnumerable<AssociationDefinition> types)
    {
        var wanted = WithDefault(from, to, types);
        if (Store.Types(from.TypeId, a.Id, to.TypeId, b.Id) is { } current)
        {
            var keep = wanted.Select(d => d.TypeId).ToHashSet();
            var definitions = Definitions(from, to);
            foreach (var typeId in current.Keys.Where(t => !keep.Contains(t)).ToList())
            {
                RemoveOne(from, a, to, b, typeId, definitions);
            }
        }

        Add(from, a, to, b, wanted);
    }

    /// <summary>Removes every type between two records, both ways. False when they weren't associated.</summary>
    public bool RemovePair(ObjectType from, CrmRecord a, ObjectType to, CrmRecord b)
    {
        var removed = Store.RemoveAll(from.TypeId, a.Id, to.TypeId, b.Id);
        removed |= Store.RemoveAll(to.TypeId, b.Id, from.TypeId, a.Id);
        if (removed)
        {
            Changed(from, a, to, b);
        }

        return removed;
    }

    /// <summary>Removes some types of a pair. Removing the plain type removes them all (docs/hubspot-api.md §3.2).</summary>
    public void RemoveTypes(ObjectType from, CrmRecord a, ObjectType to, CrmRecord b, IReadOnlyCollection<AssociationDefinition> types)
    {
        if (types.Any(d => d.IsDefault))
        {
            RemovePair(from, a, to, b);
            return;
        }

        var definitions = Definitions(from, to);
        foreach (var d in types)
        {
            RemoveOne(from, a, to, b, d.TypeId, definitions);
        }

        Changed(from, a, to, b);
    }

    /// <summary>A record's live associations to one type, in id order, from <paramref name="afterId"/> on.</summary>
    public IEnumerable<AssociatedRecord> Read(ObjectType from, CrmRecord a, ObjectType to, long afterId = long.MinValue)
    {
        if (Store.Targets(from.TypeId, a.Id, to.TypeId) is not { } targets)
        {
            yield break;
        }

        var definitions = Definitions(from, to).ToDictionary(d => d.TypeId);
        foreach (var (toId, types) in targets)
        {
            if (toId < afterId || FindLive(to.TypeId, toId) is null)
            {
                continue;
            }

            var list = types.Keys.Select(t => definitions.GetValueOrDefault(t)).OfType<AssociationDefinition>().ToList();
            if (list.Count > 0)
            {
                yield return new AssociatedRecord(toId, list);
            }
        }
    }

    /// <summary>Ids of the live records of <paramref name="toTypeId"/> associated with a record.</summary>
    public List<long> LiveTargetIds(string fromTypeId, long fromId, string toTypeId, int? typeId = null) =>
        Store.Targets(fromTypeId, fromId, toTypeId) is { } targets
            ? [.. targets.Where(kv => (typeId is null || kv.Value.ContainsKey(typeId.Value)) && FindLive(toTypeId, kv.Key) is not null).Select(kv => kv.Key)]
            : [];

    /// <summary>Keeps counts true when a record is archived, restored or deleted; a GDPR delete drops its associations.</summary>
    internal void OnLivenessChanged(ObjectType type, CrmRecord record)
    {
        List<(string TypeId, long Id)> neighbors;
        if (record.Deleted && record.MergedInto is null)
        {
            // The dropped edges are in the store's pending changes: the write scope commits them.
            neighbors = Store.Forget(type.TypeId, record.Id);
        }
        else
        {
            neighbors = Store.Neighbors(type.TypeId, record.Id);
        }

        foreach (var (otherType, otherId) in neighbors)
        {
            if (portal.Stores.TryGetValue(otherType, out var store) && store.Find(otherId) is { Deleted: false } other)
            {
                Refresh(store, other);
            }
        }
    }

    /// <summary>Recomputes <c>num_associated_{type}</c> and a contact's <c>associatedcompanyid</c> (CALCULATED values).</summary>
    public void Refresh(ObjectStore store, CrmRecord record)
    {
        var type = store.Type;
        if (!portal.Catalogs.TryGetValue(type.TypeId, out var catalog))
        {
            return;
        }

        // A write's timestamp (WriteNow): the demo seed backdates it, fault injection's sameTimestamp pins it.
        var now = portal.WriteNow;
        var changed = false;
        foreach (var name in catalog.Properties.Keys.Where(n => n.StartsWith("num_associated_", StringComparison.Ordinal)))
        {
            if (portal.FindType(name["num_associated_".Length..]) is { } other)
            {
                var count = LiveTargetIds(type.TypeId, record.Id, other.TypeId).Count;
                changed |= SetCalculated(store, record, name, count == 0 && record.Get(name) is null ? "" : count.ToString(CultureInfo.InvariantCulture), now);
            }
        }

        if (type.TypeId == "0-1" && catalog.Properties.ContainsKey("associatedcompanyid"))
        {
            var primary = LiveTargetIds(type.TypeId, record.Id, CompanyTypeId, typeId: 1);
            changed |= SetCalculated(store, record, "associatedcompanyid", primary.Count > 0 ? RecordJson.Id(primary[0]) : "", now);
        }

        if (changed)
        {
            if (portal.Fidelity.AssociationRecalculationTouchesLastModified)
            {
                RecordWriter.Touch(type, store, record, now);
            }

            portal.Touch(store, record);
        }
    }

    private static bool SetCalculated(ObjectStore store, CrmRecord record, string name, string value, DateTimeOffset now)
    {
        if ((record.Get(name) ?? "") == value)
        {
            return false;
        }

        store.Set(record, name, value, now, "CALCULATED");
        return true;
    }

    private List<AssociationDefinition> WithDefault(ObjectType from, ObjectType to, IEnumerable<AssociationDefinition> types)
    {
        var list = types.DistinctBy(d => d.TypeId).ToList();
        if (!list.Exists(d => d.IsDefault))
        {
            list.Insert(0, RequireDefault(from, to));
        }

        return list;
    }

    private void RemoveOne(ObjectType from, CrmRecord a, ObjectType to, CrmRecord b, int typeId, List<AssociationDefinition> definitions)
    {
        var inverse = definitions.Find(d => d.TypeId == typeId)?.InverseTypeId;
        Store.Remove(from.TypeId, a.Id, to.TypeId, b.Id, typeId);
        if (inverse is { } i)
        {
            Store.Remove(to.TypeId, b.Id, from.TypeId, a.Id, i);
        }
    }

    /// <summary>
    /// A contact, deal or ticket has one primary company: the new primary takes the label from the old one,
    /// which stays associated without it.
    /// </summary>
    private void DropOtherPrimaries(ObjectType from, CrmRecord a, ObjectType to, CrmRecord b, AssociationDefinition primary)
    {
        var (ownerType, owner, company, ownerPrimaryId, companyPrimaryId) = to.TypeId == CompanyTypeId
            ? (from.TypeId, a, b, primary.TypeId, primary.InverseTypeId)
            : (to.TypeId, b, a, primary.InverseTypeId, primary.TypeId);
        if (Store.Targets(ownerType, owner.Id, CompanyTypeId) is not { } companies)
        {
            return;
        }

        foreach (var (companyId, _) in companies.Where(kv => kv.Key != company.Id && kv.Value.ContainsKey(ownerPrimaryId)).ToList())
        {
            Store.Remove(ownerType, owner.Id, CompanyTypeId, companyId, ownerPrimaryId);
            Store.Remove(CompanyTypeId, companyId, ownerType, owner.Id, companyPrimaryId);
        }
    }

    private void CheckLimits(ObjectType from, CrmRecord a, ObjectType to, CrmRecord b, List<AssociationDefinition> added)
    {
        foreach (var d in added.Where(d => !d.IsPrimary))
        {
            CheckLimit(from, a, to, d.TypeId, d.Category);
            CheckLimit(to, b, from, d.InverseTypeId, d.Category);
        }
    }

    private void CheckLimit(ObjectType from, CrmRecord record, ObjectType to, int typeId, string category)
    {
        var configured = Store.Limits.Find(l => l.FromTypeId == from.TypeId && l.ToTypeId == to.TypeId && l.TypeId == typeId);
        var max = configured?.MaxToObjectIds ?? portal.Fidelity.AssociationMaxPerRecordPerType;
        var count = LiveTargetIds(from.TypeId, record.Id, to.TypeId, typeId).Count;
        if (count + 1 > max)
        {
            var id = typeId.ToString(CultureInfo.InvariantCulture);
            throw new ApiError(400, "VALIDATION_ERROR",
                $"{from.Singular} {RecordJson.Id(record.Id)} already has {count.ToString(CultureInfo.InvariantCulture)} {to.Name} associated with type {category} {id}; the limit is {max.ToString(CultureInfo.InvariantCulture)} (userEnforcedMaxToObjectIds).")
            {
                SubCategory = "crm.associations.TOO_MANY_ASSOCIATIONS",
                Context = new Dictionary<string, IReadOnlyList<string>>
                {
                    ["fromObjectId"] = [RecordJson.Id(record.Id)],
                    ["associationTypeId"] = [id],
                    ["limit"] = [max.ToString(CultureInfo.InvariantCulture)],
                },
            };
        }
    }

    private void Changed(ObjectType from, CrmRecord a, ObjectType to, CrmRecord b)
    {
        Refresh(portal.Store(from), a);
        Refresh(portal.Store(to), b);
    }
}
