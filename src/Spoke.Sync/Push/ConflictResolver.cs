using System.Data.Common;
using Dapper;
using Spoke.Crm;
using Spoke.Sync.Store;

namespace Spoke.Sync.Push;

/// <summary>What one batch reconciles remote writes with: the policies, HubSpot's per-property times read beforehand, and the pusher's own changes.</summary>
internal sealed class ConflictContext
{
    public ConflictContext(SyncConflictPolicies? policies) => Policies = policies ?? new SyncConflictPolicies();

    public SyncConflictPolicies Policies { get; }

    /// <summary>HubSpot's time of the current value of (record id, property), from <c>propertiesWithHistory</c>.</summary>
    public Dictionary<(string Type, string Id, string Property), DateTimeOffset> RemoteTimes { get; } = [];

    /// <summary>
    /// True for the pusher's write-back: a conflict it meets keeps the local value and is left for the next sync pass,
    /// which decides it with the configured policies.
    /// </summary>
    public bool Defer { get; set; }

    /// <summary>Changes the writer settles itself (the pusher writing back HubSpot's answer to them).</summary>
    public HashSet<long> Ignored { get; } = [];
}

/// <summary>
/// Reconciles values read from HubSpot with pending local changes before they are written to the mirror. Per property p
/// with a pending local value L, last agreed value B (the <c>base</c> of p's earliest pending change) and incoming value
/// R: R = B keeps L (HubSpot did not change p); R = L settles p (both agree); otherwise it is a conflict, decided by the
/// policy of (type, p) and recorded in <c>sync_conflicts</c>. Archives and merges in HubSpot supersede the pending
/// changes of the records gone; a pending local delete keeps remote versions of its record out of the mirror.
/// </summary>
internal static class ConflictResolver
{
    private const int Chunk = 500;
    private const int HistoryChunk = 50;

    /// <summary>
    /// Before the write transaction opens: reads HubSpot's per-property times of the properties that will conflict and
    /// whose policy compares times. Nothing is read when there is nothing pending for these records.
    /// </summary>
    public static async Task<ConflictContext> PrepareAsync(ISyncStore store, CrmObjectsClient records, long portalId, string objectType,
        IReadOnlyList<SyncRecord> incoming, SyncConflictPolicies? policies, CancellationToken cancellationToken, ConflictContext? into = null)
    {
        var context = into ?? new ConflictContext(policies);
        if (store is not SqlSyncStore sql || !sql.TracksConflicts || context.Policies.RemoteTime != SyncConflictTimeSource.PropertyHistory || incoming.Count == 0)
        {
            return context;
        }

        var byId = new Dictionary<string, SyncRecord>(StringComparer.Ordinal);
        foreach (var record in incoming)
        {
            byId[record.Id] = record;
        }

        List<PendingChange> pending;
        await using (var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false))
        {
            pending = await LoadAsync(sql, connection, null, portalId, objectType, [.. byId.Keys], context, cancellationToken).ConfigureAwait(false);
        }

        var wanted = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var group in pending.Where(c => c.Kind == "update").GroupBy(c => c.RecordId, StringComparer.Ordinal))
        {
            var record = byId[group.Key];
            foreach (var (property, local, known, agreed, _, _) in Properties([.. group]))
            {
                if (!record.Properties.TryGetValue(property, out var remote) || Same(remote, local) || !known || Same(remote, agreed))
                {
                    continue;
                }

                var policy = context.Policies.For(objectType, property);
                if (policy == SyncConflictPolicy.LastWriterWins || (policy == SyncConflictPolicy.PreferNonEmpty && !Empty(remote) && !Empty(local)))
                {
                    (wanted.TryGetValue(group.Key, out var set) ? set : wanted[group.Key] = new HashSet<string>(StringComparer.Ordinal)).Add(property);
                }
            }
        }

        if (wanted.Count == 0)
        {
            return context;
        }

        var names = wanted.Values.SelectMany(s => s).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var chunk in wanted.Keys.Chunk(HistoryChunk))
        {
            var read = await records.BatchReadAsync(chunk, new CrmReadOptions { Properties = names, PropertiesWithHistory = names }, cancellationToken).ConfigureAwait(false);
            foreach (var record in read.Values)
            {
                if (!wanted.TryGetValue(record.Id, out var properties))
                {
                    continue;
                }

                foreach (var property in properties)
                {
                    if (!record.PropertiesWithHistory.TryGetValue(property, out var history) || history.Count == 0)
                    {
                        continue;
                    }

                    // The time the value we are about to compare was set (history can be newer when HubSpot changed it again since).
                    var value = byId[record.Id].Properties.GetValueOrDefault(property);
                    var matching = history.Where(v => Same(v.Value, value)).ToList();
                    context.RemoteTimes[(objectType, record.Id, property)] = (matching.Count > 0 ? matching : history).Max(v => v.Timestamp);
                }
            }
        }

        return context;
    }

    /// <summary>Makes <paramref name="batch"/> (when it is a SQL mirror's) reconcile with <paramref name="context"/>.</summary>
    public static void Use(ISyncBatch batch, ConflictContext context)
    {
        if (batch is SqlSyncBatch sql)
        {
            sql.Conflicts = context;
        }
    }

    /// <summary>
    /// Inside the write transaction: adjusts <paramref name="latest"/> (records to write, by id) to the pending local
    /// changes, updates those changes and records conflicts.
    /// </summary>
    public static async Task ReconcileAsync(SqlSyncStore store, DbConnection connection, DbTransaction transaction, long portalId, string objectType,
        Dictionary<string, SyncRecord> latest, ConflictContext context, CancellationToken cancellationToken)
    {
        var pending = await LoadAsync(store, connection, transaction, portalId, objectType, [.. latest.Keys], context, cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return;
        }

        var open = await OpenConflictsAsync(store, connection, transaction, portalId, objectType, [.. pending.Select(c => c.RecordId).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        var now = store.Time.GetUtcNow();
        var conflicts = new List<ConflictWrite>();
        var added = new List<PendingChange>();
        foreach (var group in pending.GroupBy(c => c.RecordId, StringComparer.Ordinal))
        {
            var id = group.Key;
            // A record deleted locally and not pushed yet: HubSpot's version must not bring the row back.
            if (group.Any(c => c.Kind == "delete" && c.State == "pending"))
            {
                latest.Remove(id);
                continue;
            }

            var incoming = latest[id];
            var properties = new Dictionary<string, string?>(incoming.Properties, StringComparer.Ordinal);
            var updates = group.Where(c => c.Kind == "update").ToList();
            PendingChange? held = updates.FirstOrDefault(c => c.State == "held");
            foreach (var (property, local, known, agreed, with, localAt) in Properties(updates))
            {
                if (!incoming.Properties.TryGetValue(property, out var remote))
                {
                    // HubSpot did not send p (not among the properties read): the local value stays.
                    properties[property] = local;
                    continue;
                }

                if (Same(remote, local))
                {
                    Drop(with, property, "pushed", "HubSpot already had this value");
                    if (open.Remove((id, property), out var agreedId))
                    {
                        conflicts.Add(ConflictWrite.Close(agreedId, "agreed", remote, now));
                    }

                    continue;
                }

                // Not a remote change, so the local value stays: no base (a change captured before conflicts were tracked),
                // HubSpot still at the agreed value, or HubSpot holding one of our own earlier local values (a push whose
                // answer was lost, sent again later: our echo, however recent HubSpot's timestamp for it).
                if (!known || Same(remote, agreed) || with.Take(with.Count - 1).Any(c => Same(remote, c.Changes[property])))
                {
                    properties[property] = local;
                    continue;
                }

                if (context.Defer)
                {
                    properties[property] = local;
                    continue;
                }

                var policy = context.Policies.For(objectType, property);
                DateTimeOffset? remoteAt = context.RemoteTimes.TryGetValue((objectType, id, property), out var at) ? at : incoming.UpdatedAt;
                var decision = Decide(policy, local, localAt, remote, remoteAt);
                var name = SyncConflictPolicies.NameOf(policy);
                switch (decision)
                {
                    case Decision.Local:
                        properties[property] = local;
                        // HubSpot's value has been seen and lost: it is the value the push now replaces, so a later pass reading it again is no new conflict.
                        with[0].Base![property] = remote;
                        with[0].Dirty = true;
                        conflicts.Add(ConflictWrite.Decided(id, property, agreed, local, localAt, remote, remoteAt, name, "local", now));
                        break;
                    case Decision.Remote:
                        Drop(with, property, "superseded", $"HubSpot's value won a conflict ({name})");
                        if (open.Remove((id, property), out var closedId))
                        {
                            conflicts.Add(ConflictWrite.Close(closedId, "hubspot", remote, now));
                        }

                        conflicts.Add(ConflictWrite.Decided(id, property, agreed, local, localAt, remote, remoteAt, name, "hubspot", now));
                        break;
                    default:
                        properties[property] = local;
                        if (held is null)
                        {
                            held = new PendingChange { RecordId = id, Kind = "update", State = "held", CapturedAt = localAt, Base = new(StringComparer.Ordinal), Dirty = true };
                            added.Add(held);
                        }

                        // The held change carries p alone; the pusher only sends pending ones.
                        held.Changes[property] = local;
                        held.Base!.TryAdd(property, agreed);
                        held.Dirty = true;
                        Drop([.. with.Where(c => !ReferenceEquals(c, held))], property, "superseded", "held for a manual conflict (spoke sync conflicts)");
                        if (open.TryGetValue((id, property), out var openId))
                        {
                            conflicts.Add(ConflictWrite.Refresh(openId, local, localAt, remote, remoteAt));
                        }
                        else
                        {
                            conflicts.Add(ConflictWrite.Opened(id, property, agreed, local, localAt, remote, remoteAt, name, now));
                            open[(id, property)] = -1;
                        }

                        break;
                }
            }

            latest[id] = incoming with { Properties = properties };
        }

        await SaveAsync(store, connection, transaction, portalId, objectType, pending.Concat(added), now, cancellationToken).ConfigureAwait(false);
        await WriteConflictsAsync(store, connection, transaction, portalId, objectType, conflicts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records gone from HubSpot (archived, or merged into another): their pending changes are never pushed.</summary>
    public static async Task SupersedeGoneAsync(SqlSyncStore store, DbConnection connection, DbTransaction transaction, long portalId, string objectType,
        IReadOnlyList<string> ids, string updateReason, string deleteReason, ConflictContext? context, CancellationToken cancellationToken)
    {
        var pending = await LoadAsync(store, connection, transaction, portalId, objectType, ids, context, cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return;
        }

        var now = store.Time.GetUtcNow();
        foreach (var change in pending)
        {
            change.Dirty = true;
            change.Changes.Clear();
            // A local delete of a record HubSpot archived already is done: nothing is sent.
            (change.State, change.Reason) = change.Kind == "delete" ? ("pushed", deleteReason) : ("superseded", updateReason);
            change.Emptied = true;
        }

        await SaveAsync(store, connection, transaction, portalId, objectType, pending, now, cancellationToken).ConfigureAwait(false);
        var open = await OpenConflictsAsync(store, connection, transaction, portalId, objectType, [.. pending.Select(c => c.RecordId).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        await WriteConflictsAsync(store, connection, transaction, portalId, objectType, [.. open.Values.Select(id => ConflictWrite.Close(id, "gone", null, now))], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The pending changes the pusher may send: a change of a property an open manual conflict holds waits (stays
    /// pending) until the conflict is resolved, so a local edit made meanwhile does not settle it behind its back.
    /// </summary>
    public static async Task<IReadOnlyList<SyncChange>> WithoutHeldAsync(SqlSyncStore store, DbConnection connection, long portalId, IReadOnlyList<SyncChange> pending, CancellationToken cancellationToken)
    {
        if (!store.TracksConflicts || pending.Count == 0)
        {
            return pending;
        }

        var rows = await connection.QueryAsync<(string Type, string RecordId, string? Changes)>(new CommandDefinition(
            "SELECT object_type, record_id, changes FROM sync_outbox WHERE portal_id = @portalId AND state = 'held'", new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var held = new HashSet<(string, string, string)>();
        foreach (var row in rows)
        {
            foreach (var property in row.Changes is null ? Enumerable.Empty<string>() : PropertyJson.Read(row.Changes).Keys)
            {
                held.Add((row.Type, row.RecordId, property));
            }
        }

        return held.Count == 0 ? pending : [.. pending.Where(c => !c.Properties.Keys.Any(p => held.Contains((c.ObjectType, c.RecordId, p))))];
    }

    internal static bool Same(string? a, string? b) => string.Equals(a ?? "", b ?? "", StringComparison.Ordinal);

    private static bool Empty(string? value) => string.IsNullOrEmpty(value);

    private enum Decision
    {
        Local,
        Remote,
        Hold,
    }

    private static Decision Decide(SyncConflictPolicy policy, string? local, DateTimeOffset localAt, string? remote, DateTimeOffset? remoteAt)
    {
        switch (policy)
        {
            case SyncConflictPolicy.HubSpotWins:
                return Decision.Remote;
            case SyncConflictPolicy.LocalWins:
                return Decision.Local;
            case SyncConflictPolicy.Manual:
                return Decision.Hold;
            case SyncConflictPolicy.PreferNonEmpty when Empty(local) != Empty(remote):
                return Empty(remote) ? Decision.Local : Decision.Remote;
            default:
                // Newer wins; a tie (or no time known from HubSpot) goes to HubSpot.
                return remoteAt is { } r && localAt > r ? Decision.Local : Decision.Remote;
        }
    }

    // Per property with a pending change: its local value (latest change), whether a base is known, the agreed value
    // (earliest change's base), the changes holding it (in order), and when the local value was captured.
    private static IEnumerable<(string Property, string? Local, bool Known, string? Agreed, List<PendingChange> With, DateTimeOffset LocalAt)> Properties(List<PendingChange> updates)
    {
        foreach (var property in updates.SelectMany(c => c.Changes.Keys).Distinct(StringComparer.Ordinal).ToList())
        {
            var with = updates.Where(c => c.Changes.ContainsKey(property)).ToList();
            var first = with[0];
            var last = with[^1];
            string? agreed = null;
            var known = first.Base is not null && first.Base.TryGetValue(property, out agreed);
            yield return (property, last.Changes[property], known, agreed, with, last.CapturedAt);
        }
    }

    private static void Drop(List<PendingChange> changes, string property, string state, string reason)
    {
        foreach (var change in changes)
        {
            change.Changes.Remove(property);
            change.Base?.Remove(property);
            change.Dirty = true;
            if (change.Changes.Count == 0 && !change.Emptied)
            {
                change.Emptied = true;
                change.State = state;
                change.Reason = reason;
            }
        }
    }

    private static async Task<List<PendingChange>> LoadAsync(SqlSyncStore store, DbConnection connection, DbTransaction? transaction, long portalId, string objectType,
        IReadOnlyList<string> ids, ConflictContext? context, CancellationToken cancellationToken)
    {
        var result = new List<PendingChange>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var parameters = new DynamicParameters(new { portal = portalId, type = objectType });
            var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition($"""
                SELECT change_id AS ChangeId, record_id AS RecordId, kind AS Kind, changes AS Changes, base AS Base, captured_at AS CapturedAt, state AS State
                FROM sync_outbox WHERE portal_id = @portal AND object_type = @type AND state IN ('pending', 'held') AND kind IN ('update', 'delete')
                AND {store.IdIn("record_id", chunk, parameters)} ORDER BY change_id
                """, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            result.AddRange(rows.Where(r => context is null || !context.Ignored.Contains(r.ChangeId)).Select(r => new PendingChange
            {
                ChangeId = r.ChangeId,
                RecordId = r.RecordId,
                Kind = r.Kind,
                State = r.State,
                Changes = r.Changes is null ? new(StringComparer.Ordinal) : PropertyJson.Read(r.Changes),
                Base = r.Base is null ? null : PropertyJson.Read(r.Base),
                CapturedAt = SqlSyncStore.ReadTime(r.CapturedAt) ?? default,
            }));
        }

        return [.. result.OrderBy(c => c.ChangeId)];
    }

    private static async Task<Dictionary<(string Id, string Property), long>> OpenConflictsAsync(SqlSyncStore store, DbConnection connection, DbTransaction transaction,
        long portalId, string objectType, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var open = new Dictionary<(string, string), long>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var parameters = new DynamicParameters(new { portal = portalId, type = objectType });
            var rows = await connection.QueryAsync<(long Id, string RecordId, string Property)>(new CommandDefinition(
                $"SELECT conflict_id, record_id, property FROM sync_conflicts WHERE portal_id = @portal AND object_type = @type AND outcome = 'open' AND {store.IdIn("record_id", chunk, parameters)}",
                parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var row in rows)
            {
                open[(row.RecordId, row.Property)] = row.Id;
            }
        }

        return open;
    }

    private static async Task SaveAsync(SqlSyncStore store, DbConnection connection, DbTransaction transaction, long portalId, string objectType,
        IEnumerable<PendingChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = store.TimeValue(now);
        foreach (var change in changes.Where(c => c.Dirty))
        {
            var args = new
            {
                id = change.ChangeId,
                portal = portalId,
                type = objectType,
                record = change.RecordId,
                changes = change.Kind == "delete" ? null : PropertyJson.Write(change.Changes),
                @base = change.Base is null ? null : PropertyJson.Write(change.Base),
                state = change.State,
                reason = change.Reason,
                at,
                captured = store.TimeValue(change.CapturedAt),
            };
            var sql = change.ChangeId == 0
                ? $"INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes, base, captured_at, state) VALUES (@portal, @type, @record, 'update', @changes, @base, {store.Cast("@captured", ColumnKind.Time)}, @state)"
                : change.Emptied
                    ? $"UPDATE sync_outbox SET changes = @changes, base = @base, state = @state, reason = @reason, pushed_at = {store.Cast("@at", ColumnKind.Time)} WHERE change_id = @id"
                    : "UPDATE sync_outbox SET changes = @changes, base = @base WHERE change_id = @id";
            await connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static async Task WriteConflictsAsync(SqlSyncStore store, DbConnection connection, DbTransaction transaction, long portalId, string objectType,
        IReadOnlyList<ConflictWrite> conflicts, CancellationToken cancellationToken)
    {
        var time = store.Cast("@opened", ColumnKind.Time);
        foreach (var c in conflicts)
        {
            var args = new
            {
                id = c.ConflictId,
                portal = portalId,
                type = objectType,
                record = c.RecordId,
                property = c.Property,
                @base = c.Base,
                local = c.Local,
                localAt = store.TimeValue(c.LocalAt),
                remote = c.Remote,
                remoteAt = store.TimeValue(c.RemoteAt),
                policy = c.Policy,
                outcome = c.Outcome,
                opened = store.TimeValue(c.At),
            };
            var sql = c.Kind switch
            {
                ConflictWriteKind.Insert => $"""
                    INSERT INTO sync_conflicts (portal_id, object_type, record_id, property, base, local_value, local_at, remote_value, remote_at, policy, outcome, opened_at, resolved_at)
                    VALUES (@portal, @type, @record, @property, @base, @local, {store.Cast("@localAt", ColumnKind.Time)}, @remote, {store.Cast("@remoteAt", ColumnKind.Time)}, @policy, @outcome, {time},
                        {(c.Outcome == "open" ? "NULL" : time)})
                    """,
                ConflictWriteKind.Refresh =>
                    $"UPDATE sync_conflicts SET local_value = @local, local_at = {store.Cast("@localAt", ColumnKind.Time)}, remote_value = @remote, remote_at = {store.Cast("@remoteAt", ColumnKind.Time)} WHERE conflict_id = @id",
                _ => $"UPDATE sync_conflicts SET outcome = @outcome, resolved_at = {time} WHERE conflict_id = @id AND outcome = 'open'",
            };
            await connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private enum ConflictWriteKind
    {
        Insert,
        Refresh,
        Close,
    }

    private sealed record ConflictWrite(ConflictWriteKind Kind, long ConflictId, string? RecordId, string? Property, string? Base, string? Local, DateTimeOffset? LocalAt,
        string? Remote, DateTimeOffset? RemoteAt, string? Policy, string Outcome, DateTimeOffset At)
    {
        public static ConflictWrite Decided(string id, string property, string? @base, string? local, DateTimeOffset localAt, string? remote, DateTimeOffset? remoteAt, string policy, string outcome, DateTimeOffset at) =>
            new(ConflictWriteKind.Insert, 0, id, property, @base, local, localAt, remote, remoteAt, policy, outcome, at);

        public static ConflictWrite Opened(string id, string property, string? @base, string? local, DateTimeOffset localAt, string? remote, DateTimeOffset? remoteAt, string policy, DateTimeOffset at) =>
            new(ConflictWriteKind.Insert, 0, id, property, @base, local, localAt, remote, remoteAt, policy, "open", at);

        public static ConflictWrite Refresh(long conflictId, string? local, DateTimeOffset localAt, string? remote, DateTimeOffset? remoteAt) =>
            new(ConflictWriteKind.Refresh, conflictId, null, null, null, local, localAt, remote, remoteAt, null, "open", default);

        public static ConflictWrite Close(long conflictId, string outcome, string? remote, DateTimeOffset at) =>
            new(ConflictWriteKind.Close, conflictId, null, null, null, null, null, remote, null, null, outcome, at);
    }

    private sealed class PendingChange
    {
        public long ChangeId { get; init; }

        public string RecordId { get; init; } = "";

        public string Kind { get; init; } = "";

        public string State { get; set; } = "";

        public string? Reason { get; set; }

        public Dictionary<string, string?> Changes { get; init; } = new(StringComparer.Ordinal);

        public Dictionary<string, string?>? Base { get; init; }

        public DateTimeOffset CapturedAt { get; init; }

        public bool Dirty { get; set; }

        public bool Emptied { get; set; }
    }

    private sealed class OutboxRow
    {
        public long ChangeId { get; set; }

        public string RecordId { get; set; } = "";

        public string Kind { get; set; } = "";

        public string? Changes { get; set; }

        public string? Base { get; set; }

        public object? CapturedAt { get; set; }

        public string State { get; set; } = "";
    }
}
