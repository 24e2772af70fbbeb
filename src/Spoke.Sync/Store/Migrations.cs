namespace Spoke.Sync.Store;

/// <summary>A numbered, forward-only change to the store's fixed tables, applied once, in its own transaction.</summary>
/// <param name="Version">Its number: migrations run in order, each exactly once per database.</param>
/// <param name="Description">What it does (stored in <c>sync_schema_version</c>).</param>
/// <param name="Sql">Its statements in the store's dialect.</param>
internal sealed record Migration(int Version, string Description, Func<SqlSyncStore, string> Sql);

/// <summary>
/// The fixed tables' history. Append a migration to change them (never edit one that shipped). Object tables
/// (<c>obj_*</c>) are created on first use from the registry, so a migration that changes them all walks
/// <c>sync_object_types</c>.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "registry, associations, properties, pipelines, aliases, checkpoints, runs", s => $"""
            CREATE TABLE sync_object_types (
                object_type TEXT NOT NULL PRIMARY KEY,
                table_name TEXT NOT NULL UNIQUE);
            CREATE TABLE sync_typed_columns (
                object_type TEXT NOT NULL,
                property TEXT NOT NULL,
                column_name TEXT NOT NULL,
                column_type TEXT NOT NULL,
                PRIMARY KEY (object_type, property),
                UNIQUE (object_type, column_name));
            CREATE TABLE sync_associations (
                portal_id BIGINT NOT NULL,
                from_type TEXT NOT NULL,
                from_id {s.IdType} NOT NULL,
                to_type TEXT NOT NULL,
                to_id {s.IdType} NOT NULL,
                type_id INTEGER NOT NULL,
                category TEXT NOT NULL,
                label TEXT,
                PRIMARY KEY (portal_id, from_type, from_id, to_type, to_id, category, type_id));
            CREATE TABLE sync_properties (
                portal_id BIGINT NOT NULL,
                object_type TEXT NOT NULL,
                name TEXT NOT NULL,
                label TEXT,
                type TEXT,
                field_type TEXT,
                group_name TEXT,
                PRIMARY KEY (portal_id, object_type, name));
            CREATE TABLE sync_property_options (
                portal_id BIGINT NOT NULL,
                object_type TEXT NOT NULL,
                property TEXT NOT NULL,
                value TEXT NOT NULL,
                label TEXT,
                display_order INTEGER NOT NULL,
                PRIMARY KEY (portal_id, object_type, property, value));
            CREATE TABLE sync_pipelines (
                portal_id BIGINT NOT NULL,
                object_type TEXT NOT NULL,
                pipeline_id TEXT NOT NULL,
                label TEXT,
                display_order INTEGER NOT NULL,
                archived {s.BoolType} NOT NULL,
                PRIMARY KEY (portal_id, object_type, pipeline_id));
            CREATE TABLE sync_pipeline_stages (
                portal_id BIGINT NOT NULL,
                object_type TEXT NOT NULL,
                pipeline_id TEXT NOT NULL,
                stage_id TEXT NOT NULL,
                label TEXT,
                display_order INTEGER NOT NULL,
                archived {s.BoolType} NOT NULL,
                metadata_json TEXT,
                PRIMARY KEY (portal_id, object_type, pipeline_id, stage_id));
            CREATE TABLE sync_id_aliases (
                portal_id BIGINT NOT NULL,
                object_type TEXT NOT NULL,
                alias_id {s.IdType} NOT NULL,
                survivor_id {s.IdType} NOT NULL,
                PRIMARY KEY (portal_id, object_type, alias_id));
            CREATE TABLE sync_checkpoints (
                portal_id BIGINT NOT NULL,
                object_type TEXT NOT NULL,
                stream TEXT NOT NULL,
                value TEXT NOT NULL,
                updated_at {s.TimeType} NOT NULL,
                PRIMARY KEY (portal_id, object_type, stream));
            CREATE TABLE sync_runs (
                run_id TEXT NOT NULL PRIMARY KEY,
                portal_id BIGINT NOT NULL,
                started_at {s.TimeType} NOT NULL,
                finished_at {s.TimeType},
                status TEXT NOT NULL,
                counts_json TEXT,
                error TEXT);
            """),
        new(2, "reverse lookups: edges by target, aliases by survivor, runs by portal", _ => """
            CREATE INDEX ix_sync_associations_to ON sync_associations (portal_id, to_type, to_id);
            CREATE INDEX ix_sync_id_aliases_survivor ON sync_id_aliases (portal_id, object_type, survivor_id);
            CREATE INDEX ix_sync_runs_portal ON sync_runs (portal_id, started_at);
            """),
        new(3, "push: the outbox, capture suppression, read-only property flag", s => $"""
            CREATE TABLE sync_outbox (
                change_id {s.AutoIdType},
                portal_id BIGINT NOT NULL,
                object_type TEXT NOT NULL,
                record_id {s.IdType} NOT NULL,
                kind TEXT NOT NULL,
                changes TEXT,
                captured_at {s.TimeType} NOT NULL DEFAULT {s.NowSql},
                state TEXT NOT NULL DEFAULT 'pending',
                hubspot_id {s.IdType},
                reason TEXT,
                pushed_at {s.TimeType});
            CREATE INDEX ix_sync_outbox_state ON sync_outbox (portal_id, state, change_id);
            CREATE TABLE sync_capture_suppressed (token TEXT NOT NULL PRIMARY KEY);
            CREATE TABLE sync_capture_triggers (object_type TEXT NOT NULL PRIMARY KEY, definition TEXT NOT NULL);
            ALTER TABLE sync_properties ADD COLUMN read_only {s.BoolType} NOT NULL DEFAULT FALSE;
            {s.OutboxRefusalSql}
            """),
        new(4, "conflicts: the last agreed value of captured updates (sync_outbox.base), sync_conflicts", s => s.ConflictsMigrationSql),
        new(Push.EdgeCaptureSql.EdgeOutboxMigration, "push: the edge outbox and the capture triggers on sync_associations", s =>
            Push.EdgeCaptureSql.Table(s.IdType, s.AutoIdType, s.TimeType, s.NowSql)
            + (s is PostgresSyncStore ? Push.EdgeCaptureSql.Postgres : Push.EdgeCaptureSql.Sqlite)),
    ];
}
