using System.Data.Common;
using Dapper;

namespace Spoke.Sync.Store;

/// <summary>One transaction on one connection; see <see cref="ISyncBatch"/>.</summary>
internal sealed class SqlSyncBatch : ISyncBatch
{
    private static readonly ColumnKind[] EdgeKinds = [ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain];

    private readonly SqlSyncStore _store;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly IDisposable? _writer;
    private readonly Dictionary<string, ObjectTable> _created = new(StringComparer.Ordinal);
    private readonly string? _suppression;
    private bool _finished;

    public SqlSyncBatch(SqlSyncStore store, long portalId, DbConnection connection, DbTransaction transaction, IDisposable? writer, string? suppression)
    {
        _suppression = suppression;
        _store = store;
        PortalId = portalId;
        _connection = connection;
        _transaction = transaction;
        _writer = writer;
    }

    public long PortalId { get; }

    internal DbConnection Connection => _connection;

    internal DbTransaction Transaction => _transaction;

    /// <summary>How remote writes of this batch are reconciled with pending local changes (policies, HubSpot's property times, the pusher's own changes).</summary>
    internal Push.ConflictContext Conflicts { get; set; } = new(null);

    /// <summary>False for writes that decide a conflict themselves (a manual resolution): written as given.</summary>
    internal bool Reconciles { get; set; } = true;

    private bool Reconciling => Reconciles && _store.TracksConflicts;

    /// <summary>Deletes rows outright (a pushed create's provisional row); the batch's writes are never captured.</summary>
    internal async Task DeleteRowsAsync(string objectType, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        EnsureOpen();
        if (ids.Count == 0)
        {
            return;
        }

        var table = await _store.EnsureTableAsync(_connection, _transaction, objectType, _created, cancellationToken).ConfigureAwait(false);
        var parameters = new DynamicParameters(new { portal = PortalId });
        await ExecuteAsync($"DELETE FROM {table.Name} WHERE portal_id = @portal AND {_store.IdIn("id", ids, parameters)}", parameters, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> UpsertAsync(string objectType, IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        EnsureOpen();
        if (records.Count == 0)
        {
            return 0;
        }

        var table = await _store.EnsureTableAsync(_connection, _transaction, objectType, _created, cancellationToken).ConfigureAwait(false);
        // The last write of an id wins (PostgreSQL refuses one statement touching a row twice).
        var latest = new Dictionary<string, SyncRecord>(records.Count, StringComparer.Ordinal);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record);
            ArgumentException.ThrowIfNullOrWhiteSpace(record.Id);
            ArgumentNullException.ThrowIfNull(record.Properties);
            latest[record.Id] = record;
        }

        if (Reconciling)
        {
            await Push.ConflictResolver.ReconcileAsync(_store, _connection, _transaction, PortalId, objectType, latest, Conflicts, cancellationToken).ConfigureAwait(false);
            if (latest.Count == 0)
            {
                return 0;
            }
        }

        var kinds = new List<ColumnKind> { ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Json, ColumnKind.Time, ColumnKind.Time, ColumnKind.Boolean, ColumnKind.Time };
        kinds.AddRange(table.Columns.Select(c => SqlSyncStore.KindOf(c.Type)));
        var rows = new List<object?[]>(latest.Count);
        foreach (var record in latest.Values)
        {
            var row = new object?[kinds.Count];
            row[0] = PortalId;
            row[1] = record.Id;
            row[2] = PropertyJson.Write(record.Properties);
            row[3] = _store.TimeValue(record.CreatedAt);
            row[4] = _store.TimeValue(record.UpdatedAt);
            row[5] = record.Archived;
            row[6] = record.Archived ? _store.TimeValue(record.ArchivedAt) : null;
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var column = table.Columns[i];
                row[7 + i] = _store.TypedValue(column, record.Properties.GetValueOrDefault(column.Property));
            }

            rows.Add(row);
        }

        var typed = table.Columns.Select(c => c.Column).ToList();
        var changed = new List<string> { "properties", "created_at", "updated_at", "archived", "archived_at" };
        changed.AddRange(typed);
        var head = $"INSERT INTO {table.Name} AS t (portal_id, id, properties, created_at, updated_at, archived, archived_at{string.Concat(typed.Select(c => ", " + c))})";
        // Unchanged rows are not rewritten: a rerun of a page costs no row writes and reports 0.
        var tail = $"""
            ON CONFLICT (portal_id, id) DO UPDATE SET {string.Join(", ", changed.Select(c => $"{c} = excluded.{c}"))}
            WHERE {string.Join(" OR ", changed.Select(c => $"t.{c} IS DISTINCT FROM excluded.{c}"))}
            """;
        return await _store.BulkAsync(_connection, _transaction, head, kinds, tail, rows, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ArchiveAsync(string objectType, IReadOnlyCollection<string> ids, DateTimeOffset archivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        EnsureOpen();
        if (ids.Count == 0)
        {
            return 0;
        }

        var table = await _store.EnsureTableAsync(_connection, _transaction, objectType, _created, cancellationToken).ConfigureAwait(false);
        if (Reconciling)
        {
            await Push.ConflictResolver.SupersedeGoneAsync(_store, _connection, _transaction, PortalId, objectType, [.. ids.Distinct(StringComparer.Ordinal)], 
                "archived in HubSpot: the record is gone there, so the change is not pushed", "HubSpot had already archived it: nothing was sent", Conflicts, cancellationToken).ConfigureAwait(false);
        }

        var archived = 0;
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var parameters = new DynamicParameters(new { portal = PortalId, at = _store.TimeValue(archivedAt) });
            archived += await ExecuteAsync(
                $"UPDATE {table.Name} SET archived = TRUE, archived_at = {_store.Cast("@at", ColumnKind.Time)} WHERE portal_id = @portal AND NOT archived AND {_store.IdIn("id", chunk, parameters)}",
                parameters, cancellationToken).ConfigureAwait(false);
        }

        return archived;
    }

    public async Task MergeAsync(string objectType, string loserId, string survivorId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loserId);
        ArgumentException.ThrowIfNullOrWhiteSpace(survivorId);
        EnsureOpen();
        if (loserId == survivorId)
        {
            throw new ArgumentException($"A record cannot be merged into itself ({objectType} {loserId}).", nameof(survivorId));
        }

        var table = await _store.EnsureTableAsync(_connection, _transaction, objectType, _created, cancellationToken).ConfigureAwait(false);
        if (Reconciling)
        {
            await Push.ConflictResolver.SupersedeGoneAsync(_store, _connection, _transaction, PortalId, objectType, [loserId],
                $"merged into {survivorId} in HubSpot: the record is gone there, so the change is not pushed (make it on {survivorId})",
                $"HubSpot had already merged it into {survivorId}: nothing was sent (delete {survivorId} to delete the record)", Conflicts, cancellationToken).ConfigureAwait(false);
        }

        var args = new { portal = PortalId, type = objectType, loser = loserId, survivor = survivorId };
        // Records (and aliases) that pointed at the loser follow it to the survivor, so no alias chain forms.
        await ExecuteAsync($"""
            UPDATE {table.Name} SET merged_into = @survivor WHERE portal_id = @portal AND (id = @loser OR merged_into = @loser);
            UPDATE sync_id_aliases SET survivor_id = @survivor WHERE portal_id = @portal AND object_type = @type AND survivor_id = @loser;
            DELETE FROM sync_id_aliases WHERE portal_id = @portal AND object_type = @type AND alias_id = @survivor;
            INSERT INTO sync_id_aliases (portal_id, object_type, alias_id, survivor_id) VALUES (@portal, @type, @loser, @survivor)
                ON CONFLICT (portal_id, object_type, alias_id) DO UPDATE SET survivor_id = excluded.survivor_id;
            """, args, cancellationToken).ConfigureAwait(false);
        await RepointEdgesAsync(objectType, loserId, survivorId, cancellationToken).ConfigureAwait(false);
    }

    // The edges of a record now known by another id (a merge's loser, a local create's provisional id) move to that id,
    // except where the other id has the same edge already (then the old one goes).
    internal Task<int> RepointEdgesAsync(string objectType, string oldId, string newId, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            UPDATE sync_associations SET from_id = @newId
                WHERE portal_id = @portal AND from_type = @type AND from_id = @oldId AND NOT EXISTS (
                    SELECT 1 FROM sync_associations e WHERE e.portal_id = sync_associations.portal_id AND e.from_type = sync_associations.from_type
                    AND e.from_id = @newId AND e.to_type = sync_associations.to_type AND e.to_id = sync_associations.to_id
                    AND e.category = sync_associations.category AND e.type_id = sync_associations.type_id);
            DELETE FROM sync_associations WHERE portal_id = @portal AND from_type = @type AND from_id = @oldId;
            UPDATE sync_associations SET to_id = @newId
                WHERE portal_id = @portal AND to_type = @type AND to_id = @oldId AND NOT EXISTS (
                    SELECT 1 FROM sync_associations e WHERE e.portal_id = sync_associations.portal_id AND e.from_type = sync_associations.from_type
                    AND e.from_id = sync_associations.from_id AND e.to_type = sync_associations.to_type AND e.to_id = @newId
                    AND e.category = sync_associations.category AND e.type_id = sync_associations.type_id);
            DELETE FROM sync_associations WHERE portal_id = @portal AND to_type = @type AND to_id = @oldId;
            """, new { portal = PortalId, type = objectType, oldId, newId }, cancellationToken);

    public async Task ReplaceAssociationsAsync(string fromType, IReadOnlyCollection<string> fromIds, string toType, IReadOnlyList<SyncAssociation> edges, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fromType);
        ArgumentException.ThrowIfNullOrWhiteSpace(toType);
        ArgumentNullException.ThrowIfNull(fromIds);
        ArgumentNullException.ThrowIfNull(edges);
        EnsureOpen();
        var sources = fromIds.ToHashSet(StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            ArgumentNullException.ThrowIfNull(edge);
            if (edge.FromType != fromType || edge.ToType != toType || !sources.Contains(edge.FromId))
            {
                throw new ArgumentException(
                    $"The edge {edge.FromType} {edge.FromId} → {edge.ToType} {edge.ToId} is outside the set being replaced ({fromType} → {toType} for {sources.Count} records).", nameof(edges));
            }

            ArgumentException.ThrowIfNullOrWhiteSpace(edge.ToId);
            ArgumentException.ThrowIfNullOrWhiteSpace(edge.Category);
        }

        foreach (var chunk in sources.Chunk(500))
        {
            var parameters = new DynamicParameters(new { portal = PortalId, fromType, toType });
            await ExecuteAsync(
                $"DELETE FROM sync_associations WHERE portal_id = @portal AND from_type = @fromType AND to_type = @toType AND {_store.IdIn("from_id", chunk, parameters)}",
                parameters, cancellationToken).ConfigureAwait(false);
        }

        var rows = edges.Select(e => new object?[] { PortalId, e.FromType, e.FromId, e.ToType, e.ToId, e.TypeId, e.Category, e.Label }).ToList();
        await _store.BulkAsync(_connection, _transaction,
            "INSERT INTO sync_associations (portal_id, from_type, from_id, to_type, to_id, type_id, category, label)", EdgeKinds,
            "ON CONFLICT (portal_id, from_type, from_id, to_type, to_id, category, type_id) DO NOTHING", rows, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReplacePropertyDefinitionsAsync(string objectType, IReadOnlyList<SyncPropertyDefinition> properties, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentNullException.ThrowIfNull(properties);
        EnsureOpen();
        var args = new { portal = PortalId, type = objectType };
        await ExecuteAsync("""
            DELETE FROM sync_property_options WHERE portal_id = @portal AND object_type = @type;
            DELETE FROM sync_properties WHERE portal_id = @portal AND object_type = @type;
            """, args, cancellationToken).ConfigureAwait(false);
        var unique = properties.DistinctBy(p => p.Name, StringComparer.Ordinal).ToList();
        await _store.BulkAsync(_connection, _transaction,
            "INSERT INTO sync_properties (portal_id, object_type, name, label, type, field_type, group_name" + (_store.CapturesChanges ? ", read_only)" : ")"),
            [.. Enumerable.Repeat(ColumnKind.Plain, 7), .. _store.CapturesChanges ? [ColumnKind.Boolean] : Array.Empty<ColumnKind>()], "",
            [.. unique.Select(p => _store.CapturesChanges
                ? new object?[] { PortalId, objectType, p.Name, p.Label, p.Type, p.FieldType, p.GroupName, p.ReadOnlyValue }
                : new object?[] { PortalId, objectType, p.Name, p.Label, p.Type, p.FieldType, p.GroupName })], cancellationToken).ConfigureAwait(false);
        var options = unique.SelectMany(p => (p.Options ?? []).DistinctBy(o => o.Value, StringComparer.Ordinal)
            .Select((o, i) => new object?[] { PortalId, objectType, p.Name, o.Value, o.Label, i })).ToList();
        await _store.BulkAsync(_connection, _transaction,
            "INSERT INTO sync_property_options (portal_id, object_type, property, value, label, display_order)", [.. Enumerable.Repeat(ColumnKind.Plain, 6)], "",
            options, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReplacePipelinesAsync(string objectType, IReadOnlyList<SyncPipeline> pipelines, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentNullException.ThrowIfNull(pipelines);
        EnsureOpen();
        var args = new { portal = PortalId, type = objectType };
        await ExecuteAsync("""
            DELETE FROM sync_pipeline_stages WHERE portal_id = @portal AND object_type = @type;
            DELETE FROM sync_pipelines WHERE portal_id = @portal AND object_type = @type;
            """, args, cancellationToken).ConfigureAwait(false);
        var unique = pipelines.DistinctBy(p => p.Id, StringComparer.Ordinal).ToList();
        await _store.BulkAsync(_connection, _transaction,
            "INSERT INTO sync_pipelines (portal_id, object_type, pipeline_id, label, display_order, archived)",
            [ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Boolean], "",
            [.. unique.Select(p => new object?[] { PortalId, objectType, p.Id, p.Label, p.DisplayOrder, p.Archived })], cancellationToken).ConfigureAwait(false);
        var stages = unique.SelectMany(p => (p.Stages ?? []).DistinctBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new object?[] { PortalId, objectType, p.Id, s.Id, s.Label, s.DisplayOrder, s.Archived, s.MetadataJson })).ToList();
        await _store.BulkAsync(_connection, _transaction,
            "INSERT INTO sync_pipeline_stages (portal_id, object_type, pipeline_id, stage_id, label, display_order, archived, metadata_json)",
            [ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Plain, ColumnKind.Boolean, ColumnKind.Plain], "",
            stages, cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveCheckpointAsync(string objectType, string stream, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(value);
        EnsureOpen();
        await ExecuteAsync($"""
            INSERT INTO sync_checkpoints (portal_id, object_type, stream, value, updated_at) VALUES (@portal, @type, @stream, @value, {_store.Cast("@at", ColumnKind.Time)})
            ON CONFLICT (portal_id, object_type, stream) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """, new { portal = PortalId, type = objectType, stream, value, at = _store.TimeValue(_store.Time.GetUtcNow()) }, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteCheckpointAsync(string objectType, string stream, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        await ExecuteAsync("DELETE FROM sync_checkpoints WHERE portal_id = @portal AND object_type = @type AND stream = @stream",
            new { portal = PortalId, type = objectType, stream }, cancellationToken).ConfigureAwait(false);
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        await SqlSyncStore.ReleaseCaptureAsync(_connection, _transaction, _suppression, cancellationToken).ConfigureAwait(false);
        await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _finished = true;
        _store.Committed(_created);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_finished)
            {
                _finished = true;
                try
                {
                    await _transaction.RollbackAsync().ConfigureAwait(false);
                }
                catch (DbException)
                {
                    // The connection broke (and took the transaction with it): nothing was committed.
                }
                catch (InvalidOperationException)
                {
                    // The transaction had already completed (a failed commit): nothing left to undo.
                }
            }

            await _transaction.DisposeAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writer?.Dispose();
        }
    }

    private Task<int> ExecuteAsync(string sql, object args, CancellationToken cancellationToken) =>
        _connection.ExecuteAsync(new CommandDefinition(sql, args, _transaction, cancellationToken: cancellationToken));

    private void EnsureOpen()
    {
        if (_finished)
        {
            throw new InvalidOperationException("This batch was already committed or disposed: begin a new one with ISyncStore.BeginAsync.");
        }
    }
}
