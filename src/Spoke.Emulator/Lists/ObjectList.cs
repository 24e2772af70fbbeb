namespace Spoke.Emulator.Lists;

/// <summary>The processing types of a list (docs/hubspot-api.md §3.7).</summary>
internal static class ListProcessingTypes
{
    public const string Manual = "MANUAL";
    public const string Dynamic = "DYNAMIC";
    public const string Snapshot = "SNAPSHOT";

    public static readonly IReadOnlyList<string> All = [Manual, Dynamic, Snapshot];
}

/// <summary>
/// One CRM list (HubSpot's <c>PublicObjectList</c>). Plain, serializable state: the filter branch is kept as the JSON
/// text the caller sent; the compiled filter and the evaluation cache are derived and rebuilt on demand.
/// </summary>
internal sealed class ObjectList
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string ObjectTypeId { get; set; } = "";
    public string ProcessingType { get; set; } = ListProcessingTypes.Manual;
    public int Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FiltersUpdatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>The <c>filterBranch</c> as JSON text (DYNAMIC, and SNAPSHOT lists created with filters).</summary>
    public string? FilterBranchJson { get; set; }

    /// <summary>Every record that ever joined, by record id; <see cref="ListMembership.IsMember"/> says who is in now.</summary>
    public Dictionary<long, ListMembership> Memberships { get; } = [];

    /// <summary>Next join sequence: orders <c>memberships/join-order</c>.</summary>
    public long NextJoinSequence { get; set; } = 1;

    public bool Deleted => DeletedAt is not null;

    public bool IsDynamic => ProcessingType == ListProcessingTypes.Dynamic;

    // Derived state, never persisted: the compiled filter and what it was last evaluated against.
    internal FilterBranch? CompiledFilter { get; set; }
    internal object? EvaluatedStore { get; set; }
    internal long EvaluatedStoreVersion { get; set; } = -1;
    internal int EvaluatedListVersion { get; set; } = -1;

    /// <summary>Called with a record id whenever its membership changes (the owning <see cref="ListStore"/> collects them for the journal).</summary>
    internal Action<ObjectList, long>? MembershipChanged { get; set; }

    /// <summary>Adds (or re-adds) a record; false when it already is a member.</summary>
    public bool Join(long recordId, DateTimeOffset at)
    {
        if (Memberships.TryGetValue(recordId, out var existing))
        {
            if (existing.IsMember)
            {
                return false;
            }

            existing.IsMember = true;
            existing.LastAddedAt = at;
            existing.JoinSequence = NextJoinSequence++;
            MembershipChanged?.Invoke(this, recordId);
            return true;
        }

        Memberships[recordId] = new ListMembership
        {
            RecordId = recordId, FirstAddedAt = at, LastAddedAt = at, JoinSequence = NextJoinSequence++, IsMember = true,
        };
        MembershipChanged?.Invoke(this, recordId);
        return true;
    }

    /// <summary>Erases a record's membership and its history (a GDPR delete); false when there was none.</summary>
    public bool Forget(long recordId)
    {
        if (!Memberships.Remove(recordId))
        {
            return false;
        }

        MembershipChanged?.Invoke(this, recordId);
        return true;
    }

    /// <summary>Removes a record; false when it was not a member.</summary>
    public bool Leave(long recordId)
    {
        if (!Memberships.TryGetValue(recordId, out var existing) || !existing.IsMember)
        {
            return false;
        }

        existing.IsMember = false;
        MembershipChanged?.Invoke(this, recordId);
        return true;
    }
}

/// <summary>A record's membership of one list. Kept after the record leaves so <c>firstAddedTimestamp</c> survives re-joins.</summary>
internal sealed class ListMembership
{
    public long RecordId { get; set; }
    public DateTimeOffset FirstAddedAt { get; set; }
    public DateTimeOffset LastAddedAt { get; set; }
    public long JoinSequence { get; set; }
    public bool IsMember { get; set; }
}
