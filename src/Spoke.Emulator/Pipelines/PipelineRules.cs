using System.Globalization;
using System.Text.Json;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Pipelines;

/// <summary>A stage as a request describes it; null fields were not sent.</summary>
internal sealed record StageInput(string? StageId, string? Label, int? DisplayOrder, Dictionary<string, string>? Metadata, bool? Archived);

/// <summary>
/// HubSpot's rules for pipeline and stage definitions (docs/hubspot-api.md §3.5): reading inputs, stage metadata, unique labels and
/// ids, stage limits, id generation, and the "stage in use" check that guards deletes.
/// </summary>
internal static class PipelineRules
{
    /// <summary>Deal, ticket and custom-object pipelines hold at most 100 stages (DOC:crm/pipelines).</summary>
    public const int MaxStages = 100;

    /// <summary>New pipeline and stage ids are numeric strings, as HubSpot's are; this is where they start.</summary>
    private const long FirstGeneratedId = 100_000_001;

    /// <summary>The type behind a pipelines path: deals, tickets or a custom object; others have no pipelines.</summary>
    public static ObjectType ResolvePipelineType(PortalState portal, string objectType)
    {
        var type = portal.ResolveType(objectType);
        if (type.StageProperty is null && !type.IsCustom)
        {
            throw ApiError.Validation($"Object type {objectType} does not support pipelines: pipelines exist for deals, tickets and custom objects.",
                context: ApiError.Ctx("objectType", objectType));
        }

        return type;
    }

    public static ApiError PipelineNotFound(string pipelineId) =>
        new(404, "OBJECT_NOT_FOUND", $"Unable to find pipeline with id {pipelineId}.") { Context = ApiError.Ctx("pipelineId", pipelineId) };

    public static ApiError StageNotFound(string pipelineId, string stageId) =>
        new(404, "OBJECT_NOT_FOUND", $"Unable to find stage with id {stageId} in pipeline {pipelineId}.")
        {
            Context = new Dictionary<string, IReadOnlyList<string>> { ["pipelineId"] = [pipelineId], ["stageId"] = [stageId] },
        };

    /// <summary>Reads one stage object; <paramref name="required"/> lists the fields that must be present.</summary>
    public static StageInput ReadStage(JsonElement e, string model, params string[] required)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.InvalidJson("each stage must be a JSON object.");
        }

        RequireFields(e, model, required);
        return new StageInput(
            OptionalString(e, "stageId"),
            OptionalString(e, "label"),
            OptionalInt(e, "displayOrder"),
            e.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null ? ReadMetadata(m) : null,
            OptionalBool(e, "archived"));
    }

    /// <summary>Fails with HubSpot's "Cannot build X, some of required attributes are not set [..]" when fields are missing.</summary>
    public static void RequireFields(JsonElement e, string model, params string[] required)
    {
        var missing = required.Where(name => !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null).ToList();
        if (missing.Count > 0)
        {
            throw ApiError.InvalidJson($"Cannot build {model}, some of required attributes are not set [{string.Join(", ", missing)}]");
        }
    }

    public static string? OptionalString(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw ApiError.InvalidJson($"\"{name}\" must be a string.");

    public static int? OptionalInt(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n
        : throw ApiError.InvalidJson($"\"{name}\" must be an integer.");

    public static bool? OptionalBool(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
        : throw ApiError.InvalidJson($"\"{name}\" must be true or false.");

    /// <summary>Metadata is a map of strings; numbers and booleans are kept as their text (the docs show <c>{"probability": 0.5}</c>).</summary>
    private static Dictionary<string, string> ReadMetadata(JsonElement m)
    {
        if (m.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.InvalidJson("\"metadata\" must be an object of string values.");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in m.EnumerateObject())
        {
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw ApiError.InvalidJson($"metadata \"{p.Name}\" must be a string."),
            };
        }

        return result;
    }

    /// <summary>
    /// Checks and completes stage metadata. Deals: <c>probability</c> is required, a decimal in [0, 1]; <c>isClosed</c>
    /// ("true"/"false") is derived when absent: closed at 0.0 (lost) and 1.0 (won). Tickets: <c>ticketState</c> is
    /// OPEN or CLOSED, OPEN when absent.
    /// </summary>
    public static Dictionary<string, string> NormalizeMetadata(ObjectType type, string label, Dictionary<string, string>? input)
    {
        var metadata = new Dictionary<string, string>(input ?? [], StringComparer.Ordinal);
        if (type.TypeId == "0-3")
        {
            if (!metadata.TryGetValue("probability", out var raw) || raw.Trim().Length == 0)
            {
                throw StageProblem(label, "metadata.probability is required for deal stages: a value between 0.0 and 1.0.", "probability");
            }

            if (!decimal.TryParse(raw.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var probability) ||
                probability < 0m || probability > 1m)
            {
                throw StageProblem(label, $"metadata.probability must be a number between 0.0 and 1.0; got \"{raw}\".", "probability");
            }

            metadata["probability"] = raw.Trim();
            if (metadata.TryGetValue("isClosed", out var closed))
            {
                if (closed is not ("true" or "false"))
                {
                    throw StageProblem(label, $"metadata.isClosed must be \"true\" or \"false\"; got \"{closed}\".", "isClosed");
                }
            }
            else
            {
                metadata["isClosed"] = probability is 0m or 1m ? "true" : "false";
            }
        }
        else if (type.TypeId == "0-5")
        {
            if (metadata.TryGetValue("ticketState", out var state))
            {
                if (state is not ("OPEN" or "CLOSED"))
                {
                    throw StageProblem(label, $"metadata.ticketState must be OPEN or CLOSED; got \"{state}\".", "ticketState");
                }
            }
            else
            {
                metadata["ticketState"] = "OPEN";
            }
        }

        return metadata;
    }

    private static ApiError StageProblem(string label, string message, string field) =>
        ApiError.Validation($"Invalid stage \"{label}\": {message}", context: ApiError.Ctx("metadata", field));

    /// <summary>Stage labels are unique within a pipeline, ignoring case (HubSpot's UI treats them so).</summary>
    public static void CheckStageLabels(IEnumerable<string> labels)
    {
        var duplicate = labels.GroupBy(l => l.Trim(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ApiError.Validation($"Stage labels must be unique within a pipeline: \"{duplicate.Key}\" is used more than once.",
                context: ApiError.Ctx("label", duplicate.Key));
        }
    }

    public static void CheckStageCount(int count)
    {
        if (count > MaxStages)
        {
            throw ApiError.Validation($"A pipeline can have at most {MaxStages} stages; this one would have {count}.",
                context: ApiError.Ctx("maxStages", MaxStages.ToString(CultureInfo.InvariantCulture)));
        }

        if (count == 0)
        {
            throw ApiError.Validation("A pipeline must have at least one stage.");
        }
    }

    /// <summary>Pipeline labels are unique among the live pipelines of an object type (400, not 409: a validation rule).</summary>
    public static void CheckPipelineLabel(IEnumerable<Pipeline> pipelines, string label, Pipeline? self)
    {
        if (pipelines.Any(p => p != self && !p.Archived && string.Equals(p.Label.Trim(), label.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            throw ApiError.Validation($"A pipeline with label \"{label}\" already exists for this object type; pipeline labels must be unique.",
                context: ApiError.Ctx("label", label));
        }
    }

    /// <summary>A stage id is taken when a live stage of any pipeline of the type has it (record values name stages by id alone).</summary>
    public static void CheckStageIdFree(IEnumerable<Pipeline> pipelines, string stageId, Pipeline? owner)
    {
        foreach (var p in pipelines.Where(p => !p.Archived))
        {
            if (p.Stages.Exists(s => s.Id == stageId && !s.Archived) && p != owner)
            {
                throw ApiError.Conflict($"A stage with id {stageId} already exists (pipeline {p.Id}); stage ids are unique per object type.");
            }
        }
    }

    /// <summary>The next free numeric id across every pipeline and stage of the portal.</summary>
    public static Func<string> IdGenerator(PortalState portal)
    {
        var max = FirstGeneratedId - 1;
        foreach (var pipeline in portal.Pipelines.Values.SelectMany(l => l))
        {
            max = Math.Max(max, Numeric(pipeline.Id));
            foreach (var stage in pipeline.Stages)
            {
                max = Math.Max(max, Numeric(stage.Id));
            }
        }

        return () => (++max).ToString(CultureInfo.InvariantCulture);

        static long Numeric(string id) => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>
    /// The ids of live records whose stage is one of <paramref name="stageIds"/> in <paramref name="pipeline"/>;
    /// throws HubSpot's STAGE_ID_IN_USE error when there are any.
    /// </summary>
    public static void CheckNotReferenced(PortalState portal, ObjectType type, Pipeline pipeline, IReadOnlyCollection<string> stageIds)
    {
        if (stageIds.Count == 0 || !portal.Stores.TryGetValue(type.TypeId, out var store))
        {
            return;
        }

        var pipelineProperty = type.PipelineProperty ?? "hs_pipeline";
        var stageProperty = type.StageProperty ?? "hs_pipeline_stage";
        var ids = new HashSet<string>(stageIds, StringComparer.Ordinal);
        var users = store.All()
            .Where(r => !r.Archived && !r.Deleted && r.Get(pipelineProperty) == pipeline.Id && r.Get(stageProperty) is { } s && ids.Contains(s))
            .Select(r => RecordJson.Id(r.Id))
            .Take(100)
            .ToList();
        if (users.Count == 0)
        {
            return;
        }

        // The docs' example puts each list, bracketed, into a single context string.
        var stages = $"[{string.Join(", ", stageIds)}]";
        var objects = $"[{string.Join(", ", users)}]";
        throw new ApiError(400, "VALIDATION_ERROR", $"Stage IDs: {stages} are being referenced by object IDs: {objects}")
        {
            SubCategory = "PipelineError.STAGE_ID_IN_USE",
            Context = new Dictionary<string, IReadOnlyList<string>> { ["stageIds"] = [stages], ["objectIds"] = [objects] },
        };
    }

    /// <summary>Appends an audit entry with a snapshot of the pipeline (and one for the stage when a stage changed).</summary>
    public static void Audit(PortalState portal, ObjectType type, Pipeline pipeline, string action, PipelineStage? stage = null)
    {
        var now = portal.Now;
        if (stage is not null)
        {
            pipeline.Audit.Add(new PipelineAuditEntry(stage.Id, action, now, $"Pipeline stage {action.ToLowerInvariant()}",
                PipelineJson.RawStage(portal.PortalId, type.TypeId, pipeline.Id, stage)));
            action = "UPDATE";
        }

        pipeline.Audit.Add(new PipelineAuditEntry(null, action, now, $"Pipeline {action.ToLowerInvariant()}",
            PipelineJson.RawPipeline(portal.PortalId, type.TypeId, pipeline)));
        // Every pipeline change is audited, so this is where the store learns it changed.
        portal.Pipelines.MarkDirty();
    }
}
