namespace Spoke.Pipelines;

/// <summary>A deal, ticket or custom-object pipeline (docs §3.5).</summary>
public sealed class Pipeline
{
    public string Id { get; init; } = "";
    public string Label { get; init; } = "";
    public int DisplayOrder { get; init; }
    public IReadOnlyList<PipelineStage> Stages { get; init; } = [];
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public bool Archived { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }
}

/// <summary>
/// A stage. Deal stages carry <c>metadata["probability"]</c> (<c>"0.0"</c>–<c>"1.0"</c>, required) and
/// <c>isClosed</c>; ticket stages <c>ticketState</c> (<c>OPEN</c> or <c>CLOSED</c>).
/// </summary>
public sealed class PipelineStage
{
    public string Id { get; init; } = "";
    public string Label { get; init; } = "";
    public int DisplayOrder { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public bool Archived { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }

    /// <summary><c>CRM_PERMISSIONS_ENFORCEMENT</c>, <c>READ_ONLY</c> or <c>INTERNAL_ONLY</c>.</summary>
    public string? WritePermissions { get; init; }
}

/// <summary>A new or replacing pipeline, stages included.</summary>
public sealed class PipelineInput
{
    public required string Label { get; init; }
    public required int DisplayOrder { get; init; }
    public required IList<PipelineStageInput> Stages { get; init; }

    /// <summary>Your own id for a new pipeline; HubSpot assigns one when null.</summary>
    public string? PipelineId { get; init; }
}

/// <summary>A new or replacing stage.</summary>
public sealed class PipelineStageInput
{
    public required string Label { get; init; }
    public required int DisplayOrder { get; init; }
    public IDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Your own id for a new stage; HubSpot assigns one when null.</summary>
    public string? StageId { get; init; }
}

/// <summary>Changes to a pipeline; <see cref="Archived"/> false restores an archived one.</summary>
public sealed class PipelinePatch
{
    public string? Label { get; init; }
    public int? DisplayOrder { get; init; }
    public bool? Archived { get; init; }
}

/// <summary>Changes to a stage; what is left null stays as it is.</summary>
public sealed class PipelineStagePatch
{
    public string? Label { get; init; }
    public int? DisplayOrder { get; init; }
    public IDictionary<string, string>? Metadata { get; init; }
    public bool? Archived { get; init; }
}

/// <summary>
/// Whether HubSpot refuses to remove stages that records still use (the <c>validate…BeforeDelete</c> flags). Null
/// leaves the API family's default: off in v3, on in 2026-09.
/// </summary>
public sealed class PipelineValidation
{
    public bool? ValidateReferencesBeforeDelete { get; init; }
    public bool? ValidateDealStageUsagesBeforeDelete { get; init; }

    /// <summary>Refuse when any record uses the stages (both flags on).</summary>
    public static PipelineValidation Strict { get; } = new() { ValidateReferencesBeforeDelete = true, ValidateDealStageUsagesBeforeDelete = true };

    internal string Query()
    {
        var parts = new List<string>();
        if (ValidateReferencesBeforeDelete is { } r)
        {
            parts.Add($"validateReferencesBeforeDelete={(r ? "true" : "false")}");
        }

        if (ValidateDealStageUsagesBeforeDelete is { } d)
        {
            parts.Add($"validateDealStageUsagesBeforeDelete={(d ? "true" : "false")}");
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
