using System.Globalization;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Merge;

namespace Spoke.Emulator.Objects;

/// <summary>
/// The records of one object type: id order for paging, an id index, unique-value indexes, and a change hook
/// that secondary indexes (search) listen to. Not thread-safe: callers hold the portal lock.
/// </summary>
internal sealed class ObjectStore
{
    private readonly List<CrmRecord> _ordered = [];
    private readonly Dictionary<long, CrmRecord> _byId = [];
    // property -> normalized value -> record id, for properties whose values must be unique (contact email,
    // hasUniqueValue). Only live (non-archived, non-deleted) records hold a value.
    private readonly Dictionary<string, Dictionary<string, long>> _unique = new(StringComparer.Ordinal);

    private readonly FidelityOptions _fidelity;

    public ObjectStore(ObjectType type, FidelityOptions? fidelity = null)
    {
        Type = type;
        NextId = type.FirstId;
        _fidelity = fidelity ?? new FidelityOptions();
    }

    public ObjectType Type { get; }
    public long NextId { get; set; }

    /// <summary>Raised after any property value changes: record, property, old value, new value (null when unset).</summary>
    public event Action<CrmRecord, string, string?, string?>? PropertyChanged;

    /// <summary>Raised when a record enters or leaves the live set (archive, restore, delete).</summary>
    public event Action<CrmRecord>? LivenessChanged;

    /// <summary>Raised after a record joins the store (create, or restore from storage through <see cref="Add"/>).</summary>
    public event Action<CrmRecord>? RecordAdded;

    /// <summary>Increases on every change; lets caches know they are stale.</summary>
    public long Version { get; private set; }

    public int Count => _byId.Count;

    public int LiveCount { get; private set; }

    public CrmRecord? Find(long id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// The record a request's <paramref name="id"/> names: by id, or by the unique <paramref name="idProperty"/>. A
    /// merged-away id answers for the record that absorbed it and a contact's additional email for its contact (Merge
    /// feature), unless <paramref name="followMerged"/> is false. Null when there is none in the asked-for state.
    /// </summary>
    public CrmRecord? Lookup(string id, string? idProperty, bool archived, bool followMerged = true)
    {
        CrmRecord? record;
        if (string.IsNullOrEmpty(idProperty) || idProperty == "hs_object_id")
        {
            record = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Find(n) : null;
            if (followMerged && record is { Deleted: true, MergedInto: not null } && _fidelity.MergedIdsResolveToSurvivor)
            {
                record = MergedIds.FinalSurvivor(this, record);
            }
        }
        else
        {
            if (!IsUnique(idProperty))
            {
                throw ApiError.Validation(
                    $"Property \"{idProperty}\" can't be used as idProperty for {Type.Name}: use hs_object_id{(Type.TypeId == "0-1" ? ", email" : "")} or a property with hasUniqueValue=true.",
                    context: ApiError.Ctx("idProperty", idProperty));
            }

            record = archived
                ? All().FirstOrDefault(r => r.Archived && string.Equals(r.Get(idProperty), id, StringComparison.OrdinalIgnoreCase))
                : FindByUnique(idProperty, id);
            if (record is null && followMerged && !archived && Type.TypeId == "0-1" && idProperty == "email")
            {
                record = ContactEmailAliases.FindHolder(this, id);
            }
        }

        return record is null || record.Deleted || record.Archived != archived ? null : record;
    }

    /// <summary>HubSpot's 404 for a record id that names nothing.</summary>
    public static ApiError NotFound(string id) =>
        new(404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.") { Context = ApiError.Ctx("id", id) };

    /// <summary>Records in id order after <paramref name="afterId"/>, deleted ones skipped.</summary>
    public IEnumerable<CrmRecord> After(long afterId)
    {
        var start = LowerBound(afterId + 1);
        for (var i = start; i < _ordered.Count; i++)
        {
            var r = _ordered[i];
            if (!r.Deleted)
            {
                yield return r;
            }
        }
    }

    public IEnumerable<CrmRecord> All() => After(long.MinValue + 1);

    public CrmRecord Create(DateTimeOffset now, long? id = null)
    {
        var record = new CrmRecord(id ?? NextId++) { CreatedAt = now, UpdatedAt = now };
        if (record.Id >= NextId)
        {
            NextId = record.Id + 1;
        }

        Add(record);
        return record;
    }

    /// <summary>Adds a record restored from storage (ids ascending).</summary>
    public void Add(CrmRecord record)
    {
        if (_ordered.Count > 0 && _ordered[^1].Id > record.Id)
        {
            _ordered.Insert(LowerBound(record.Id), record);
        }
        else
        {
            _ordered.Add(record);
        }

        _byId[record.Id] = record;
        if (!record.Archived && !record.Deleted)
        {
            LiveCount++;
        }

        foreach (var (name, index) in _unique)
        {
            if (!record.Archived && !record.Deleted && record.Get(name) is { } v)
            {
                index[UniqueKey(v)] = record.Id;
            }
        }

        Version++;
        RecordAdded?.Invoke(record);
    }

    /// <summary>Sets (or with <c>""</c> clears) a value, chaining history and keeping indexes true.</summary>
    public void Set(CrmRecord record, string name, string value, DateTimeOffset at, string sourceType = "API", string? sourceId = null, bool keepHistory = true)
    {
        record.Properties.TryGetValue(name, out var previous);
        var old = previous is { Value.Length: > 0 } ? previous.Value : null;
        if (previous is not null && previous.Value == value && keepHistory)
        {
            return;
        }

        record.Properties[name] = new PropertyValue(value, at, sourceType, sourceId, keepHistory ? previous : null);
        var now = value.Length > 0 ? value : null;
        if (old != now)
        {
            if (_unique.TryGetValue(name, out var index) && !record.Archived && !record.Deleted)
            {
                if (old is not null && index.TryGetValue(UniqueKey(old), out var holder) && holder == record.Id)
                {
                    index.Remove(UniqueKey(old));
                }

                if (now is not null)
                {
                    index[UniqueKey(now)] = record.Id;
                }
            }

            Version++;
            PropertyChanged?.Invoke(record, name, old, now);
        }
    }

    public void SetArchived(CrmRecord record, bool archived, DateTimeOffset at)
    {
        if (record.Archived == archived)
        {
            return;
        }

        if (archived)
        {
            ReleaseUnique(record);
            LiveCount--;
        }

        record.Archived = archived;
        record.ArchivedAt = archived ? at : null;
        if (!archived)
        {
            ClaimUnique(record);
            LiveCount++;
        }

        Version++;
        LivenessChanged?.Invoke(record);
    }

    /// <summary>
    /// Permanently removes a record (GDPR delete) or marks it merged away. A merged-away record can still be
    /// removed for good (a GDPR delete of the record that absorbed it).
    /// </summary>
    public void Delete(CrmRecord record, long? mergedInto = null)
    {
        var purgeMerged = record is { Deleted: true, MergedInto: not null } && mergedInto is null;
        if (record.Deleted && !purgeMerged)
        {
            return;
        }

        if (!record.Deleted && !record.Archived)
        {
            ReleaseUnique(record);
            LiveCount--;
        }

        record.Deleted = true;
        record.MergedInto = mergedInto;
        if (mergedInto is null)
        {
            // A GDPR delete leaves nothing behind.
            record.Properties.Clear();
            _byId.Remove(record.Id);
            _ordered.RemoveAt(LowerBound(record.Id));
        }

        Version++;
        LivenessChanged?.Invoke(record);
    }

    /// <summary>Starts enforcing unique values for <paramref name="name"/>; false when existing records already collide.</summary>
    public bool AddUniqueIndex(string name, out long[] collision)
    {
        var index = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in _ordered)
        {
            if (r.Archived || r.Deleted || r.Get(name) is not { } v)
            {
                continue;
            }

            if (index.TryGetValue(UniqueKey(v), out var other))
            {
                collision = [other, r.Id];
                return false;
            }

            index[UniqueKey(v)] = r.Id;
        }

        _unique[name] = index;
        collision = [];
        return true;
    }

    public void RemoveUniqueIndex(string name) => _unique.Remove(name);

    public bool IsUnique(string name) => _unique.ContainsKey(name);

    /// <summary>The live record holding <paramref name="value"/> of a unique property, if any.</summary>
    public CrmRecord? FindByUnique(string name, string value) =>
        _unique.TryGetValue(name, out var index) && index.TryGetValue(UniqueKey(value), out var id) ? _byId[id] : null;

    /// <summary>Unique values compare case-insensitively (contact email is; we apply it to all unique values).</summary>
    public static string UniqueKey(string value) => value.Trim().ToLowerInvariant();

    private void ReleaseUnique(CrmRecord record)
    {
        foreach (var (name, index) in _unique)
        {
            if (record.Get(name) is { } v && index.TryGetValue(UniqueKey(v), out var holder) && holder == record.Id)
            {
                index.Remove(UniqueKey(v));
            }
        }
    }

    private void ClaimUnique(CrmRecord record)
    {
        foreach (var (name, index) in _unique)
        {
            if (record.Get(name) is { } v)
            {
                index.TryAdd(UniqueKey(v), record.Id);
            }
        }
    }

    private int LowerBound(long id)
    {
        int lo = 0, hi = _ordered.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ordered[mid].Id < id)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
