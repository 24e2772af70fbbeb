using System.Data.Common;
using Dapper;
using Spoke.Sync.Store;

namespace Spoke.Sync.Push;

/// <summary>How a conflict ended.</summary>
public enum SyncConflictOutcome
{
    /// <summary>Waiting for someone to resolve it (policy manual); the local value is held, not pushed.</summary>
    Open,

    /// <summary>The local value won: it stays in the mirror and is pushed.</summary>
    LocalWon,

    /// <summary>HubSpot's value won: it is in the mirror and the local change of the property was dropped.</summary>
    HubSpotWon,

    /// <summary>Resolved with a value given by hand: written to the mirror and pushed.</summary>
    ValueGiven,

    /// <summary>Both sides came to the same value before anyone resolved it.</summary>
    Agreed,

    /// <summary>The record was archived or merged away in HubSpot.</summary>
    Gone,
}

/// <summary>Which side a manual resolution takes.</summary>
public enum SyncConflictResolution
{
    /// <summary>Push the local value.</summary>
    Local,

    /// <summary>Keep HubSpot's value: it is written to the mirror and the local change is dropped.</summary>
    HubSpot,
}

/// <summary>One conflict (a row of <c>sync_conflicts</c>): a property changed both locally and in HubSpot, to different values.</summary>
/// <param name="ConflictId">Its number.</param>
/// <param name="ObjectType">The record's object type.</param>
/// <param name="RecordId">The record's id.</param>
/// <param name="Property">The property.</param>
/// <param name="BaseValue">The last value both sides agreed on.</param>
/// <param name="LocalValue">The local value.</param>
/// <param name="LocalAt">When the local value was captured.</param>
/// <param name="RemoteValue">HubSpot's value.</param>
/// <param name="RemoteAt">When HubSpot's value was set (the property's history, else the record's updatedAt).</param>
/// <param name="Policy">The policy that decided it (<see cref="SyncConflictPolicies.Names"/>).</param>
/// <param name="Outcome">How it ended, or <see cref="SyncConflictOutcome.Open"/>.</param>
/// <param name="OpenedAt">When it was found.</param>
/// <param name="ResolvedAt">When it was decided (at once for every policy but manual).</param>
public sealed record SyncConflict(
    long ConflictId,
    string ObjectType,
    string RecordId,
    string Property,
    string? BaseValue,
    string? LocalValue,
    DateTimeOffset? LocalAt,
    string? RemoteValue,
    DateTimeOffset? RemoteAt,
    string Policy,
    SyncConflictOutcome Outcome,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt);

/// <summary>
/// The conflicts a sync found between pending local changes and HubSpot (<c>sync_conflicts</c>): every one, decided by
/// its policy at once, is kept as an audit trail; those of policy manual stay open (their local value held, not pushed)
/// until resolved here.
/// </summary>
public static class SyncConflicts
{
    /// <summary>The portal's conflicts, oldest first: only open ones unless <paramref name="includeDecided"/>.</summary>
    public static async Task<IReadOnlyList<SyncConflict>> ListAsync(ISyncStore store, long portalId, bool includeDecided = false, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sql = Sql(store);
        await using var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, portalId, includeDecided ? "" : "AND outcome = 'open'", null, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many of the portal's conflicts are open.</summary>
    public static async Task<long> CountOpenAsync(ISyncStore store, long portalId, CancellationToken cancellationToken = default)
    {
        var sql = Sql(store);
        if (!sql.TracksConflicts)
        {
            return 0;
        }

        await using var connection = await sql.OpenForQueriesAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sync_conflicts WHERE portal_id = @portalId AND outcome = 'open'", new { portalId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves an open conflict: <see cref="SyncConflictResolution.Local"/> releases the held local value (the next
    /// push sends it); <see cref="SyncConflictResolution.HubSpot"/> writes HubSpot's value to the mirror (not captured)
    /// and drops the local change.
    /// </summary>
    /// <exception cref="InvalidOperationException">No open conflict has that id in this portal.</exception>
    public static Task<SyncConflict> ResolveAsync(ISyncStore store, long portalId, long conflictId, SyncConflictResolution take, CancellationToken cancellationToken = default) =>
        ResolveOneAsync(store, portalId, conflictId, take, null, cancellationToken);

    /// <summary>Resolves an open conflict with <paramref name="value"/>: written to the mirror and pushed by the next push.</summary>
    /// <exception cref="InvalidOperationException">No open conflict has that id in this portal.</exception>
    public static Task<SyncConflict> ResolveWithValueAsync(ISyncStore store, long portalId, long conflictId, string? value, CancellationToken cancellationToken = default) =>
        ResolveOneAsync(store, portalId, conflictId, null, value, cancellationToken);

    /// <summary>Resolves every open conflict of the portal the same way; returns how many.</summary>
    public static async Task<int> ResolveAllAsync(ISyncStore store, long portalId, SyncConflictResolution take, CancellationToken cancellationToken = default)
    {
        var resolved = 0;
        while (true)
        {
            var open = await ListAsync(store, portalId, false, 500, cancellationToken).ConfigureAwait(false);
            if (open.Count == 0)
            {
                return resolved;
            }

            foreach (var conflict in open)
            {
                await ResolveAsync(store, portalId, conflict.ConflictId, take, cancellationToken).ConfigureAwait(false);
                resolved++;
            }
        }
    }

    private static async Task<SyncConflict> ResolveOneAsync(ISyncStore store, long portalId, long conflictId, SyncConflictResolution? take, string? value, CancellationToken cancellationToken)
    {
        var sql = Sql(store);
        await using var batch = (SqlSyncBatch)await sql.BeginAsync(portalId, cancellationToken).ConfigureAwait(false);
        var found = await QueryAsync(batch.Connection, batch.Transaction, portalId, "AND outcome = 'open' AND conflict_id = @id", conflictId, 1, cancellationToken).ConfigureAwait(false);
        var conflict = found.Count == 1 ? found[0]
            : throw new InvalidOperationException($"No open conflict {conflictId} in portal {portalId}: list the open ones with `spoke sync conflicts` (SyncConflicts.ListAsync).");
        var now = sql.Time.GetUtcNow();
        var held = (await batch.Connection.QueryAsync<(long Id, string Changes, string? Base)>(new CommandDefinition(
            "SELECT change_id, changes, base FROM sync_outbox WHERE portal_id = @portalId AND object_type = @type AND record_id = @record AND state = 'held' ORDER BY change_id",
            new { portalId, type = conflict.ObjectType, record = conflict.RecordId }, batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Where(h => PropertyJson.Read(h.Changes).ContainsKey(conflict.Property)).ToList();

        string outcome;
        if (take == SyncConflictResolution.Local)
        {
            outcome = "local";
            await ReleaseAsync(batch, sql, held, conflict.Property, conflict.RemoteValue, null, false, now, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // HubSpot's value, or the one given: written to the mirror row as HubSpot's would be (not captured).
            var written = take == SyncConflictResolution.HubSpot ? conflict.RemoteValue : value;
            outcome = take == SyncConflictResolution.HubSpot ? "hubspot" : "value";
            var stored = await sql.GetRecordsAsync(portalId, conflict.ObjectType, [conflict.RecordId], cancellationToken).ConfigureAwait(false);
            if (stored.Count == 1)
            {
                var row = stored[0];
                var properties = new Dictionary<string, string?>(row.Properties, StringComparer.Ordinal) { [conflict.Property] = written };
                batch.Reconciles = false;
                await batch.UpsertAsync(conflict.ObjectType, [new SyncRecord(row.Id, properties, row.CreatedAt, row.UpdatedAt, row.Archived, row.ArchivedAt)], cancellationToken).ConfigureAwait(false);
                batch.Reconciles = true;
            }

            await ReleaseAsync(batch, sql, held, conflict.Property, conflict.RemoteValue, take == SyncConflictResolution.HubSpot ? null : written, take == SyncConflictResolution.HubSpot, now, cancellationToken).ConfigureAwait(false);
        }

        await batch.Connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE sync_conflicts SET outcome = @outcome, resolved_at = {sql.Cast("@at", ColumnKind.Time)} WHERE conflict_id = @conflictId",
            new { outcome, at = sql.TimeValue(now), conflictId }, batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        return conflict with { Outcome = ParseOutcome(outcome), ResolvedAt = now };
    }

    // The held property goes back to pending (with the value given, if any), or is dropped when HubSpot's value is taken.
    private static async Task ReleaseAsync(SqlSyncBatch batch, SqlSyncStore sql, List<(long Id, string Changes, string? Base)> held, string property, string? remote, string? value, bool drop, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var (id, changesJson, baseJson) in held)
        {
            var changes = PropertyJson.Read(changesJson);
            var @base = baseJson is null ? new Dictionary<string, string?>(StringComparer.Ordinal) : PropertyJson.Read(baseJson);
            var rest = new Dictionary<string, string?>(changes, StringComparer.Ordinal);
            rest.Remove(property);
            var restBase = new Dictionary<string, string?>(@base, StringComparer.Ordinal);
            restBase.Remove(property);
            var one = new Dictionary<string, string?>(StringComparer.Ordinal) { [property] = drop ? null : value ?? changes[property] };
            // HubSpot's value has been seen and decided on: it is the value the push replaces, so a pass reading it again before the push is no new conflict.
            var oneBase = new Dictionary<string, string?>(StringComparer.Ordinal) { [property] = remote };
            var at = sql.TimeValue(now);
            var state = drop ? "superseded" : "pending";
            var reason = drop ? "HubSpot's value was taken for a manual conflict" : null;
            if (rest.Count == 0 && value is null)
            {
                // In place, so it keeps its place in capture order: a local edit made since the conflict opened still comes after it.
                await batch.Connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE sync_outbox SET changes = @changes, base = @base, state = @state, reason = @reason, pushed_at = {(drop ? sql.Cast("@at", ColumnKind.Time) : "NULL")} WHERE change_id = @id",
                    new { id, changes = PropertyJson.Write(one), @base = PropertyJson.Write(oneBase), state, reason, at }, batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                continue;
            }

            // The property leaves the held change: pending again (a given value comes after every earlier edit), or superseded by HubSpot's value.
            await batch.Connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes, base, captured_at, state, reason, pushed_at)
                SELECT portal_id, object_type, record_id, 'update', @changes, @base, captured_at, @state, @reason, {(drop ? sql.Cast("@at", ColumnKind.Time) : "NULL")} FROM sync_outbox WHERE change_id = @id
                """,
                new { id, changes = PropertyJson.Write(one), @base = PropertyJson.Write(oneBase), state, reason, at },
                batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await batch.Connection.ExecuteAsync(new CommandDefinition(
                rest.Count == 0
                    ? $"UPDATE sync_outbox SET state = 'superseded', reason = 'its conflicts were resolved', pushed_at = {sql.Cast("@at", ColumnKind.Time)} WHERE change_id = @id"
                    : "UPDATE sync_outbox SET changes = @changes, base = @base WHERE change_id = @id",
                new { id, changes = PropertyJson.Write(rest), @base = PropertyJson.Write(restBase), at }, batch.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyList<SyncConflict>> QueryAsync(DbConnection connection, DbTransaction? transaction, long portalId, string filter, long? id, int limit, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ConflictRow>(new CommandDefinition($"""
            SELECT conflict_id AS ConflictId, object_type AS ObjectType, record_id AS RecordId, property AS Property, base AS Base, local_value AS LocalValue,
                   local_at AS LocalAt, remote_value AS RemoteValue, remote_at AS RemoteAt, policy AS Policy, outcome AS Outcome, opened_at AS OpenedAt, resolved_at AS ResolvedAt
            FROM sync_conflicts WHERE portal_id = @portalId {filter} ORDER BY conflict_id LIMIT {limit}
            """, new { portalId, id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new SyncConflict(r.ConflictId, r.ObjectType, r.RecordId, r.Property, r.Base, r.LocalValue, SqlSyncStore.ReadTime(r.LocalAt),
            r.RemoteValue, SqlSyncStore.ReadTime(r.RemoteAt), r.Policy, ParseOutcome(r.Outcome), SqlSyncStore.ReadTime(r.OpenedAt) ?? default, SqlSyncStore.ReadTime(r.ResolvedAt)))];
    }

    private static SyncConflictOutcome ParseOutcome(string outcome) => outcome switch
    {
        "local" => SyncConflictOutcome.LocalWon,
        "hubspot" => SyncConflictOutcome.HubSpotWon,
        "value" => SyncConflictOutcome.ValueGiven,
        "agreed" => SyncConflictOutcome.Agreed,
        "gone" => SyncConflictOutcome.Gone,
        _ => SyncConflictOutcome.Open,
    };

    private static SqlSyncStore Sql(ISyncStore store) => store as SqlSyncStore
        ?? throw new ArgumentException($"Conflicts live in a SQL mirror (SqliteSyncStore or PostgresSyncStore), not in {store?.GetType().Name}.", nameof(store));

    private sealed class ConflictRow
    {
        public long ConflictId { get; set; }

        public string ObjectType { get; set; } = "";

        public string RecordId { get; set; } = "";

        public string Property { get; set; } = "";

        public string? Base { get; set; }

        public string? LocalValue { get; set; }

        public object? LocalAt { get; set; }

        public string? RemoteValue { get; set; }

        public object? RemoteAt { get; set; }

        public string Policy { get; set; } = "";

        public string Outcome { get; set; } = "";

        public object? OpenedAt { get; set; }

        public object? ResolvedAt { get; set; }
    }
}
