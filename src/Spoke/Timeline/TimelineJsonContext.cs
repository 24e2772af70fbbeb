using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Batching;

namespace Spoke.Timeline;

internal sealed class TemplateResultsDto
{
    public List<TimelineEventTemplate> Results { get; set; } = [];
}

/// <summary>The PUT body: HubSpot's spec wants the template id in it too.</summary>
internal sealed class TemplateUpdateDto
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? HeaderTemplate { get; set; }
    public string? DetailTemplate { get; set; }
    public IList<TimelineToken>? Tokens { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TimelineEventTemplate))]
[JsonSerializable(typeof(TemplateResultsDto))]
[JsonSerializable(typeof(TimelineEventTemplateCreate))]
[JsonSerializable(typeof(TemplateUpdateDto))]
[JsonSerializable(typeof(TimelineToken))]
[JsonSerializable(typeof(TimelineTokenUpdate))]
[JsonSerializable(typeof(TimelineEvent))]
[JsonSerializable(typeof(TimelineEventResult))]
[JsonSerializable(typeof(BatchInputDto<TimelineEvent>))]
[JsonSerializable(typeof(BatchResponseDto<TimelineEventResult>))]
internal sealed partial class TimelineJsonContext : JsonSerializerContext;
