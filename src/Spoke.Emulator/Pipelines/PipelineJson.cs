using System.Text;
using System.Text.Json;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Pipelines;

/// <summary>Writes pipelines, stages and audit entries in HubSpot's shapes (docs/hubspot-api.md §3.5).</summary>
internal static class PipelineJson
{
    /// <summary>Stages as HubSpot lists them: by displayOrder, ties alphabetically by label; archived ones hidden.</summary>
    public static IEnumerable<PipelineStage> ActiveStages(Pipeline pipeline) =>
        pipeline.Stages.Where(s => !s.Archived).OrderBy(s => s.DisplayOrder).ThenBy(s => s.Label, StringComparer.Ordinal);

    /// <summary>Pipelines as HubSpot lists them: by displayOrder, ties alphabetically by label; archived ones hidden.</summary>
    public static IEnumerable<Pipeline> ActivePipelines(IEnumerable<Pipeline> pipelines) =>
        pipelines.Where(p => !p.Archived).OrderBy(p => p.DisplayOrder).ThenBy(p => p.Label, StringComparer.Ordinal);

    /// <summary><c>Pipeline</c>, in the field order HubSpot answers with.</summary>
    public static void WritePipeline(Utf8JsonWriter w, Pipeline pipeline)
    {
        w.WriteStartObject();
        w.WriteString("label", pipeline.Label);
        w.WriteNumber("displayOrder", pipeline.DisplayOrder);
        w.WriteString("id", pipeline.Id);
        w.WriteStartArray("stages");
        foreach (var stage in ActiveStages(pipeline))
        {
            WriteStage(w, stage);
        }

        w.WriteEndArray();
        w.WriteString("createdAt", RecordJson.Time(pipeline.CreatedAt));
        w.WriteString("updatedAt", RecordJson.Time(pipeline.UpdatedAt));
        if (pipeline.ArchivedAt is { } archivedAt)
        {
            w.WriteString("archivedAt", RecordJson.Time(archivedAt));
        }

        w.WriteBoolean("archived", pipeline.Archived);
        w.WriteEndObject();
    }

    /// <summary><c>PipelineStage</c>, in the field order HubSpot answers with.</summary>
    public static void WriteStage(Utf8JsonWriter w, PipelineStage stage)
    {
        w.WriteStartObject();
        w.WriteString("label", stage.Label);
        w.WriteNumber("displayOrder", stage.DisplayOrder);
        w.WriteStartObject("metadata");
        foreach (var (key, value) in stage.Metadata)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        w.WriteString("id", stage.Id);
        w.WriteString("createdAt", RecordJson.Time(stage.CreatedAt));
        w.WriteString("updatedAt", RecordJson.Time(stage.UpdatedAt));
        if (stage.ArchivedAt is { } archivedAt)
        {
            w.WriteString("archivedAt", RecordJson.Time(archivedAt));
        }

        w.WriteBoolean("archived", stage.Archived);
        w.WriteString("writePermissions", stage.WritePermissions);
        w.WriteEndObject();
    }

    /// <summary><c>PublicAuditInfo</c>.</summary>
    public static void WriteAudit(Utf8JsonWriter w, long portalId, Pipeline pipeline, PipelineAuditEntry entry)
    {
        w.WriteStartObject();
        w.WriteNumber("portalId", portalId);
        w.WriteString("identifier", entry.StageId is null ? $"{portalId}:{pipeline.Id}" : $"{portalId}:{pipeline.Id}:{entry.StageId}");
        w.WriteString("action", entry.Action);
        w.WriteString("timestamp", RecordJson.Time(entry.Timestamp));
        w.WriteString("message", entry.Message);
        w.WriteString("rawObject", entry.RawObject);
        w.WriteEndObject();
    }

    /// <summary>
    /// The snapshot an audit entry carries: HubSpot's internal pipeline shape (pipelineId, stageId, epoch-millisecond
    /// times, <c>active</c> rather than <c>archived</c>), serialized to a string as in the docs' audit example.
    /// </summary>
    public static string RawPipeline(long portalId, string objectTypeId, Pipeline pipeline) => Raw(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("displayOrder", pipeline.DisplayOrder);
        w.WriteString("pipelineId", pipeline.Id);
        w.WriteNumber("portalId", portalId);
        w.WriteString("objectTypeId", objectTypeId);
        w.WriteString("label", pipeline.Label);
        w.WriteBoolean("active", !pipeline.Archived);
        w.WriteStartArray("stages");
        foreach (var stage in ActiveStages(pipeline))
        {
            WriteRawStage(w, portalId, objectTypeId, pipeline.Id, stage);
        }

        w.WriteEndArray();
        w.WriteNumber("createdAt", pipeline.CreatedAt.ToUnixTimeMilliseconds());
        w.WriteNumber("updatedAt", pipeline.UpdatedAt.ToUnixTimeMilliseconds());
        w.WriteEndObject();
    });

    public static string RawStage(long portalId, string objectTypeId, string pipelineId, PipelineStage stage) =>
        Raw(w => WriteRawStage(w, portalId, objectTypeId, pipelineId, stage));

    private static void WriteRawStage(Utf8JsonWriter w, long portalId, string objectTypeId, string pipelineId, PipelineStage stage)
    {
        w.WriteStartObject();
        w.WriteNumber("displayOrder", stage.DisplayOrder);
        w.WriteNumber("portalId", portalId);
        w.WriteString("objectTypeId", objectTypeId);
        w.WriteString("pipelineId", pipelineId);
        w.WriteString("stageId", stage.Id);
        w.WriteString("label", stage.Label);
        w.WriteStartObject("metadata");
        foreach (var (key, value) in stage.Metadata)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        w.WriteNumber("createdAt", stage.CreatedAt.ToUnixTimeMilliseconds());
        w.WriteNumber("updatedAt", stage.UpdatedAt.ToUnixTimeMilliseconds());
        w.WriteString("writePermissions", stage.WritePermissions);
        w.WriteBoolean("active", !stage.Archived);
        w.WriteEndObject();
    }

    private static string Raw(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonIO.WriterOptions))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
