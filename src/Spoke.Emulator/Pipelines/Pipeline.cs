namespace Spoke.Emulator.Pipelines;

/// <summary>A pipeline stage (<c>PipelineStage</c>, docs/hubspot-api.md §3.5).</summary>
internal sealed class PipelineStage
{
    public required string Id { get; init; }
    public required string Label { get; set; }
    public int DisplayOrder { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Archived { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
    public string WritePermissions { get; set; } = "CRM_PERMISSIONS_ENFORCEMENT";
}

/// <summary>A deal, ticket or custom-object pipeline (<c>Pipeline</c>, docs/hubspot-api.md §3.5).</summary>
internal sealed class Pipeline
{
    public required string Id { get; init; }
    public required string Label { get; set; }
    public int DisplayOrder { get; set; }
    public List<PipelineStage> Stages { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Archived { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>Changes made through the pipelines API, oldest first (served by the audit endpoints; persisted apart from the pipeline by the journal).</summary>
    public List<PipelineAuditEntry> Audit { get; } = [];

    public PipelineStage? FindStage(string stageId) => Stages.Find(s => s.Id == stageId && !s.Archived);
}

/// <summary>
/// One change to a pipeline or, when <see cref="StageId"/> is set, to one of its stages (<c>PublicAuditInfo</c>).
/// <see cref="RawObject"/> is the JSON snapshot of the pipeline or stage after the change, as a string (as HubSpot sends it).
/// </summary>
internal sealed record PipelineAuditEntry(string? StageId, string Action, DateTimeOffset Timestamp, string Message, string RawObject);

/// <summary>The pipelines a new portal has (docs/hubspot-api.md §10).</summary>
internal static class DefaultPipelines
{
    public static Pipeline Deals(DateTimeOffset at)
    {
        (string Id, string Label, string Probability, bool Closed)[] stages =
        [
            ("appointmentscheduled", "Appointment Scheduled", "0.2", false),
            ("qualifiedtobuy", "Qualified To Buy", "0.4", false),
            ("presentationscheduled", "Presentation Scheduled", "0.6", false),
            ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", false),
            ("contractsent", "Contract Sent", "0.9", false),
            ("closedwon", "Closed Won", "1.0", true),
            ("closedlost", "Closed Lost", "0.0", true),
        ];
        return new Pipeline
        {
            Id = "default", Label = "Sales Pipeline", DisplayOrder = 0, CreatedAt = at, UpdatedAt = at,
            Stages = [.. stages.Select((s, i) => new PipelineStage
            {
                Id = s.Id, Label = s.Label, DisplayOrder = i, CreatedAt = at, UpdatedAt = at,
                Metadata = new(StringComparer.Ordinal) { ["isClosed"] = s.Closed ? "true" : "false", ["probability"] = s.Probability },
            })],
        };
    }

    public static Pipeline Tickets(DateTimeOffset at)
    {
        (string Id, string Label, string State)[] stages =
            [("1", "New", "OPEN"), ("2", "Waiting on contact", "OPEN"), ("3", "Waiting on us", "OPEN"), ("4", "Closed", "CLOSED")];
        return new Pipeline
        {
            Id = "0", Label = "Support Pipeline", DisplayOrder = 0, CreatedAt = at, UpdatedAt = at,
            Stages = [.. stages.Select((s, i) => new PipelineStage
            {
                Id = s.Id, Label = s.Label, DisplayOrder = i, CreatedAt = at, UpdatedAt = at,
                Metadata = new(StringComparer.Ordinal) { ["ticketState"] = s.State },
            })],
        };
    }
}
