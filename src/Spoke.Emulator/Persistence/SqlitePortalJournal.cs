using Microsoft.Data.Sqlite;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Lists;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Timeline;

namespace Spoke.Emulator.Persistence;

/// <summary>
/// Keeps a portal in one SQLite file (<c>--data</c>). Every write scope becomes one transaction that is on disk
/// (WAL, <c>synchronous=FULL</c>) before the emulator answers, so an acknowledged write survives a restart and
/// <c>kill -9</c>. Records are rows (properties and their history in a <see cref="RecordCodec"/> blob); definitions
/// are one JSON document rewritten when they change; each store's next id is kept so ids are never reused.
/// What grows with the portal besides records is journaled row by row from the features' pending changes, so a
/// write costs what it changed: association edges (both directions), list memberships, timeline events.
/// The file is opened exclusively: two emulators on one file would silently overwrite each other.
/// </summary>
internal sealed class SqlitePortalJournal : IPortalJournal
{
    private const int SchemaVersion = 2;
    private const string MetadataKey = "portal";

    private readonly SqliteConnection _connection;
    private readonly RecordCodec _codec = new();
    private readonly HashSet<string> _persistedTypes = new(StringComparer.Ordinal);
    private readonly SqliteCommand _upsertRecord;
    private readonly SqliteCommand _deleteRecord;
    private readonly SqliteCommand _upsertStore;
    private readonly SqliteCommand _upsertAssociation;
    private readonly SqliteCommand _deleteAssociation;
    private readonly SqliteCommand _upsertMembership;
    private readonly SqliteCommand _upsertEvent;
    private readonly SqliteCommand _deleteTemplateEvents;

    private SqlitePortalJournal(SqliteConnection connection)
    {
        _connection = connection;
        _upsertRecord = Command(
            "INSERT OR REPLACE INTO records (type_id, id, archived, archived_at, deleted, merged_into, created_at, updated_at, properties) " +
            "VALUES ($type, $id, $archived, $archivedAt, $deleted, $mergedInto, $createdAt, $updatedAt, $properties)",
            "$type", "$id", "$archived", "$archivedAt", "$deleted", "$mergedInto", "$createdAt", "$updatedAt", "$properties");
        _deleteRecord = Command("DELETE FROM records WHERE type_id = $type AND id = $id", "$type", "$id");
        _upsertStore = Command("INSERT OR REPLACE INTO stores (type_id, next_id) VALUES ($type, $nextId)", "$type", "$nextId");
        _upsertAssociation = Command(
            "INSERT OR REPLACE INTO associations (from_type, from_id, to_type, to_id, type_id, category) VALUES ($fromType, $fromId, $toType, $toId, $typeId, $category)",
            "$fromType", "$fromId", "$toType", "$toId", "$typeId", "$category");
        _deleteAssociation = Command(
            "DELETE FROM associations WHERE from_type = $fromType AND from_id = $fromId AND to_type = $toType AND to_id = $toId AND type_id = $typeId",
            "$fromType", "$fromId", "$toType", "$toId", "$typeId");
        _upsertMembership = Command(
            "INSERT OR REPLACE INTO list_memberships (list_id, record_id, first_added_at, last_added_at, join_sequence, is_member) " +
            "VALUES ($list, $record, $first, $last, $sequence, $member)",
            "$list", "$record", "$first", "$last", "$sequence", "$member");
        _upsertEvent = Command("INSERT OR REPLACE INTO timeline_events (template_id, event_id, document) VALUES ($template, $id, $document)",
            "$template", "$id", "$document");
        _deleteTemplateEvents = Command("DELETE FROM timeline_events WHERE template_id = $template", "$template");
    }

    public string Path => _connection.DataSource;

    /// <summary>Opens (creating if needed) the data file.</summary>
    public static SqlitePortalJournal Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(full) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        // No pooling: disposing must close the file so another emulator (or a restart) can open it.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 2,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA locking_mode = EXCLUSIVE");
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, "PRAGMA synchronous = FULL");
            Execute(connection, "PRAGMA journal_size_limit = 67108864");
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new InvalidDataException($"{full} was written by a newer Spoke (schema {version}); this one reads schema {SchemaVersion}.");
            }

            Execute(connection, """
                BEGIN;
                CREATE TABLE IF NOT EXISTS records (
                    type_id TEXT NOT NULL,
                    id INTEGER NOT NULL,
                    archived INTEGER NOT NULL,
                    archived_at INTEGER,
                    deleted INTEGER NOT NULL,
                    merged_into INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    properties BLOB NOT NULL,
                    PRIMARY KEY (type_id, id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS stores (type_id TEXT PRIMARY KEY, next_id INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS metadata (key TEXT PRIMARY KEY, document BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS associations (
                    from_type TEXT NOT NULL,
                    from_id INTEGER NOT NULL,
                    to_type TEXT NOT NULL,
                    to_id INTEGER NOT NULL,
                    type_id INTEGER NOT NULL,
                    category TEXT NOT NULL,
                    PRIMARY KEY (from_type, from_id, to_type, to_id, type_id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS list_memberships (
                    list_id INTEGER NOT NULL,
                    record_id INTEGER NOT NULL,
                    first_added_at INTEGER NOT NULL,
                    last_added_at INTEGER NOT NULL,
                    join_sequence INTEGER NOT NULL,
                    is_member INTEGER NOT NULL,
                    PRIMARY KEY (list_id, record_id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS timeline_events (
                    template_id INTEGER NOT NULL,
                    event_id TEXT NOT NULL,
                    document BLOB NOT NULL,
                    PRIMARY KEY (template_id, event_id)) WITHOUT ROWID;
                PRAGMA user_version = 2;
                COMMIT;
                """);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            connection.Dispose();
            throw new IOException($"{full} is in use by another emulator.", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new SqlitePortalJournal(connection);
    }

    /// <summary>
    /// Replaces <paramref name="portal"/>'s fresh state with the stored one. False when the file holds no portal yet.
    /// Call before attaching the journal: loading commits nothing.
    /// </summary>
    public bool LoadInto(PortalState portal)
    {
        byte[] json;
        using (var read = _connection.CreateCommand())
        {
            read.CommandText = "SELECT document FROM metadata WHERE key = $key";
            read.Parameters.AddWithValue("$key", MetadataKey);
            if (read.ExecuteScalar() is not byte[] stored)
            {
                return false;
            }

            json = stored;
        }

        var metadata = PortalMetadataDocument.FromUtf8(json);
        metadata.ApplyTo(portal);
        metadata.ApplyFeaturesTo(portal);
        LoadRecords(portal);
        LoadNextIds(portal);
        // After the records, and with no journal attached yet: restoring fires no change that would be written back.
        LoadAssociations(portal);
        LoadMemberships(portal);
        LoadTimelineEvents(portal);
        return true;
    }

    public void Commit(PortalState portal, IReadOnlyCollection<(ObjectStore Store, CrmRecord Record)> records, bool metadataChanged)
    {
        using var transaction = _connection.BeginTransaction();
        Enlist(transaction);
        var stores = new HashSet<ObjectStore>();
        foreach (var (store, record) in records)
        {
            stores.Add(store);
            if (record.Deleted && record.MergedInto is null)
            {
                _deleteRecord.Parameters[0].Value = store.Type.TypeId;
                _deleteRecord.Parameters[1].Value = record.Id;
                _deleteRecord.ExecuteNonQuery();
            }
            else
            {
                WriteRecord(store, record);
            }
        }

        WriteAssociations(portal.Associations);
        WriteMemberships(portal.Lists);
        WriteTimelineEvents(portal.Timeline);
        if (metadataChanged)
        {
            WriteMetadata(portal, transaction);
            stores.UnionWith(portal.Stores.Values);
        }

        foreach (var store in stores.Where(s => portal.Stores.ContainsKey(s.Type.TypeId)))
        {
            _upsertStore.Parameters[0].Value = store.Type.TypeId;
            _upsertStore.Parameters[1].Value = store.NextId;
            _upsertStore.ExecuteNonQuery();
            _persistedTypes.Add(store.Type.TypeId);
        }

        transaction.Commit();
    }

    public void Clear()
    {
        using var transaction = _connection.BeginTransaction();
        Execute(_connection, "DELETE FROM records; DELETE FROM stores; DELETE FROM metadata; DELETE FROM associations; DELETE FROM list_memberships; DELETE FROM timeline_events;", transaction);
        transaction.Commit();
        _persistedTypes.Clear();
    }

    public void Dispose()
    {
        _upsertRecord.Dispose();
        _deleteRecord.Dispose();
        _upsertStore.Dispose();
        _upsertAssociation.Dispose();
        _deleteAssociation.Dispose();
        _upsertMembership.Dispose();
        _upsertEvent.Dispose();
        _deleteTemplateEvents.Dispose();
        _connection.Dispose();
    }

    private void WriteRecord(ObjectStore store, CrmRecord record)
    {
        var p = _upsertRecord.Parameters;
        p[0].Value = store.Type.TypeId;
        p[1].Value = record.Id;
        p[2].Value = record.Archived ? 1 : 0;
        p[3].Value = record.ArchivedAt is { } archivedAt ? archivedAt.UtcTicks : DBNull.Value;
        p[4].Value = record.Deleted ? 1 : 0;
        p[5].Value = record.MergedInto is { } into ? into : DBNull.Value;
        p[6].Value = record.CreatedAt.UtcTicks;
        p[7].Value = record.UpdatedAt.UtcTicks;
        p[8].Value = _codec.Encode(record);
        _upsertRecord.ExecuteNonQuery();
    }

    private void WriteMetadata(PortalState portal, SqliteTransaction transaction)
    {
        using (var write = _connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "INSERT OR REPLACE INTO metadata (key, document) VALUES ($key, $document)";
            write.Parameters.AddWithValue("$key", MetadataKey);
            write.Parameters.AddWithValue("$document", PortalMetadataDocument.Capture(portal).WithFeatures(portal).ToUtf8());
            write.ExecuteNonQuery();
        }

        // A removed custom object type takes its records with it.
        foreach (var gone in _persistedTypes.Where(t => !portal.Stores.ContainsKey(t)).ToList())
        {
            using var delete = _connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM records WHERE type_id = $type; DELETE FROM stores WHERE type_id = $type;";
            delete.Parameters.AddWithValue("$type", gone);
            delete.ExecuteNonQuery();
            _persistedTypes.Remove(gone);
        }
    }

    private void WriteAssociations(AssociationStore associations)
    {
        foreach (var (edge, added) in associations.PendingChanges)
        {
            var command = added ? _upsertAssociation : _deleteAssociation;
            var p = command.Parameters;
            p[0].Value = edge.FromTypeId;
            p[1].Value = edge.FromId;
            p[2].Value = edge.ToTypeId;
            p[3].Value = edge.ToId;
            p[4].Value = edge.TypeId;
            if (added)
            {
                p[5].Value = edge.Category;
            }

            command.ExecuteNonQuery();
        }
    }

    private void WriteMemberships(ListStore lists)
    {
        foreach (var (listId, recordId) in lists.PendingMemberships)
        {
            if (lists.Find(listId)?.Memberships.GetValueOrDefault(recordId) is not { } m)
            {
                continue;
            }

            var p = _upsertMembership.Parameters;
            p[0].Value = listId;
            p[1].Value = recordId;
            p[2].Value = m.FirstAddedAt.UtcTicks;
            p[3].Value = m.LastAddedAt.UtcTicks;
            p[4].Value = m.JoinSequence;
            p[5].Value = m.IsMember ? 1 : 0;
            _upsertMembership.ExecuteNonQuery();
        }
    }

    private void WriteTimelineEvents(TimelineStore timeline)
    {
        foreach (var templateId in timeline.PendingRemovedTemplates)
        {
            _deleteTemplateEvents.Parameters[0].Value = templateId;
            _deleteTemplateEvents.ExecuteNonQuery();
        }

        foreach (var e in timeline.PendingEvents)
        {
            var p = _upsertEvent.Parameters;
            p[0].Value = e.EventTemplateId;
            p[1].Value = e.Id;
            p[2].Value = TimelineEventCodec.Encode(e);
            _upsertEvent.ExecuteNonQuery();
        }
    }

    private void LoadAssociations(PortalState portal)
    {
        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT from_type, from_id, to_type, to_id, type_id, category FROM associations ORDER BY from_type, from_id, to_type, to_id, type_id";
        using var reader = read.ExecuteReader();
        // A handful of distinct type ids and categories: share one string each rather than one per edge.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string s) => strings.TryGetValue(s, out var shared) ? shared : strings[s] = s;
        var store = portal.Associations;
        while (reader.Read())
        {
            store.Restore(new AssociationEdge(Shared(reader.GetString(0)), reader.GetInt64(1), Shared(reader.GetString(2)), reader.GetInt64(3),
                Shared(reader.GetString(5)), reader.GetInt32(4)));
        }
    }

    private void LoadMemberships(PortalState portal)
    {
        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT list_id, record_id, first_added_at, last_added_at, join_sequence, is_member FROM list_memberships ORDER BY list_id, record_id";
        using var reader = read.ExecuteReader();
        ObjectList? list = null;
        while (reader.Read())
        {
            var listId = reader.GetInt64(0);
            if (list?.Id != listId)
            {
                list = portal.Lists.Find(listId);
            }

            if (list is null)
            {
                continue;
            }

            var membership = new ListMembership
            {
                RecordId = reader.GetInt64(1),
                FirstAddedAt = Instant(reader.GetInt64(2)),
                LastAddedAt = Instant(reader.GetInt64(3)),
                JoinSequence = reader.GetInt64(4),
                IsMember = reader.GetInt64(5) != 0,
            };
            list.Memberships[membership.RecordId] = membership;
            // The definition in the metadata may predate the latest joins: never hand out a join sequence twice.
            list.NextJoinSequence = Math.Max(list.NextJoinSequence, membership.JoinSequence + 1);
        }
    }

    private void LoadTimelineEvents(PortalState portal)
    {
        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT document FROM timeline_events ORDER BY template_id, event_id";
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            portal.Timeline.AddEvent(TimelineEventCodec.Decode(reader.GetFieldValue<byte[]>(0)));
        }
    }

    private void LoadRecords(PortalState portal)
    {
        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT type_id, id, archived, archived_at, deleted, merged_into, created_at, updated_at, properties FROM records ORDER BY type_id, id";
        using var reader = read.ExecuteReader();
        string? typeId = null;
        ObjectStore? store = null;
        while (reader.Read())
        {
            var rowType = reader.GetString(0);
            if (rowType != typeId)
            {
                typeId = rowType;
                store = portal.Stores.GetValueOrDefault(rowType);
            }

            if (store is null)
            {
                continue;
            }

            var record = new CrmRecord(reader.GetInt64(1))
            {
                Archived = reader.GetInt64(2) != 0,
                ArchivedAt = reader.IsDBNull(3) ? null : Instant(reader.GetInt64(3)),
                Deleted = reader.GetInt64(4) != 0,
                MergedInto = reader.IsDBNull(5) ? null : reader.GetInt64(5),
                CreatedAt = Instant(reader.GetInt64(6)),
                UpdatedAt = Instant(reader.GetInt64(7)),
            };
            // GetFieldValue, not GetBytes: GetBytes opens a blob handle per row and is ten times slower.
            _codec.Decode(reader.GetFieldValue<byte[]>(8), record);
            store.Add(record);
            if (record.Id >= store.NextId)
            {
                store.NextId = record.Id + 1;
            }
        }
    }

    private void LoadNextIds(PortalState portal)
    {
        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT type_id, next_id FROM stores";
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            var typeId = reader.GetString(0);
            _persistedTypes.Add(typeId);
            if (portal.Stores.TryGetValue(typeId, out var store))
            {
                store.NextId = Math.Max(store.NextId, reader.GetInt64(1));
            }
        }
    }

    private static DateTimeOffset Instant(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private void Enlist(SqliteTransaction transaction)
    {
        _upsertRecord.Transaction = transaction;
        _deleteRecord.Transaction = transaction;
        _upsertStore.Transaction = transaction;
        _upsertAssociation.Transaction = transaction;
        _deleteAssociation.Transaction = transaction;
        _upsertMembership.Transaction = transaction;
        _upsertEvent.Transaction = transaction;
        _deleteTemplateEvents.Transaction = transaction;
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
