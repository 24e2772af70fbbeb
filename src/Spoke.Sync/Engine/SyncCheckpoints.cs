using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.Sync.Engine;

/// <summary>
/// Where a backfill stands: the list API's cursor after the last committed page, and when the backfill started (the
/// incremental pass that follows starts there, so a record changed during the backfill is read again).
/// </summary>
internal sealed record BackfillCheckpoint(string? After, long StartedAtMs, bool Done);

/// <summary>The incremental bookmark: the newest last-modified time (ms) of a record already mirrored.</summary>
internal sealed record IncrementalCheckpoint(long SinceMs);

/// <summary>When the id-set reconciliation last ran (ms); a first backfill counts as one.</summary>
internal sealed record ReconcileCheckpoint(long LastRunMs);

/// <summary>
/// The properties a run synced and when it read their definitions: a property that is new on the next run may have got
/// values from then on that the run read without it, so the next run re-reads from that time.
/// </summary>
internal sealed record DefinitionsCheckpoint(IReadOnlyList<string> Names, long ReadAtMs);

/// <summary>
/// The target types whose edges the mirror holds for every record of a type (<see cref="Covered"/>), and an edge pass in
/// progress for types that became targets later (<see cref="Pending"/>, resumed after <see cref="After"/>): a type added
/// to a run after this one's backfill gets its edges read once, not never.
/// </summary>
internal sealed record EdgesCheckpoint(IReadOnlyList<string> Covered, IReadOnlyList<string>? Pending = null, string? After = null);

internal static class SyncStreams
{
    public const string Backfill = "backfill";
    public const string Incremental = "incremental";
    public const string Reconcile = "reconcile";
    public const string Definitions = "definitions";
    public const string Edges = "edges";

    public static string Write(EdgesCheckpoint value) => JsonSerializer.Serialize(value, SyncJsonContext.Default.EdgesCheckpoint);

    public static EdgesCheckpoint? ReadEdges(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, SyncJsonContext.Default.EdgesCheckpoint);

    public static string Write(DefinitionsCheckpoint value) => JsonSerializer.Serialize(value, SyncJsonContext.Default.DefinitionsCheckpoint);

    public static DefinitionsCheckpoint? ReadDefinitions(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, SyncJsonContext.Default.DefinitionsCheckpoint);

    public static string Write(BackfillCheckpoint value) => JsonSerializer.Serialize(value, SyncJsonContext.Default.BackfillCheckpoint);

    public static string Write(IncrementalCheckpoint value) => JsonSerializer.Serialize(value, SyncJsonContext.Default.IncrementalCheckpoint);

    public static string Write(ReconcileCheckpoint value) => JsonSerializer.Serialize(value, SyncJsonContext.Default.ReconcileCheckpoint);

    public static ReconcileCheckpoint? ReadReconcile(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, SyncJsonContext.Default.ReconcileCheckpoint);

    public static BackfillCheckpoint? ReadBackfill(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, SyncJsonContext.Default.BackfillCheckpoint);

    public static IncrementalCheckpoint? ReadIncremental(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, SyncJsonContext.Default.IncrementalCheckpoint);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BackfillCheckpoint))]
[JsonSerializable(typeof(IncrementalCheckpoint))]
[JsonSerializable(typeof(ReconcileCheckpoint))]
[JsonSerializable(typeof(DefinitionsCheckpoint))]
[JsonSerializable(typeof(EdgesCheckpoint))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class SyncJsonContext : JsonSerializerContext;
