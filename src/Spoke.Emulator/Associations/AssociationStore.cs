using System.Text.Json;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Associations;

/// <summary>One stored direction of an association: what persistence writes and reads back.</summary>
internal sealed record AssociationEdge(string FromTypeId, long FromId, string ToTypeId, long ToId, string Category, int TypeId);

/// <summary>A direction added or removed since the last commit (<see cref="AssociationStore.PendingChanges"/>).</summary>
internal readonly record struct AssociationChange(AssociationEdge Edge, bool Added);

/// <summary>
/// A USER_DEFINED label between two object types (v4 labels API). <see cref="TypeId"/> serves from → to and
/// <see cref="InverseTypeId"/> to → from; a same-type label without an inverse label uses one id both ways.
/// </summary>
internal sealed class AssociationLabel
{
    public required string FromTypeId { get; init; }
    public required string ToTypeId { get; init; }
    public required int TypeId { get; init; }
    public required int InverseTypeId { get; init; }
    public required string Name { get; init; }
    public required string Label { get; set; }
    /// <summary>The label seen from the other side; null means the same label both ways.</summary>
    public string? InverseLabel { get; set; }
}

/// <summary>A per-type limit set through the definitions/configurations API (<c>userEnforcedMaxToObjectIds</c>).</summary>
internal sealed class AssociationLimit
{
    public required string FromTypeId { get; init; }
    public required string ToTypeId { get; init; }
    public required string Category { get; init; }
    public required int TypeId { get; init; }
    public int MaxToObjectIds { get; set; }
}

/// <summary>
/// The portal's associations: directed edges (both directions of every association are stored), user-defined
/// labels, custom-pair inverse ids and per-type limits. Plain data and simple shapes so persistence can save it: the
/// small parts with the portal's metadata (<see cref="Labels"/>, <see cref="Limits"/>, <see cref="CustomInverseIds"/>,
/// <see cref="NextTypeId"/>), the edges row by row from <see cref="PendingChanges"/> (there can be millions, so a write
/// commits only what it changed) and back through <see cref="Restore"/>. Not thread-safe: callers hold the portal lock.
/// The rules (defaults, primary, limits, counts) live in <see cref="Associator"/>.
/// </summary>
internal sealed class AssociationStore : PortalFeature, IJournaledRows
{
    /// <summary>
    /// First id of the portal-wide counter for USER_DEFINED labels and custom-pair inverse ids. The schemas API
    /// numbers custom association definitions from 1001 upward, so this range stays clear of them.
    /// </summary>
    public const int FirstUserTypeId = 10_001;

    private readonly PortalState _portal;
    // (type, id) -> other type -> other id (ordered, for paging) -> type id -> category
    private readonly Dictionary<(string Type, long Id), Dictionary<string, SortedDictionary<long, SortedDictionary<int, string>>>> _out = [];
    // Net change per direction since the last commit; only kept while a journal is attached.
    private readonly Dictionary<(string FromType, long FromId, string ToType, long ToId, int TypeId), AssociationChange> _changes = [];

    private AssociationTable? _table;

    public AssociationStore(PortalState portal)
    {
        _portal = portal;
        portal.StoreAdded += Attach;
    }

    public override string Name => "associations";

    public JournalTable Table => _table ??= new AssociationTable(this);

    public override void Reset(DateTimeOffset now)
    {
        _out.Clear();
        _changes.Clear();
        Labels.Clear();
        Limits.Clear();
        CustomInverseIds.Clear();
        NextTypeId = FirstUserTypeId;
    }

    public override void Save(Utf8JsonWriter writer) => Write(writer, "associations", new AssociationsDocument
    {
        Labels = [.. Labels],
        Limits = [.. Limits],
        CustomInverseIds = new Dictionary<int, int>(CustomInverseIds),
        NextTypeId = NextTypeId,
    }, PersistenceJsonContext.Default.AssociationsDocument);

    public override void Load(JsonElement document)
    {
        if (!TryRead(document, "associations", PersistenceJsonContext.Default.AssociationsDocument, out var saved))
        {
            return;
        }

        Labels.Clear();
        Labels.AddRange(saved.Labels);
        Limits.Clear();
        Limits.AddRange(saved.Limits);
        CustomInverseIds.Clear();
        foreach (var (schemaId, inverse) in saved.CustomInverseIds)
        {
            CustomInverseIds[schemaId] = inverse;
        }

        NextTypeId = Math.Max(NextTypeId, saved.NextTypeId);
    }

    public List<AssociationLabel> Labels { get; } = [];
    public List<AssociationLimit> Limits { get; } = [];

    /// <summary>Schema association id (the custom pair's forward type id) → the id of the opposite direction.</summary>
    public Dictionary<int, int> CustomInverseIds { get; } = [];

    public int NextTypeId { get; set; } = FirstUserTypeId;

    /// <summary>Whether edge changes are collected for the journal (set while one is attached).</summary>
    public bool TracksChanges { get; set; }

    /// <summary>Directions added or removed since the last commit, one entry per direction (the latest change wins).</summary>
    public IReadOnlyCollection<AssociationChange> PendingChanges => _changes.Values;

    public bool HasPendingChanges => _changes.Count > 0;

    /// <summary>Forgets the pending changes once the write scope has committed them.</summary>
    public void AcceptChanges() => _changes.Clear();

    /// <summary>Every stored direction of every association.</summary>
    public IEnumerable<AssociationEdge> Edges()
    {
        foreach (var ((fromType, fromId), byType) in _out)
        {
            foreach (var (toType, targets) in byType)
            {
                foreach (var (toId, types) in targets)
                {
                    foreach (var (typeId, category) in types)
                    {
                        yield return new AssociationEdge(fromType, fromId, toType, toId, category, typeId);
                    }
                }
            }
        }
    }

    /// <summary>Re-adds one stored direction (persistence); no rules run.</summary>
    public void Restore(AssociationEdge edge) => Add(edge.FromTypeId, edge.FromId, edge.ToTypeId, edge.ToId, edge.TypeId, edge.Category);

    public int Count => _out.Values.Sum(t => t.Values.Sum(x => x.Values.Sum(y => y.Count)));

    /// <summary>Adds one direction; false when it was already there.</summary>
    public bool Add(string fromType, long fromId, string toType, long toId, int typeId, string category)
    {
        if (!_out.TryGetValue((fromType, fromId), out var byType))
        {
            _out[(fromType, fromId)] = byType = new(StringComparer.Ordinal);
        }

        if (!byType.TryGetValue(toType, out var targets))
        {
            byType[toType] = targets = [];
        }

        if (!targets.TryGetValue(toId, out var types))
        {
            targets[toId] = types = [];
        }

        if (!types.TryAdd(typeId, category))
        {
            return false;
        }

        Track(fromType, fromId, toType, toId, typeId, category, added: true);
        return true;
    }

    /// <summary>Removes one type of one direction; drops the pair when no type is left.</summary>
    public bool Remove(string fromType, long fromId, string toType, long toId, int typeId)
    {
        if (Targets(fromType, fromId, toType) is not { } targets || !targets.TryGetValue(toId, out var types) || !types.Remove(typeId, out var category))
        {
            return false;
        }

        Track(fromType, fromId, toType, toId, typeId, category, added: false);

        if (types.Count == 0)
        {
            targets.Remove(toId);
        }

        return true;
    }

    /// <summary>Removes every type of one direction.</summary>
    public bool RemoveAll(string fromType, long fromId, string toType, long toId)
    {
        if (Targets(fromType, fromId, toType) is not { } targets || !targets.Remove(toId, out var types))
        {
            return false;
        }

        foreach (var (typeId, category) in types)
        {
            Track(fromType, fromId, toType, toId, typeId, category, added: false);
        }

        return true;
    }

    /// <summary>The types stored from one record to another (one direction), or null.</summary>
    public IReadOnlyDictionary<int, string>? Types(string fromType, long fromId, string toType, long toId) =>
        Targets(fromType, fromId, toType) is { } targets && targets.TryGetValue(toId, out var types) ? types : null;

    /// <summary>A record's targets of one type, in id order (archived ones included: callers filter).</summary>
    public SortedDictionary<long, SortedDictionary<int, string>>? Targets(string fromType, long fromId, string toType) =>
        _out.TryGetValue((fromType, fromId), out var byType) && byType.TryGetValue(toType, out var targets) ? targets : null;

    /// <summary>Every record this one is associated with, whatever the type.</summary>
    public List<(string TypeId, long Id)> Neighbors(string fromType, long fromId) =>
        _out.TryGetValue((fromType, fromId), out var byType)
            ? [.. byType.SelectMany(kv => kv.Value.Keys.Select(id => (kv.Key, id)))]
            : [];

    /// <summary>Drops every association of a record, both directions (GDPR delete).</summary>
    public List<(string TypeId, long Id)> Forget(string type, long id)
    {
        var neighbors = Neighbors(type, id);
        foreach (var (otherType, otherId) in neighbors)
        {
            RemoveAll(otherType, otherId, type, id);
        }

        if (_out.Remove((type, id), out var byType))
        {
            foreach (var (toType, targets) in byType)
            {
                foreach (var (toId, types) in targets)
                {
                    foreach (var (typeId, category) in types)
                    {
                        Track(type, id, toType, toId, typeId, category, added: false);
                    }
                }
            }
        }

        return neighbors;
    }

    /// <summary>Drops one type id between two object types everywhere (a deleted label); returns the records touched.</summary>
    public List<(string TypeId, long Id)> RemoveTypeEverywhere(string fromType, string toType, int typeId)
    {
        var touched = new List<(string, long)>();
        foreach (var ((type, id), byType) in _out)
        {
            if (type != fromType || !byType.TryGetValue(toType, out var targets))
            {
                continue;
            }

            foreach (var toId in targets.Where(kv => kv.Value.ContainsKey(typeId)).Select(kv => kv.Key).ToList())
            {
                Remove(type, id, toType, toId, typeId);
                touched.Add((type, id));
                touched.Add((toType, toId));
            }
        }

        return touched;
    }

    /// <summary>The id of the to → from direction of a custom pair whose from → to id the schemas API assigned.</summary>
    public int CustomInverseId(int schemaAssociationId)
    {
        if (!CustomInverseIds.TryGetValue(schemaAssociationId, out var inverse))
        {
            inverse = AllocateTypeId();
            CustomInverseIds[schemaAssociationId] = inverse;
        }

        return inverse;
    }

    /// <summary>Next id from the portal-wide counter, skipping any id a schema association already holds.</summary>
    public int AllocateTypeId()
    {
        var taken = _portal.Schemas.SelectMany(s => s.Associations)
            .Select(a => int.TryParse(a.Id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0)
            .ToHashSet();
        while (taken.Contains(NextTypeId))
        {
            NextTypeId++;
        }

        MarkDirty();
        return NextTypeId++;
    }

    private void Track(string fromType, long fromId, string toType, long toId, int typeId, string category, bool added)
    {
        _portal.Webhooks.OnAssociationChanged(fromType, fromId, toType, toId, typeId, added);
        if (TracksChanges)
        {
            _changes[(fromType, fromId, toType, toId, typeId)] = new AssociationChange(new AssociationEdge(fromType, fromId, toType, toId, category, typeId), added);
        }
    }

    private void Attach(ObjectStore store)
    {
        store.LivenessChanged += record => new Associator(_portal).OnLivenessChanged(store.Type, record);
    }
}
