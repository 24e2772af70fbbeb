using System.Text.Json;

namespace Spoke.Batching;

/// <summary>HubSpot's batch answer: <c>{status, results, numErrors?, errors?, startedAt, completedAt}</c> (docs/hubspot-api.md §4.3).</summary>
internal sealed class BatchResponseDto<T>
{
    public string? Status { get; set; }
    public List<T> Results { get; set; } = [];
    public int? NumErrors { get; set; }
    public List<JsonElement>? Errors { get; set; }
}

/// <summary><c>{inputs: [...]}</c>.</summary>
internal sealed class BatchInputDto<T>
{
    public List<T> Inputs { get; set; } = [];
}
