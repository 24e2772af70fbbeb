using Microsoft.Data.Sqlite;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Persistence;

/// <summary>
/// Keeps a portal in one SQLite file (<c>--data</c>). Every write scope becomes one transaction that is on disk
/// (WAL, <c>synchronous=FULL</c>) before the emulator answers, so an acknowledged write survives a restart and
/// <c>kill -9</c>. Records are rows (properties and their history in a <see cref="RecordCodec"/> blob); definitions
/// are one JSON document rewritten when they change; each store's next id is kept so ids are never reused.
/// What grows with the portal besides records is journaled row by row from the pending changes of the features that
/// have rows (<see cref="IJournaledRows"/>: each names its <see cref="JournalTable"/>), so a write costs what it changed.
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

    private SqlitePortalJournal(SqliteConnection connection)
    {
        _connection = connection;
        _upsertRecord = Command(
            "INSERT OR REPLACE INTO records (type_id, id, archived, archived_at, deleted, merged_into, created_at, updated_at, properties) " +
            "VALUES ($type, $id, $archived, $archivedAt, $deleted, $mergedInto, $createdAt, $updatedAt, $properties)",
            "$type", "$id", "$archived", "$archivedAt", "$deleted", "$mergedInto", "$createdAt", "$updatedAt", "$properties");
        _deleteRecord = Command("DELETE FROM records WHERE type_id = $type AND id = $id", "$type", "$id");
        _upsertStore = Command("INSERT OR REPLACE INTO stores (type_id, next_id) VALUES ($type, $nextId)", "$type", "$nextId");
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
        using (var create = _connection.BeginTransaction())
        {
            foreach (var feature in portal.JournaledFeatures)
            {
                Execute(_connection, feature.Table.CreateSql, create);
            }

            create.Commit();
        }

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

        PortalMetadataDocument.Restore(json, portal);
        LoadRecords(portal);
        LoadNextIds(portal);
        // After the records, and with no journal attached yet: restoring fires no change that would be written back.
        foreach (var feature in portal.JournaledFeatures)
        {
            feature.Table.Load(_connection);
        }

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

        foreach (var feature in portal.JournaledFeatures)
        {
            feature.Table.WritePending(_connection, transaction);
        }

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

    public void Clear(PortalState portal)
    {
        using var transaction = _connection.BeginTransaction();
        Execute(_connection, "DELETE FROM records; DELETE FROM stores; DELETE FROM metadata;", transaction);
        foreach (var feature in portal.JournaledFeatures)
        {
            Execute(_connection, $"DELETE FROM {feature.Table.Name};", transaction);
        }

        transaction.Commit();
        _persistedTypes.Clear();
    }

    public void Dispose()
    {
        _upsertRecord.Dispose();
        _deleteRecord.Dispose();
        _upsertStore.Dispose();
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
            write.Parameters.AddWithValue("$document", PortalMetadataDocument.Capture(portal));
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
