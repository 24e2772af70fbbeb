namespace Spoke.Sync.Push;

/// <summary>
/// The edge outbox (<c>sync_edge_outbox</c>) and the triggers on <c>sync_associations</c> that fill it, per database.
/// An inserted row is captured as a <c>create</c>, a deleted row as a <c>delete</c>. An update that changes any part of
/// the edge's key (ids, types, type id, category) is the old edge deleted and the new one created; an update of the
/// label alone is captured as a <c>create</c> of the same type (harmless to send again: HubSpot's label text belongs to
/// the type id, and the push writes HubSpot's label back into the mirror). Like record capture, a transaction holding a
/// row in <c>sync_capture_suppressed</c> (every <see cref="Store.ISyncBatch"/>, so every write of the engine) is skipped.
/// </summary>
internal static class EdgeCaptureSql
{
    /// <summary>The migration that adds the edge outbox.</summary>
    public const int EdgeOutboxMigration = 5;

    private const string Columns = "portal_id, from_type, from_id, to_type, to_id, type_id, category, label, kind";

    private const string KeyChanged =
        "NEW.portal_id IS NOT OLD.portal_id OR NEW.from_type IS NOT OLD.from_type OR NEW.from_id IS NOT OLD.from_id OR NEW.to_type IS NOT OLD.to_type "
        + "OR NEW.to_id IS NOT OLD.to_id OR NEW.type_id IS NOT OLD.type_id OR NEW.category IS NOT OLD.category";

    public static string Table(string idType, string autoIdType, string timeType, string nowSql) => $"""
        CREATE TABLE sync_edge_outbox (
            change_id {autoIdType},
            portal_id BIGINT NOT NULL,
            from_type TEXT NOT NULL,
            from_id {idType} NOT NULL,
            to_type TEXT NOT NULL,
            to_id {idType} NOT NULL,
            type_id INTEGER NOT NULL,
            category TEXT NOT NULL,
            label TEXT,
            kind TEXT NOT NULL,
            captured_at {timeType} NOT NULL DEFAULT {nowSql},
            state TEXT NOT NULL DEFAULT 'pending',
            reason TEXT,
            pushed_at {timeType});
        CREATE INDEX ix_sync_edge_outbox_state ON sync_edge_outbox (portal_id, state, change_id);
        """;

    private static string Row(string row, string kind) =>
        $"{row}.portal_id, {row}.from_type, {row}.from_id, {row}.to_type, {row}.to_id, {row}.type_id, {row}.category, {row}.label, '{kind}'";

    public const string SqliteSuppressed = "NOT EXISTS (SELECT 1 FROM sync_capture_suppressed)";

    public static string Sqlite => $"""
        CREATE TRIGGER sync_associations_capture_insert AFTER INSERT ON sync_associations WHEN {SqliteSuppressed}
        BEGIN
            INSERT INTO sync_edge_outbox ({Columns}) VALUES ({Row("NEW", "create")});
        END;
        CREATE TRIGGER sync_associations_capture_delete AFTER DELETE ON sync_associations WHEN {SqliteSuppressed}
        BEGIN
            INSERT INTO sync_edge_outbox ({Columns}) VALUES ({Row("OLD", "delete")});
        END;
        CREATE TRIGGER sync_associations_capture_update AFTER UPDATE ON sync_associations WHEN {SqliteSuppressed}
        BEGIN
            INSERT INTO sync_edge_outbox ({Columns}) SELECT {Row("OLD", "delete")} WHERE {KeyChanged};
            INSERT INTO sync_edge_outbox ({Columns}) SELECT {Row("NEW", "create")} WHERE {KeyChanged} OR NEW.label IS NOT OLD.label;
        END;
        """;

    public static string Postgres => $"""
        CREATE OR REPLACE FUNCTION sync_edge_capture() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF EXISTS (SELECT 1 FROM sync_capture_suppressed) THEN
                RETURN NULL;
            END IF;
            IF TG_OP = 'DELETE' THEN
                INSERT INTO sync_edge_outbox ({Columns}) VALUES ({Row("OLD", "delete")});
                RETURN NULL;
            END IF;
            IF TG_OP = 'INSERT' THEN
                INSERT INTO sync_edge_outbox ({Columns}) VALUES ({Row("NEW", "create")});
                RETURN NULL;
            END IF;
            IF {KeyChanged.Replace(" IS NOT ", " IS DISTINCT FROM ", StringComparison.Ordinal)} THEN
                INSERT INTO sync_edge_outbox ({Columns}) VALUES ({Row("OLD", "delete")});
                INSERT INTO sync_edge_outbox ({Columns}) VALUES ({Row("NEW", "create")});
            ELSIF NEW.label IS DISTINCT FROM OLD.label THEN
                INSERT INTO sync_edge_outbox ({Columns}) VALUES ({Row("NEW", "create")});
            END IF;
            RETURN NULL;
        END
        $fn$;
        CREATE TRIGGER sync_associations_capture AFTER INSERT OR UPDATE OR DELETE ON sync_associations
            FOR EACH ROW EXECUTE FUNCTION sync_edge_capture();
        """;
}
