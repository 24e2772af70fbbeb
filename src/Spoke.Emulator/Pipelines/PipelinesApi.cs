using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Pipelines;

/// <summary>
/// CRM pipelines v3: pipelines, their stages and audit trails for deals, tickets and custom objects (docs/hubspot-api.md §3.5).
/// Pipelines and stages are archived, not erased, by DELETE: records keep their values, and new writes reject them.
/// </summary>
internal static class PipelinesApi
{
    /// <summary>
    /// Maps the pipeline routes under a prefix such as <c>/crm/v3/pipelines</c>. <paramref name="validateReferencesByDefault"/>
    /// is true for <c>2026-09</c>, which blocks deleting pipelines and stages that records use unless told not to.
    /// </summary>
    public static void MapPipelinesApi(this IEndpointRouteBuilder app, string prefix, bool validateReferencesByDefault)
    {
        var v = validateReferencesByDefault;
        var g = app.MapGroup(prefix);
        g.MapGet("/{objectType}", List);
        g.MapPost("/{objectType}", Create);
        g.MapGet("/{objectType}/{pipelineId}", Get);
        g.MapPut("/{objectType}/{pipelineId}", (HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId) => Replace(ctx, portal, grant, objectType, pipelineId, v));
        g.MapPatch("/{objectType}/{pipelineId}", (HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId) => Update(ctx, portal, grant, objectType, pipelineId, v));
        g.MapDelete("/{objectType}/{pipelineId}", (HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId) => Delete(ctx, portal, grant, objectType, pipelineId, v));
        g.MapGet("/{objectType}/{pipelineId}/audit", Audit);
        g.MapGet("/{objectType}/{pipelineId}/stages", ListStages);
        g.MapPost("/{objectType}/{pipelineId}/stages", CreateStage);
        g.MapGet("/{objectType}/{pipelineId}/stages/{stageId}", GetStage);
        g.MapPut("/{objectType}/{pipelineId}/stages/{stageId}", ReplaceStage);
        g.MapPatch("/{objectType}/{pipelineId}/stages/{stageId}",
            (HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, string stageId) => UpdateStage(ctx, portal, grant, objectType, pipelineId, stageId, v));
        g.MapDelete("/{objectType}/{pipelineId}/stages/{stageId}",
            (HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, string stageId) => DeleteStage(ctx, portal, grant, objectType, pipelineId, stageId, v));
        g.MapGet("/{objectType}/{pipelineId}/stages/{stageId}/audit", StageAudit);
    }

    private static List<Pipeline> PipelinesOf(PortalState portal, ObjectType type) =>
        portal.Pipelines.GetValueOrDefault(type.TypeId) ?? [];

    private static Pipeline FindActive(PortalState portal, ObjectType type, string pipelineId) =>
        PipelinesOf(portal, type).Find(p => p.Id == pipelineId && !p.Archived) ?? throw PipelineRules.PipelineNotFound(pipelineId);

    private static PipelineStage FindActiveStage(Pipeline pipeline, string stageId) =>
        pipeline.FindStage(stageId) ?? throw PipelineRules.StageNotFound(pipeline.Id, stageId);

    /// <summary>The delete guard: validateDealStageUsagesBeforeDelete (deals) or validateReferencesBeforeDelete (others).</summary>
    private static bool ShouldValidate(HttpContext ctx, ObjectType type, bool byDefault)
    {
        var q = ctx.Request.Query;
        var dealUsages = Query.Bool(q, "validateDealStageUsagesBeforeDelete");
        var references = Query.Bool(q, "validateReferencesBeforeDelete");
        return (type.TypeId == "0-3" ? dealUsages ?? references : references ?? dealUsages) ?? byDefault;
    }

    private static Dictionary<string, string> Location(HttpContext ctx, string id) =>
        new Dictionary<string, string> { ["Location"] = $"{Query.BaseUrl(ctx)}/{Uri.EscapeDataString(id)}" };

    private static IResult List(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var _ = portal.Read();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.ReadScopes);
        var pipelines = PipelineJson.ActivePipelines(PipelinesOf(portal, type)).ToList();
        return JsonIO.Results(pipelines, (w, p) => PipelineJson.WritePipeline(w, p));
    }

    private static IResult Get(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId)
    {
        using var _ = portal.Read();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.ReadScopes);
        var pipeline = FindActive(portal, type, pipelineId);
        return JsonIO.Json(w => PipelineJson.WritePipeline(w, pipeline));
    }

    /// <summary>A <c>PipelineInput</c> body (POST and PUT).</summary>
    private sealed record PipelineInput(string Label, int DisplayOrder, List<StageInput> Stages, string? PipelineId);

    private static PipelineInput ReadPipelineInput(JsonElement root)
    {
        PipelineRules.RequireFields(root, "PipelineInput", "label", "displayOrder", "stages");
        var label = RequireLabel(PipelineRules.OptionalString(root, "label"));
        var stagesElement = root.GetProperty("stages");
        if (stagesElement.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.InvalidJson("\"stages\" must be an array.");
        }

        var stages = stagesElement.EnumerateArray()
            .Select(s => PipelineRules.ReadStage(s, "PipelineStageInput", "label", "displayOrder", "metadata"))
            .ToList();
        foreach (var s in stages)
        {
            RequireLabel(s.Label);
        }

        return new PipelineInput(label, PipelineRules.OptionalInt(root, "displayOrder")!.Value, stages, PipelineRules.OptionalString(root, "pipelineId"));
    }

    private static string RequireLabel(string? label) =>
        string.IsNullOrWhiteSpace(label) ? throw ApiError.Validation("\"label\" must not be empty.", context: ApiError.Ctx("label", label ?? "")) : label;

    /// <summary>Checks the stage list of a new or replaced pipeline: count, labels, ids unique here and in the object type.</summary>
    private static void CheckStages(List<Pipeline> pipelines, List<StageInput> stages, Pipeline? self)
    {
        PipelineRules.CheckStageCount(stages.Count);
        PipelineRules.CheckStageLabels(stages.Select(s => s.Label!));
        var given = stages.Where(s => s.StageId is not null).Select(s => s.StageId!).ToList();
        if (given.Find(id => given.Count(x => x == id) > 1) is { } repeated)
        {
            throw ApiError.Validation($"Stage ids must be unique within a pipeline: \"{repeated}\" is used more than once.",
                context: ApiError.Ctx("stageId", repeated));
        }

        foreach (var id in given)
        {
            PipelineRules.CheckStageIdFree(pipelines, id, self);
        }
    }

    private static PipelineStage NewStage(ObjectType type, StageInput input, string id, DateTimeOffset now) => new()
    {
        Id = id, Label = input.Label!, DisplayOrder = input.DisplayOrder ?? 0, CreatedAt = now, UpdatedAt = now,
        Metadata = PipelineRules.NormalizeMetadata(type, input.Label!, input.Metadata),
    };

    private static async Task<IResult> Create(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var input = ReadPipelineInput(doc.RootElement);
        using var _ = portal.Write();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.WriteScopes);
        var pipelines = PipelinesOf(portal, type);
        PipelineRules.CheckPipelineLabel(pipelines, input.Label, null);
        CheckStages(pipelines, input.Stages, null);
        if (input.PipelineId is { } wanted && pipelines.Exists(p => p.Id == wanted && !p.Archived))
        {
            throw ApiError.Conflict($"A pipeline with id {wanted} already exists.");
        }

        var now = portal.Now;
        var nextId = PipelineRules.IdGenerator(portal);
        var pipeline = new Pipeline
        {
            Id = string.IsNullOrEmpty(input.PipelineId) ? nextId() : input.PipelineId,
            Label = input.Label, DisplayOrder = input.DisplayOrder, CreatedAt = now, UpdatedAt = now,
            Stages = [.. input.Stages.Select(s => NewStage(type, s, s.StageId ?? nextId(), now))],
        };

        // An archived pipeline with the requested id gives way to the new one.
        pipelines.RemoveAll(p => p.Id == pipeline.Id);
        pipelines.Add(pipeline);
        portal.Pipelines[type.TypeId] = pipelines;
        PipelineRules.Audit(portal, type, pipeline, "CREATE");
        return JsonIO.Json(201, w => PipelineJson.WritePipeline(w, pipeline), Location(ctx, pipeline.Id));
    }

    private static async Task<IResult> Replace(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, bool validateByDefault)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var input = ReadPipelineInput(doc.RootElement);
        using var _ = portal.Write();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.WriteScopes);
        var pipelines = PipelinesOf(portal, type);
        var pipeline = FindActive(portal, type, pipelineId);
        PipelineRules.CheckPipelineLabel(pipelines, input.Label, pipeline);
        CheckStages(pipelines, input.Stages, pipeline);
        var kept = input.Stages.Where(s => s.StageId is not null).Select(s => s.StageId!).ToHashSet(StringComparer.Ordinal);
        var removed = pipeline.Stages.Where(s => !s.Archived && !kept.Contains(s.Id)).ToList();
        if (ShouldValidate(ctx, type, validateByDefault))
        {
            PipelineRules.CheckNotReferenced(portal, type, pipeline, [.. removed.Select(s => s.Id)]);
        }

        var now = portal.Now;
        var nextId = PipelineRules.IdGenerator(portal);
        var stages = new List<PipelineStage>();
        foreach (var s in input.Stages)
        {
            if (s.StageId is not null && pipeline.Stages.Find(x => x.Id == s.StageId) is { } existing)
            {
                existing.Label = s.Label!;
                existing.DisplayOrder = s.DisplayOrder ?? 0;
                existing.Metadata = PipelineRules.NormalizeMetadata(type, s.Label!, s.Metadata);
                existing.Archived = false;
                existing.ArchivedAt = null;
                existing.UpdatedAt = now;
                stages.Add(existing);
            }
            else
            {
                stages.Add(NewStage(type, s, s.StageId ?? nextId(), now));
            }
        }

        foreach (var s in removed)
        {
            s.Archived = true;
            s.ArchivedAt = now;
            s.UpdatedAt = now;
        }

        // Archived stages stay behind the live ones so their audit trail and ids remain known.
        stages.AddRange(pipeline.Stages.Where(s => !stages.Contains(s)));
        pipeline.Stages = stages;
        pipeline.Label = input.Label;
        pipeline.DisplayOrder = input.DisplayOrder;
        pipeline.UpdatedAt = now;
        PipelineRules.Audit(portal, type, pipeline, "UPDATE");
        return JsonIO.Json(w => PipelineJson.WritePipeline(w, pipeline));
    }

    private static async Task<IResult> Update(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, bool validateByDefault)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var root = doc.RootElement;
        var label = PipelineRules.OptionalString(root, "label");
        var displayOrder = PipelineRules.OptionalInt(root, "displayOrder");
        var archived = PipelineRules.OptionalBool(root, "archived");
        if (label is not null)
        {
            RequireLabel(label);
        }

        using var _ = portal.Write();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.WriteScopes);
        var pipelines = PipelinesOf(portal, type);
        // PATCH {"archived": false} is how an archived pipeline comes back; every other call needs a live one.
        var pipeline = pipelines.Find(p => p.Id == pipelineId && (!p.Archived || archived == false))
            ?? throw PipelineRules.PipelineNotFound(pipelineId);
        var now = portal.Now;
        if (archived == true)
        {
            ArchivePipeline(ctx, portal, type, pipeline, validateByDefault);
        }
        else if (archived == false && pipeline.Archived)
        {
            PipelineRules.CheckPipelineLabel(pipelines, label ?? pipeline.Label, pipeline);
            pipeline.Archived = false;
            pipeline.ArchivedAt = null;
        }

        if (label is not null)
        {
            PipelineRules.CheckPipelineLabel(pipelines, label, pipeline);
            pipeline.Label = label;
        }

        if (displayOrder is { } order)
        {
            pipeline.DisplayOrder = order;
        }

        pipeline.UpdatedAt = now;
        PipelineRules.Audit(portal, type, pipeline, "UPDATE");
        return JsonIO.Json(w => PipelineJson.WritePipeline(w, pipeline));
    }

    private static IResult Delete(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, bool validateByDefault)
    {
        using var _ = portal.Write();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.WriteScopes);
        var pipeline = FindActive(portal, type, pipelineId);
        ArchivePipeline(ctx, portal, type, pipeline, validateByDefault);
        PipelineRules.Audit(portal, type, pipeline, "DELETE");
        return JsonIO.NoContent();
    }

    /// <summary>Archives a pipeline unless it is the type's last one or (when validating) records sit in its stages.</summary>
    private static void ArchivePipeline(HttpContext ctx, PortalState portal, ObjectType type, Pipeline pipeline, bool validateByDefault)
    {
        if (!PipelinesOf(portal, type).Exists(p => p != pipeline && !p.Archived))
        {
            throw ApiError.Validation($"Pipeline {pipeline.Id} is the last {type.Singular} pipeline; an object with pipelines keeps at least one.",
                context: ApiError.Ctx("pipelineId", pipeline.Id));
        }

        if (ShouldValidate(ctx, type, validateByDefault))
        {
            PipelineRules.CheckNotReferenced(portal, type, pipeline, [.. PipelineJson.ActiveStages(pipeline).Select(s => s.Id)]);
        }

        var now = portal.Now;
        pipeline.Archived = true;
        pipeline.ArchivedAt = now;
        pipeline.UpdatedAt = now;
    }

    private static IResult Audit(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId)
    {
        using var _ = portal.Read();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.ReadScopes);
        var pipeline = FindActive(portal, type, pipelineId);
        return AuditResult(portal, pipeline, e => e.StageId is null);
    }

    private static IResult StageAudit(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, string stageId)
    {
        using var _ = portal.Read();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.ReadScopes);
        var pipeline = FindActive(portal, type, pipelineId);
        // Archived stages keep their trail: the audit is how one learns who removed them.
        if (!pipeline.Stages.Exists(s => s.Id == stageId))
        {
            throw PipelineRules.StageNotFound(pipelineId, stageId);
        }

        return AuditResult(portal, pipeline, e => e.StageId == stageId);
    }

    /// <summary>Audit entries newest first, as HubSpot lists them.</summary>
    private static IResult AuditResult(PortalState portal, Pipeline pipeline, Func<PipelineAuditEntry, bool> filter)
    {
        var entries = pipeline.Audit.Where(filter).Reverse().ToList();
        return JsonIO.Results(entries, (w, e) => PipelineJson.WriteAudit(w, portal.PortalId, pipeline, e));
    }

    private static IResult ListStages(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId)
    {
        using var _ = portal.Read();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.ReadScopes);
        var stages = PipelineJson.ActiveStages(FindActive(portal, type, pipelineId)).ToList();
        return JsonIO.Results(stages, (w, s) => PipelineJson.WriteStage(w, s));
    }

    private static IResult GetStage(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, string stageId)
    {
        using var _ = portal.Read();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.ReadScopes);
        var stage = FindActiveStage(FindActive(portal, type, pipelineId), stageId);
        return JsonIO.Json(w => PipelineJson.WriteStage(w, stage));
    }

    /// <summary>Labels are unique among the pipeline's live stages other than <paramref name="self"/>.</summary>
    private static void CheckStageLabel(Pipeline pipeline, string label, PipelineStage? self) =>
        PipelineRules.CheckStageLabels(pipeline.Stages.Where(s => !s.Archived && s != self).Select(s => s.Label).Append(label));

    private static async Task<IResult> CreateStage(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var input = PipelineRules.ReadStage(doc.RootElement, "PipelineStageInput", "label", "displayOrder", "metadata");
        RequireLabel(input.Label);
        using var _ = portal.Write();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.WriteScopes);
        var pipeline = FindActive(portal, type, pipelineId);
        PipelineRules.CheckStageCount(pipeline.Stages.Count(s => !s.Archived) + 1);
        CheckStageLabel(pipeline, input.Label!, null);
        if (input.StageId is { } wanted)
        {
            PipelineRules.CheckStageIdFree(PipelinesOf(portal, type), wanted, null);
        }

        var now = portal.Now;
        var stage = NewStage(type, input, input.StageId ?? PipelineRules.IdGenerator(portal)(), now);
        pipeline.Stages.RemoveAll(s => s.Id == stage.Id);
        pipeline.Stages.Add(stage);
        pipeline.UpdatedAt = now;
        PipelineRules.Audit(portal, type, pipeline, "CREATE", stage);
        return JsonIO.Json(201, w => PipelineJson.WriteStage(w, stage), Location(ctx, stage.Id));
    }

    private static async Task<IResult> ReplaceStage(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, string stageId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var input = PipelineRules.ReadStage(doc.RootElement, "PipelineStageInput", "label", "displayOrder", "metadata");
        RequireLabel(input.Label);
        using var _ = portal.Write();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.WriteScopes);
        var pipeline = FindActive(portal, type, pipelineId);
        var stage = FindActiveStage(pipeline, stageId);
        CheckStageLabel(pipeline, input.Label!, stage);
        var metadata = PipelineRules.NormalizeMetadata(type, input.Label!, input.Metadata);
        var now = portal.Now;
        stage.Label = input.Label!;
        stage.DisplayOrder = input.DisplayOrder ?? 0;
        stage.Metadata = metadata;
        stage.UpdatedAt = now;
        pipeline.UpdatedAt = now;
        PipelineRules.Audit(portal, type, pipeline, "UPDATE", stage);
        return JsonIO.Json(w => PipelineJson.WriteStage(w, stage));
    }

    private static async Task<IResult> UpdateStage(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, string stageId, bool validateByDefault)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        // The spec marks metadata required on PATCH; we accept its absence and keep the stage's metadata.
        var input = PipelineRules.ReadStage(doc.RootElement, "PipelineStagePatchInput");
        if (input.Label is not null)
        {
            RequireLabel(input.Label);
        }

        using var _ = portal.Write();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.WriteScopes);
        var pipeline = FindActive(portal, type, pipelineId);
        var stage = pipeline.Stages.Find(s => s.Id == stageId && (!s.Archived || input.Archived == false))
            ?? throw PipelineRules.StageNotFound(pipelineId, stageId);
        var label = input.Label ?? stage.Label;
        var restoring = input.Archived == false && stage.Archived;
        if (input.Label is not null || restoring)
        {
            CheckStageLabel(pipeline, label, stage);
        }

        if (restoring)
        {
            PipelineRules.CheckStageCount(pipeline.Stages.Count(s => !s.Archived) + 1);
            PipelineRules.CheckStageIdFree(PipelinesOf(portal, type), stage.Id, null);
        }

        var metadata = input.Metadata is null ? null : PipelineRules.NormalizeMetadata(type, label, input.Metadata);
        var now = portal.Now;
        if (input.Archived == true)
        {
            ArchiveStage(ctx, portal, type, pipeline, stage, validateByDefault);
        }
        else if (restoring)
        {
            stage.Archived = false;
            stage.ArchivedAt = null;
        }

        stage.Label = label;
        stage.DisplayOrder = input.DisplayOrder ?? stage.DisplayOrder;
        stage.Metadata = metadata ?? stage.Metadata;
        stage.UpdatedAt = now;
        pipeline.UpdatedAt = now;
        PipelineRules.Audit(portal, type, pipeline, "UPDATE", stage);
        return JsonIO.Json(w => PipelineJson.WriteStage(w, stage));
    }

    private static IResult DeleteStage(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string pipelineId, string stageId, bool validateByDefault)
    {
        using var _ = portal.Write();
        var type = PipelineRules.ResolvePipelineType(portal, objectType);
        grant.Require(type.WriteScopes);
        var pipeline = FindActive(portal, type, pipelineId);
        var stage = FindActiveStage(pipeline, stageId);
        ArchiveStage(ctx, portal, type, pipeline, stage, validateByDefault);
        PipelineRules.Audit(portal, type, pipeline, "DELETE", stage);
        return JsonIO.NoContent();
    }

    /// <summary>Archives a stage unless it is the pipeline's last one or (when validating) records sit in it.</summary>
    private static void ArchiveStage(HttpContext ctx, PortalState portal, ObjectType type, Pipeline pipeline, PipelineStage stage, bool validateByDefault)
    {
        if (!pipeline.Stages.Exists(s => s != stage && !s.Archived))
        {
            throw ApiError.Validation($"Stage {stage.Id} is the last stage of pipeline {pipeline.Id}; a pipeline keeps at least one stage.",
                context: ApiError.Ctx("stageId", stage.Id));
        }

        if (ShouldValidate(ctx, type, validateByDefault))
        {
            PipelineRules.CheckNotReferenced(portal, type, pipeline, [stage.Id]);
        }

        var now = portal.Now;
        stage.Archived = true;
        stage.ArchivedAt = now;
        stage.UpdatedAt = now;
        pipeline.UpdatedAt = now;
    }
}
