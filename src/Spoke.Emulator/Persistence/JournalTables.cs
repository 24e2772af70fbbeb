using Microsoft.Data.Sqlite;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Lists;
using Spoke.Emulator.Timeline;

namespace Spoke.Emulator.Persistence;

/// <summary>
/// The table a row-journaled feature (<see cref="Portal.IJournaledRows"/>) keeps in the data file: created with the
/// file, written from the feature's pending changes in each write scope's transaction, read back after the records.
/// </summary>
internal abstract class JournalTable
{
    /// <summary>The table's name (admin reset empties it).</summary>
    public abstract string Name { get; }

    /// <summary><c>CREATE TABLE IF NOT EXISTS …</c> (the table's layout is in data files: change it only with a migration).</summary>
    public abstract string CreateSql { get; }

    /// <summary>Saves the feature's pending changes inside <paramref name="transaction"/>.</summary>
    public abstract void WritePending(SqliteConnection connection, SqliteTransaction transaction);

    /// <summary>Restores every stored row into the feature (no journal attached yet, so nothing is written back).</summary>
    public abstract void Load(SqliteConnection connection);

    protected static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    protected static DateTimeOffset Instant(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}

/// <summary>Association edges, one row per direction and type.</summary>
internal sealed class AssociationTable(AssociationStore store) : JournalTable
{
    public override string Name => "associations";

    public override string CreateSql => """
        CREATE TABLE IF NOT EXISTS associations (
            from_type TEXT NOT NULL,
            from_id INTEGER NOT NULL,
            to_type TEXT NOT NULL,
            to_id INTEGER NOT NULL,
            type_id INTEGER NOT NULL,
            category TEXT NOT NULL,
            PRIMARY KEY (from_type, from_id, to_type, to_id, type_id)) WITHOUT ROWID;
        """;

    public override void WritePending(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (!store.HasPendingChanges)
        {
            return;
        }

        using var upsert = Command(connection, transaction,
            "INSERT OR REPLACE INTO associations (from_type, from_id, to_type, to_id, type_id, category) VALUES ($fromType, $fromId, $toType, $toId, $typeId, $category)",
            "$fromType", "$fromId", "$toType", "$toId", "$typeId", "$category");
        using var delete = Command(connection, transaction,
            "DELETE FROM associations WHERE from_type = $fromType AND from_id = $fromId AND to_type = $toType AND to_id = $toId AND type_id = $typeId",
            "$fromType", "$fromId", "$toType", "$toId", "$typeId");
        foreach (var (edge, added) in store.PendingChanges)
        {
            var command = added ? upsert : delete;
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

    public override void Load(SqliteConnection connection)
    {
        using var read = Command(connection, null, "SELECT from_type, from_id, to_type, to_id, type_id, category FROM associations ORDER BY from_type, from_id, to_type, to_id, type_id");
        using var reader = read.ExecuteReader();
        // A handful of distinct type ids and categories: share one string each rather than one per edge.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string s) => strings.TryGetValue(s, out var shared) ? shared : strings[s] = s;
        while (reader.Read())
        {
            store.Restore(new AssociationEdge(Shared(reader.GetString(0)), reader.GetInt64(1), Shared(reader.GetString(2)), reader.GetInt64(3),
                Shared(reader.GetString(5)), reader.GetInt32(4)));
        }
    }
}

/// <summary>List memberships, one row per (list, record) with the record's join history.</summary>
internal sealed class ListMembershipTable(ListStore lists) : JournalTable
{
    public override string Name => "list_memberships";

    public override string CreateSql => """
        CREATE TABLE IF NOT EXISTS list_memberships (
            list_id INTEGER NOT NULL,
            record_id INTEGER NOT NULL,
            first_added_at INTEGER NOT NULL,
            last_added_at INTEGER NOT NULL,
            join_sequence INTEGER NOT NULL,
            is_member INTEGER NOT NULL,
            PRIMARY KEY (list_id, record_id)) WITHOUT ROWID;
        """;

    public override void WritePending(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (!lists.HasPendingChanges)
        {
            return;
        }

        using var upsert = Command(connection, transaction,
            "INSERT OR REPLACE INTO list_memberships (list_id, record_id, first_added_at, last_added_at, join_sequence, is_member) " +
            "VALUES ($list, $record, $first, $last, $sequence, $member)",
            "$list", "$record", "$first", "$last", "$sequence", "$member");
        using var delete = Command(connection, transaction, "DELETE FROM list_memberships WHERE list_id = $list AND record_id = $record", "$list", "$record");
        foreach (var (listId, recordId) in lists.PendingMemberships)
        {
            if (lists.Find(listId)?.Memberships.GetValueOrDefault(recordId) is not { } m)
            {
                // Forgotten (a GDPR delete erases the membership and its history).
                delete.Parameters[0].Value = listId;
                delete.Parameters[1].Value = recordId;
                delete.ExecuteNonQuery();
                continue;
            }

            var p = upsert.Parameters;
            p[0].Value = listId;
            p[1].Value = recordId;
            p[2].Value = m.FirstAddedAt.UtcTicks;
            p[3].Value = m.LastAddedAt.UtcTicks;
            p[4].Value = m.JoinSequence;
            p[5].Value = m.IsMember ? 1 : 0;
            upsert.ExecuteNonQuery();
        }
    }

    public override void Load(SqliteConnection connection)
    {
        using var read = Command(connection, null, "SELECT list_id, record_id, first_added_at, last_added_at, join_sequence, is_member FROM list_memberships ORDER BY list_id, record_id");
        using var reader = read.ExecuteReader();
        ObjectList? list = null;
        while (reader.Read())
        {
            var listId = reader.GetInt64(0);
            if (list?.Id != listId)
            {
                list = lists.Find(listId);
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
}

/// <summary>Timeline events, one JSON document per (template, event id).</summary>
internal sealed class TimelineEventTable(TimelineStore timeline) : JournalTable
{
    public override string Name => "timeline_events";

    public override string CreateSql => """
        CREATE TABLE IF NOT EXISTS timeline_events (
            template_id INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            document BLOB NOT NULL,
            PRIMARY KEY (template_id, event_id)) WITHOUT ROWID;
        """;

    public override void WritePending(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (!timeline.HasPendingChanges)
        {
            return;
        }

        using var deleteTemplateEvents = Command(connection, transaction, "DELETE FROM timeline_events WHERE template_id = $template", "$template");
        foreach (var templateId in timeline.PendingRemovedTemplates)
        {
            deleteTemplateEvents.Parameters[0].Value = templateId;
            deleteTemplateEvents.ExecuteNonQuery();
        }

        using var deleteEvent = Command(connection, transaction, "DELETE FROM timeline_events WHERE template_id = $template AND event_id = $id", "$template", "$id");
        foreach (var (templateId, eventId) in timeline.PendingRemovedEvents)
        {
            deleteEvent.Parameters[0].Value = templateId;
            deleteEvent.Parameters[1].Value = eventId;
            deleteEvent.ExecuteNonQuery();
        }

        using var upsert = Command(connection, transaction, "INSERT OR REPLACE INTO timeline_events (template_id, event_id, document) VALUES ($template, $id, $document)",
            "$template", "$id", "$document");
        foreach (var e in timeline.PendingEvents)
        {
            var p = upsert.Parameters;
            p[0].Value = e.EventTemplateId;
            p[1].Value = e.Id;
            p[2].Value = TimelineEventCodec.Encode(e);
            upsert.ExecuteNonQuery();
        }
    }

    public override void Load(SqliteConnection connection)
    {
        using var read = Command(connection, null, "SELECT document FROM timeline_events ORDER BY template_id, event_id");
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            timeline.AddEvent(TimelineEventCodec.Decode(reader.GetFieldValue<byte[]>(0)));
        }
    }
}
