using System.Globalization;
using System.Text.Json.Serialization;

namespace Spoke.Pipelines;

/// <summary>A deal, ticket or custom-object pipeline (docs/hubspot-api.md §3.5).</summary>
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
    Open,
    Closed,
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
