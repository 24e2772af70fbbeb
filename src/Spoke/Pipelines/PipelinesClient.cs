using Spoke.Paging;
using Spoke.Http;
using static Spoke.Http.ApiPaths;

namespace Spoke.Pipelines;

/// <summary>Pipelines and their stages for deals, tickets and custom objects (docs/hubspot-api.md §3.5).</summary>
public class PipelinesClient
{
    private static readonly PipelinesJsonContext Json = PipelinesJsonContext.Default;
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected PipelinesClient()
    {
    }

    internal PipelinesClient(HubSpotHttp http) => _http = http;

    private string Root(string objectType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        return $"{_http.Options.PipelinesPrefix()}/{Seg(objectType)}";
    }

    private string One(string objectType, string pipelineId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineId);
        return $"{Root(objectType)}/{Seg(pipelineId)}";
    }

    private const string StageTemplate = "{pipelineId}/stages/{stageId}";

    private string Stage(string objectType, string pipelineId, string stageId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stageId);
        return $"{One(objectType, pipelineId)}/stages/{Seg(stageId)}";
    }

    /// <summary>The live pipelines of a type, in display order.</summary>
    public virtual AsyncPageable<Pipeline> ListAsync(string objectType, CancellationToken cancellationToken = default)
        => AsyncPageable<Pipeline>.SinglePage(ct => ReadListAsync(objectType, ct), cancellationToken);

    private async Task<IReadOnlyList<Pipeline>> ReadListAsync(string objectType, CancellationToken cancellationToken)
    {
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root(objectType)), Root(objectType), Json.PipelineResultsDto, cancellationToken).ConfigureAwait(false);
        return dto.Results;
    }

    /// <summary>
    /// The type's default pipeline: the one with HubSpot's fixed default id (<c>default</c> for deals, <c>0</c> for
    /// tickets) while it exists, otherwise the first in display order; null when the type has no live pipeline.
    /// </summary>
    public virtual async Task<Pipeline?> GetDefaultAsync(string objectType, CancellationToken cancellationToken = default)
    {
        var pipelines = await ReadListAsync(objectType, cancellationToken).ConfigureAwait(false);
        var defaultId = objectType switch
        {
            "deals" or "deal" or Crm.CrmObjectTypeIds.Deals => "default",
            "tickets" or "ticket" or Crm.CrmObjectTypeIds.Tickets => "0",
            _ => null,
        };
        return pipelines.FirstOrDefault(p => p.Id == defaultId && !p.Archived)
               ?? pipelines.Where(p => !p.Archived).OrderBy(p => p.DisplayOrder).FirstOrDefault();
    }

    /// <summary>One pipeline with its stages; a missing one throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual Task<Pipeline> GetAsync(string objectType, string pipelineId, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Get(Root(objectType), "{pipelineId}"), One(objectType, pipelineId), Json.Pipeline, cancellationToken);

    /// <summary>Creates a pipeline with its stages and returns it with the IDs HubSpot assigned.</summary>
    public virtual Task<Pipeline> CreateAsync(string objectType, PipelineInput pipeline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return _http.SendAsync(HubSpotOperation.Create(Root(objectType)), Root(objectType), pipeline, Json.PipelineInput, Json.Pipeline, cancellationToken);
    }

    /// <summary>Replaces a pipeline and all its stages; stages left out are removed (subject to <paramref name="validation"/>).</summary>
    public virtual Task<Pipeline> ReplaceAsync(string objectType, string pipelineId, PipelineInput pipeline, PipelineValidation? validation = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return _http.SendAsync(HubSpotOperation.Put(Root(objectType), "{pipelineId}"), One(objectType, pipelineId) + (validation?.Query() ?? ""), pipeline, Json.PipelineInput, Json.Pipeline, cancellationToken);
    }

    /// <summary>Changes a pipeline's label, display order or archived state (only what <paramref name="patch"/> sets); its stages stay as they are.</summary>
    public virtual Task<Pipeline> UpdateAsync(string objectType, string pipelineId, PipelinePatch patch, PipelineValidation? validation = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return _http.SendAsync(HubSpotOperation.Patch(Root(objectType), "{pipelineId}"), One(objectType, pipelineId) + (validation?.Query() ?? ""), patch, Json.PipelinePatch, Json.Pipeline, cancellationToken);
    }

    /// <summary>
    /// Archives a pipeline. With validation on (<see cref="PipelineValidation.Strict"/>, or by default in 2026-09), a
    /// pipeline whose stages records use is refused with 400 and <c>context.stageIds</c>.
    /// </summary>
    public virtual Task DeleteAsync(string objectType, string pipelineId, PipelineValidation? validation = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Delete(Root(objectType), "{pipelineId}"), One(objectType, pipelineId) + (validation?.Query() ?? ""), cancellationToken);

    /// <summary>The stages of a pipeline (HubSpot doesn't page these).</summary>
    public virtual AsyncPageable<PipelineStage> ListStagesAsync(string objectType, string pipelineId, CancellationToken cancellationToken = default)
        => AsyncPageable<PipelineStage>.SinglePage(ct => ReadListStagesAsync(objectType, pipelineId, ct), cancellationToken);

    private async Task<IReadOnlyList<PipelineStage>> ReadListStagesAsync(string objectType, string pipelineId, CancellationToken cancellationToken)
    {
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root(objectType), "{pipelineId}/stages"), $"{One(objectType, pipelineId)}/stages", Json.PipelineStageResultsDto, cancellationToken).ConfigureAwait(false);
        return dto.Results;
    }

    /// <summary>One stage; a missing one throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual Task<PipelineStage> GetStageAsync(string objectType, string pipelineId, string stageId, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Get(Root(objectType), StageTemplate), Stage(objectType, pipelineId, stageId), Json.PipelineStage, cancellationToken);

    /// <summary>Adds a stage to a pipeline and returns it with the ID HubSpot assigned.</summary>
    public virtual Task<PipelineStage> CreateStageAsync(string objectType, string pipelineId, PipelineStageInput stage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return _http.SendAsync(HubSpotOperation.Create(Root(objectType), "{pipelineId}/stages"), $"{One(objectType, pipelineId)}/stages", stage, Json.PipelineStageInput, Json.PipelineStage, cancellationToken);
    }

    /// <summary>Replaces a stage's label, display order and metadata.</summary>
    public virtual Task<PipelineStage> ReplaceStageAsync(string objectType, string pipelineId, string stageId, PipelineStageInput stage,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return _http.SendAsync(HubSpotOperation.Put(Root(objectType), StageTemplate), Stage(objectType, pipelineId, stageId), stage, Json.PipelineStageInput, Json.PipelineStage, cancellationToken);
    }

    /// <summary>Changes a stage (only what <paramref name="patch"/> sets); archiving it is subject to <paramref name="validation"/>.</summary>
    public virtual Task<PipelineStage> UpdateStageAsync(string objectType, string pipelineId, string stageId, PipelineStagePatch patch,
        PipelineValidation? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return _http.SendAsync(HubSpotOperation.Patch(Root(objectType), StageTemplate), Stage(objectType, pipelineId, stageId) + (validation?.Query() ?? ""), patch,
            Json.PipelineStagePatch, Json.PipelineStage, cancellationToken);
    }

    /// <summary>Archives a stage; with validation on, a stage that records use is refused (400).</summary>
    public virtual Task DeleteStageAsync(string objectType, string pipelineId, string stageId, PipelineValidation? validation = null,
        CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Delete(Root(objectType), StageTemplate), Stage(objectType, pipelineId, stageId) + (validation?.Query() ?? ""), cancellationToken);
}
