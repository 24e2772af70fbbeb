using System.Globalization;
using System.Text.Json.Serialization;

namespace Spoke.Pipelines;

/// <summary>A deal, ticket or custom-object pipeline (docs/hubspot-api.md §3.5).</summary>
public sealed class Pipeline
{
    /// <summary>The pipeline's ID: the value deals hold in <c>pipeline</c> and tickets in <c>hs_pipeline</c> (<c>default</c> for HubSpot's default deal pipeline, <c>0</c> for tickets).</summary>
    public string Id { get; init; } = "";
    /// <summary>The name HubSpot shows.</summary>
    public string Label { get; init; } = "";
    /// <summary>Position among the type's pipelines, lowest first.</summary>
    public int DisplayOrder { get; init; }
    /// <summary>The pipeline's stages, in display order.</summary>
    public IReadOnlyList<PipelineStage> Stages { get; init; } = [];
    /// <summary>When the pipeline was created; null when HubSpot gives none.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the pipeline last changed; null when HubSpot gives none.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>True when the pipeline is archived.</summary>
    public bool Archived { get; init; }
    /// <summary>When it was archived; null while it is live.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }
}

/// <summary>
/// A stage. Deal stages carry <c>metadata["probability"]</c> (<c>"0.0"</c>–<c>"1.0"</c>, required) and
/// <c>isClosed</c>; ticket stages <c>ticketState</c> (<c>OPEN</c> or <c>CLOSED</c>).
/// </summary>
public sealed class PipelineStage
{
    /// <summary>The stage's ID: the value deals hold in <c>dealstage</c> and tickets in <c>hs_pipeline_stage</c>.</summary>
    public string Id { get; init; } = "";
    /// <summary>The name HubSpot shows; unique within the pipeline.</summary>
    public string Label { get; init; } = "";
    /// <summary>Position within the pipeline, lowest first.</summary>
    public int DisplayOrder { get; init; }
    /// <summary>HubSpot's <c>metadata</c>, every value a string: <c>probability</c> and <c>isClosed</c> on deal stages, <c>ticketState</c> on ticket stages.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    /// <summary>When the stage was created; null when HubSpot gives none.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the stage last changed; null when HubSpot gives none.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>True when the stage is archived.</summary>
    public bool Archived { get; init; }
    /// <summary>When it was archived; null while it is live.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }

    /// <summary><c>CRM_PERMISSIONS_ENFORCEMENT</c>, <c>READ_ONLY</c> or <c>INTERNAL_ONLY</c>.</summary>
    public string? WritePermissions { get; init; }

    /// <summary>A deal stage's win probability, 0.0–1.0 (<c>metadata.probability</c>); null when absent or not a number.</summary>
    [JsonIgnore]
    public decimal? Probability =>
        Metadata.TryGetValue("probability", out var p) && decimal.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Whether a deal stage closes the deal, won or lost (<c>metadata.isClosed</c>); null when absent.</summary>
    [JsonIgnore]
    public bool? IsClosed => Metadata.TryGetValue("isClosed", out var c) && bool.TryParse(c, out var value) ? value : null;

    /// <summary>A ticket stage's state (<c>metadata.ticketState</c>); null when absent or unknown (the raw value stays in <see cref="Metadata"/>).</summary>
    [JsonIgnore]
    public PipelineTicketState? TicketState => Metadata.GetValueOrDefault("ticketState")?.ToUpperInvariant() switch
    {
        "OPEN" => PipelineTicketState.Open,
        "CLOSED" => PipelineTicketState.Closed,
        _ => null,
    };
}

/// <summary>A ticket stage's <c>ticketState</c>.</summary>
public enum PipelineTicketState
{
    /// <summary><c>OPEN</c>: tickets in the stage are still being worked on.</summary>
    Open,
    /// <summary><c>CLOSED</c>: tickets in the stage are resolved.</summary>
    Closed,
}

/// <summary>A new or replacing pipeline, stages included.</summary>
public sealed class PipelineInput
{
    /// <summary>The name HubSpot shows.</summary>
    public required string Label { get; init; }
    /// <summary>Position among the type's pipelines, lowest first.</summary>
    public required int DisplayOrder { get; init; }
    /// <summary>All the pipeline's stages (up to 100 for deals, tickets and custom objects); a replace removes the stages left out.</summary>
    public required IList<PipelineStageInput> Stages { get; init; }

    /// <summary>Your own id for a new pipeline; HubSpot assigns one when null.</summary>
    public string? PipelineId { get; init; }
}

/// <summary>A new or replacing stage.</summary>
public sealed class PipelineStageInput
{
    /// <summary>The name HubSpot shows; unique within the pipeline.</summary>
    public required string Label { get; init; }
    /// <summary>Position within the pipeline, lowest first.</summary>
    public required int DisplayOrder { get; init; }
    /// <summary>HubSpot's <c>metadata</c>: deal stages need <c>probability</c> (see <see cref="DealStage"/>), ticket stages may have <c>ticketState</c> (see <see cref="TicketStage"/>).</summary>
    public IDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Your own id for a new stage; HubSpot assigns one when null.</summary>
    public string? StageId { get; init; }

    /// <summary>A deal stage: <paramref name="probability"/> (0.0–1.0) is required by HubSpot; <paramref name="isClosed"/> marks won/lost stages.</summary>
    public static PipelineStageInput DealStage(string label, int displayOrder, decimal probability, bool? isClosed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1m);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["probability"] = probability.ToString("0.0##", CultureInfo.InvariantCulture) };
        if (isClosed is { } closed)
        {
            metadata["isClosed"] = closed ? "true" : "false";
        }

        return new() { Label = label, DisplayOrder = displayOrder, Metadata = metadata };
    }

    /// <summary>A ticket stage in the given state.</summary>
    public static PipelineStageInput TicketStage(string label, int displayOrder, PipelineTicketState state) => new()
    {
        Label = label,
        DisplayOrder = displayOrder,
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["ticketState"] = state == PipelineTicketState.Closed ? "CLOSED" : "OPEN" },
    };
}

/// <summary>Changes to a pipeline; <see cref="Archived"/> false restores an archived one.</summary>
public sealed class PipelinePatch
{
    /// <summary>The new name; null keeps it.</summary>
    public string? Label { get; init; }
    /// <summary>The new position among the type's pipelines; null keeps it.</summary>
    public int? DisplayOrder { get; init; }
    /// <summary>False restores an archived pipeline; null keeps it as it is.</summary>
    public bool? Archived { get; init; }
}

/// <summary>Changes to a stage; what is left null stays as it is.</summary>
public sealed class PipelineStagePatch
{
    /// <summary>The new name, unique within the pipeline.</summary>
    public string? Label { get; init; }
    /// <summary>The new position within the pipeline.</summary>
    public int? DisplayOrder { get; init; }
    /// <summary>The new <c>metadata</c>; deal stages must keep <c>probability</c>.</summary>
    public IDictionary<string, string>? Metadata { get; init; }
    /// <summary>False restores an archived stage.</summary>
    public bool? Archived { get; init; }
}

/// <summary>
/// Whether HubSpot refuses to remove stages that records still use (the <c>validate…BeforeDelete</c> flags). Null
/// leaves the API family's default: off in v3, on in 2026-09.
/// </summary>
public sealed class PipelineValidation
{
    /// <summary><c>validateReferencesBeforeDelete</c>: refuse to remove stages that any record is in; null for the API family's default.</summary>
    public bool? ValidateReferencesBeforeDelete { get; init; }
    /// <summary><c>validateDealStageUsagesBeforeDelete</c>: for deal pipelines, also check whether deals use the stages; null for the API family's default.</summary>
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
