using System.Text;
using Spoke.Sync.Store;

namespace Spoke.Sync.Push;

/// <summary>
/// The capture triggers, per database. Every object table gets triggers that write local changes to
/// <c>sync_outbox</c>: an update of the properties JSON (the keys whose value changed; a removed key as null) or of a
/// typed column (the property's new value as text), an insert (a local create: the row's id is provisional), a delete.
/// A transaction holding a row in <c>sync_capture_suppressed</c> (every <see cref="ISyncBatch"/>) is not captured.
/// </summary>
internal static class CaptureSql
{
    /// <summary>The migration that adds the outbox.</summary>
    public const int OutboxMigration = 3;

    private const string Refusal =
        "' read-only in HubSpot (HubSpot sets the value itself, modificationMetadata.readOnlyValue or calculated): the change was refused when captured and is never pushed. Change only writable properties.'";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    // ---- SQLite ----
    public const string SqliteNow = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

    public const string SqliteRefusal = $"""
        CREATE TRIGGER sync_outbox_refuse_read_only AFTER INSERT ON sync_outbox
        WHEN NEW.changes IS NOT NULL AND NEW.state = 'pending' AND EXISTS (
            SELECT 1 FROM json_each(NEW.changes) c JOIN sync_properties p
                ON p.portal_id = NEW.portal_id AND p.object_type = NEW.object_type AND p.name = c.key WHERE p.read_only)
        BEGIN
            UPDATE sync_outbox SET state = 'rejected', reason = (
                SELECT group_concat(c.key, ', ') FROM json_each(NEW.changes) c JOIN sync_properties p
                    ON p.portal_id = NEW.portal_id AND p.object_type = NEW.object_type AND p.name = c.key WHERE p.read_only) || {Refusal}
            WHERE change_id = NEW.change_id;
        END;
        """;

    /// <param name="objectType">The table's type.</param>
    /// <param name="table">The table and its typed columns.</param>
    /// <param name="withBase">True from migration 4 on: an update also stores the old values (<c>sync_outbox.base</c>).</param>
    public static string Sqlite(string objectType, ObjectTable table, bool withBase = true)
    {
        var t = table.Name;
        var type = Literal(objectType);
        var typed = new StringBuilder();
        foreach (var column in table.Columns)
        {
            var value = column.Type switch
            {
                SyncColumnType.Boolean => $"CASE NEW.{column.Column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END",
                _ => $"CAST(NEW.{column.Column} AS TEXT)",
            };
            var before = value.Replace("NEW.", "OLD.", StringComparison.Ordinal);
            typed.Append($"\n            UNION ALL SELECT {Literal(column.Property)}, {value}{(withBase ? ", " + before : "")} WHERE NEW.{column.Column} IS NOT OLD.{column.Column}");
        }

        const string Live = "NOT EXISTS (SELECT 1 FROM sync_capture_suppressed)";
        var (baseColumn, baseValue, baseAggregate, baseNew, baseOld) = withBase
            ? (", base", ", d.base", " json_group_object(k, b) AS base,", ", (SELECT o.value FROM json_each(OLD.properties) o WHERE o.key = n.key) AS b", ", o.value")
            : ("", "", "", "", "");
        return $"""
            DROP TRIGGER IF EXISTS {t}_capture_insert;
            DROP TRIGGER IF EXISTS {t}_capture_update;
            DROP TRIGGER IF EXISTS {t}_capture_delete;
            CREATE TRIGGER {t}_capture_insert AFTER INSERT ON {t} WHEN {Live}
            BEGIN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes) VALUES (NEW.portal_id, {type}, NEW.id, 'create', NEW.properties);
            END;
            CREATE TRIGGER {t}_capture_delete AFTER DELETE ON {t} WHEN {Live}
            BEGIN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind) VALUES (OLD.portal_id, {type}, OLD.id, 'delete');
            END;
            CREATE TRIGGER {t}_capture_update AFTER UPDATE ON {t} WHEN {Live}
            BEGIN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes{baseColumn})
                SELECT NEW.portal_id, {type}, NEW.id, 'update', d.changes{baseValue} FROM (
                    SELECT json_group_object(k, v) AS changes,{baseAggregate} COUNT(*) AS n FROM (
                        SELECT n.key AS k, n.value AS v{baseNew} FROM json_each(NEW.properties) n
                            WHERE NOT EXISTS (SELECT 1 FROM json_each(OLD.properties) o WHERE o.key = n.key AND o.value IS n.value AND o.type = n.type)
                        UNION ALL SELECT o.key, NULL{baseOld} FROM json_each(OLD.properties) o
                            WHERE NOT EXISTS (SELECT 1 FROM json_each(NEW.properties) n WHERE n.key = o.key){typed})) d
                WHERE d.n > 0;
            END;
            """;
    }

    // ---- PostgreSQL ----
    public const string PostgresRefusal = $"""
        CREATE OR REPLACE FUNCTION sync_outbox_refuse_read_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE refused TEXT;
        BEGIN
            IF NEW.changes IS NOT NULL AND NEW.state = 'pending' THEN
                SELECT string_agg(c.key, ', ' ORDER BY c.key) INTO refused FROM jsonb_object_keys(NEW.changes::jsonb) AS c(key)
                    JOIN sync_properties p ON p.portal_id = NEW.portal_id AND p.object_type = NEW.object_type AND p.name = c.key
                    WHERE p.read_only;
                IF refused IS NOT NULL THEN
                    NEW.state := 'rejected';
                    NEW.reason := refused || {Refusal};
                END IF;
            END IF;
            RETURN NEW;
        END
        $fn$;
        CREATE TRIGGER sync_outbox_refuse_read_only BEFORE INSERT ON sync_outbox FOR EACH ROW EXECUTE FUNCTION sync_outbox_refuse_read_only();
        CREATE OR REPLACE FUNCTION sync_capture() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            changes jsonb;
            new_row jsonb;
            old_row jsonb;
            i integer := 1;
        BEGIN
            IF EXISTS (SELECT 1 FROM sync_capture_suppressed) THEN
                RETURN NULL;
            END IF;
            IF TG_OP = 'DELETE' THEN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind) VALUES (OLD.portal_id, TG_ARGV[0], OLD.id, 'delete');
                RETURN NULL;
            END IF;
            IF TG_OP = 'INSERT' THEN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes) VALUES (NEW.portal_id, TG_ARGV[0], NEW.id, 'create', NEW.properties::text);
                RETURN NULL;
            END IF;
            SELECT jsonb_object_agg(d.k, d.v) INTO changes FROM (
                SELECT n.key AS k, n.value AS v FROM jsonb_each(NEW.properties) n WHERE (OLD.properties -> n.key) IS DISTINCT FROM n.value
                UNION ALL
                SELECT o.key, 'null'::jsonb FROM jsonb_each(OLD.properties) o WHERE (NEW.properties -> o.key) IS NULL) d;
            new_row := to_jsonb(NEW);
            old_row := to_jsonb(OLD);
            -- the arguments after the type are (property, column) pairs of the typed columns
            WHILE i + 1 < TG_NARGS LOOP
                IF (new_row -> TG_ARGV[i + 1]) IS DISTINCT FROM (old_row -> TG_ARGV[i + 1]) THEN
                    changes := COALESCE(changes, '{"{}"}'::jsonb) || jsonb_build_object(TG_ARGV[i], new_row ->> TG_ARGV[i + 1]);
                END IF;
                i := i + 2;
            END LOOP;
            IF changes IS NOT NULL AND changes <> '{"{}"}'::jsonb THEN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes) VALUES (NEW.portal_id, TG_ARGV[0], NEW.id, 'update', changes::text);
            END IF;
            RETURN NULL;
        END
        $fn$;
        """;

    /// <summary>The migration that adds <c>sync_outbox.base</c> and <c>sync_conflicts</c>.</summary>
    public const int ConflictsMigration = 4;

    private const string ConflictsTables = """
        ALTER TABLE sync_outbox ADD COLUMN base TEXT;
        """;

    public static string ConflictsSqlite(SqlSyncStore s) => ConflictsTables + ConflictsTable(s);

    public static string ConflictsPostgres(SqlSyncStore s) => ConflictsTables + ConflictsTable(s) + PostgresCaptureWithBase;

    private static string ConflictsTable(SqlSyncStore s) => $"""
        CREATE TABLE sync_conflicts (
            conflict_id {s.AutoIdType},
            portal_id BIGINT NOT NULL,
            object_type TEXT NOT NULL,
            record_id {s.IdType} NOT NULL,
            property TEXT NOT NULL,
            base TEXT,
            local_value TEXT,
            local_at {s.TimeType},
            remote_value TEXT,
            remote_at {s.TimeType},
            policy TEXT NOT NULL,
            outcome TEXT NOT NULL,
            opened_at {s.TimeType} NOT NULL,
            resolved_at {s.TimeType});
        CREATE INDEX ix_sync_conflicts_open ON sync_conflicts (portal_id, outcome, object_type, record_id);
        """;

    // The update capture of migration 3, now also storing the OLD values of the keys it captures (the last agreed value).
    private const string PostgresCaptureWithBase = """
        CREATE OR REPLACE FUNCTION sync_capture() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            changes jsonb;
            base jsonb;
            new_row jsonb;
            old_row jsonb;
            i integer := 1;
        BEGIN
            IF EXISTS (SELECT 1 FROM sync_capture_suppressed) THEN
                RETURN NULL;
            END IF;
            IF TG_OP = 'DELETE' THEN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind) VALUES (OLD.portal_id, TG_ARGV[0], OLD.id, 'delete');
                RETURN NULL;
            END IF;
            IF TG_OP = 'INSERT' THEN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes) VALUES (NEW.portal_id, TG_ARGV[0], NEW.id, 'create', NEW.properties::text);
                RETURN NULL;
            END IF;
            SELECT jsonb_object_agg(d.k, d.v), jsonb_object_agg(d.k, d.b) INTO changes, base FROM (
                SELECT n.key AS k, n.value AS v, COALESCE(OLD.properties -> n.key, 'null'::jsonb) AS b FROM jsonb_each(NEW.properties) n WHERE (OLD.properties -> n.key) IS DISTINCT FROM n.value
                UNION ALL
                SELECT o.key, 'null'::jsonb, o.value FROM jsonb_each(OLD.properties) o WHERE (NEW.properties -> o.key) IS NULL) d;
            new_row := to_jsonb(NEW);
            old_row := to_jsonb(OLD);
            -- the arguments after the type are (property, column) pairs of the typed columns
            WHILE i + 1 < TG_NARGS LOOP
                IF (new_row -> TG_ARGV[i + 1]) IS DISTINCT FROM (old_row -> TG_ARGV[i + 1]) THEN
                    changes := COALESCE(changes, '{}'::jsonb) || jsonb_build_object(TG_ARGV[i], new_row ->> TG_ARGV[i + 1]);
                    base := COALESCE(base, '{}'::jsonb) || jsonb_build_object(TG_ARGV[i], old_row ->> TG_ARGV[i + 1]);
                END IF;
                i := i + 2;
            END LOOP;
            IF changes IS NOT NULL AND changes <> '{}'::jsonb THEN
                INSERT INTO sync_outbox (portal_id, object_type, record_id, kind, changes, base) VALUES (NEW.portal_id, TG_ARGV[0], NEW.id, 'update', changes::text, base::text);
            END IF;
            RETURN NULL;
        END
        $fn$;
        """;

    public static string Postgres(string objectType, ObjectTable table)
    {
        var arguments = new List<string> { Literal(objectType) };
        foreach (var column in table.Columns)
        {
            arguments.Add(Literal(column.Property));
            arguments.Add(Literal(column.Column));
        }

        return $"""
            DROP TRIGGER IF EXISTS {table.Name}_capture ON {table.Name};
            CREATE TRIGGER {table.Name}_capture AFTER INSERT OR UPDATE OR DELETE ON {table.Name}
                FOR EACH ROW EXECUTE FUNCTION sync_capture({string.Join(", ", arguments)});
            """;
    }
}
