using System.Text.Json;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Lists;

/// <summary>
/// The portal's lists by id. Callers hold the portal lock. <see cref="All"/> and <see cref="Add"/> let persistence
/// save and re-load list definitions; memberships (possibly many) are saved row by row from
/// <see cref="PendingMemberships"/>. A DYNAMIC list's memberships are derived from live records whenever it is read.
/// </summary>
internal sealed class ListStore : PortalFeature, IJournaledRows
{
    private readonly SortedDictionary<long, ObjectList> _lists = [];
    // (list, record) pairs whose membership changed since the last commit; only kept while a journal is attached.
    private readonly HashSet<(long ListId, long RecordId)> _changedMemberships = [];

    private ListMembershipTable? _table;

    public override string Name => "lists";

    public JournalTable Table => _table ??= new ListMembershipTable(this);

    /// <summary>Next list id (HubSpot's ILS ids are small numbers, serialized as strings).</summary>
    public long NextListId { get; set; } = 1;

    /// <summary>Every list, deleted ones included, in id order.</summary>
    public IEnumerable<ObjectList> All => _lists.Values;

    /// <summary>Whether membership changes are collected for the journal (set while one is attached).</summary>
    public bool TracksChanges { get; set; }

    /// <summary>(list id, record id) of every membership that changed since the last commit: its current state is what to save.</summary>
    public IReadOnlyCollection<(long ListId, long RecordId)> PendingMemberships => _changedMemberships;

    public bool HasPendingChanges => _changedMemberships.Count > 0;

    /// <summary>Forgets the pending changes once the write scope has committed them.</summary>
    public void AcceptChanges() => _changedMemberships.Clear();

    public ObjectList? Find(long id) => _lists.GetValueOrDefault(id);

    /// <summary>The live list named <paramref name="name"/> (case-insensitively) for an object type.</summary>
    public ObjectList? FindByName(string objectTypeId, string name) =>
        _lists.Values.FirstOrDefault(l => !l.Deleted && l.ObjectTypeId == objectTypeId &&
                                          string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds a list (new, or re-loaded from storage).</summary>
    public void Add(ObjectList list)
    {
        MarkDirty();
        list.MembershipChanged = OnMembershipChanged;
        _lists[list.Id] = list;
        if (list.Id >= NextListId)
        {
            NextListId = list.Id + 1;
        }
    }

    /// <summary>Call after changing a list's definition in place: stamps <see cref="ObjectList.UpdatedAt"/> and saves it.</summary>
    public void Changed(ObjectList list, DateTimeOffset now)
    {
        list.UpdatedAt = now;
        MarkDirty();
    }

    public void Clear()
    {
        _lists.Clear();
        _changedMemberships.Clear();
        NextListId = 1;
    }

    public override void Reset(DateTimeOffset now) => Clear();

    public override void Save(Utf8JsonWriter writer) =>
        Write(writer, "lists", new ListsDocument { Lists = [.. All], NextListId = NextListId }, PersistenceJsonContext.Default.ListsDocument);

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "lists", PersistenceJsonContext.Default.ListsDocument, out var saved))
        {
            Clear();
            foreach (var list in saved.Lists)
            {
                Add(list);
            }

            NextListId = Math.Max(NextListId, saved.NextListId);
        }
    }

    private void OnMembershipChanged(ObjectList list, long recordId)
    {
        if (TracksChanges)
        {
            _changedMemberships.Add((list.Id, recordId));
        }
    }

    /// <summary>The live records of the list's object type, or null when the type no longer exists.</summary>
    public static ObjectStore? StoreOf(PortalState portal, ObjectList list) =>
        portal.FindType(list.ObjectTypeId) is { } type ? portal.Store(type) : null;

    /// <summary>
    /// Brings a DYNAMIC list's memberships up to date with current record values: matching live records join
    /// (keeping their first join time), others leave. Re-evaluates only when records, filters or (for relative
    /// time filters) the clock may have changed.
    /// </summary>
    public static void Refresh(PortalState portal, ObjectList list)
    {
        if (!list.IsDynamic || list.Deleted)
        {
            return;
        }

        var store = StoreOf(portal, list);
        if (store is null)
        {
            return;
        }

        var filter = Compile(portal, list);
        var relativeTime = filter?.UsesRelativeTime ?? false;
        if (!relativeTime && ReferenceEquals(list.EvaluatedStore, store) && list.EvaluatedStoreVersion == store.Version &&
            list.EvaluatedListVersion == list.Version)
        {
            return;
        }

        Evaluate(portal, list, store, filter);
        list.EvaluatedStore = store;
        list.EvaluatedStoreVersion = store.Version;
        list.EvaluatedListVersion = list.Version;
    }

    /// <summary>Adds every live record the list's filter matches (SNAPSHOT creation) and, for dynamic lists, drops the rest.</summary>
    public static void Evaluate(PortalState portal, ObjectList list, ObjectStore store, FilterBranch? filter)
    {
        var now = portal.Now;
        var matched = new HashSet<long>();
        if (filter is not null)
        {
            foreach (var record in store.All())
            {
                if (!record.Archived && filter.Matches(record, now))
                {
                    matched.Add(record.Id);
                    list.Join(record.Id, now);
                }
            }
        }

        if (list.IsDynamic)
        {
            foreach (var m in list.Memberships.Values.Where(m => m.IsMember && !matched.Contains(m.RecordId)).ToList())
            {
                list.Leave(m.RecordId);
            }
        }
    }

    /// <summary>The list's compiled filter; a stored filter that no longer compiles (its property was deleted) matches nothing.</summary>
    public static FilterBranch? Compile(PortalState portal, ObjectList list)
    {
        if (list.CompiledFilter is not null || list.FilterBranchJson is null)
        {
            return list.CompiledFilter;
        }

        if (portal.FindType(list.ObjectTypeId) is not { } type)
        {
            return null;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(list.FilterBranchJson);
            list.CompiledFilter = ListFilters.Parse(doc.RootElement, portal.Catalog(type));
        }
        catch (Errors.ApiError)
        {
            list.CompiledFilter = FilterBranch.MatchNothing;
        }

        return list.CompiledFilter;
    }

    /// <summary>The current members that are live records, in record id order.</summary>
    public static List<ListMembership> CurrentMembers(PortalState portal, ObjectList list)
    {
        Refresh(portal, list);
        var store = StoreOf(portal, list);
        if (store is null)
        {
            return [];
        }

        return [.. list.Memberships.Values
            .Where(m => m.IsMember && store.Find(m.RecordId) is { Archived: false, Deleted: false })
            .OrderBy(m => m.RecordId)];
    }
}
