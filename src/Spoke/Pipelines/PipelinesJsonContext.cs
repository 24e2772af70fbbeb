using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.Pipelines;

internal sealed class PipelineResultsDto
{
    public List<Pipeline> Results { get; set; } = [];
}

internal sealed class PipelineStageResultsDto
{
    public List<PipelineStage> Results { get; set; } = [];
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Pipeline))]
[JsonSerializable(typeof(PipelineStage))]
[JsonSerializable(typeof(PipelineResultsDto))]
[JsonSerializable(typeof(PipelineStageResultsDto))]
[JsonSerializable(typeof(PipelineInput))]
[JsonSerializable(typeof(PipelineStageInput))]
[JsonSerializable(typeof(PipelinePatch))]
[JsonSerializable(typeof(PipelineStagePatch))]
internal sealed partial class PipelinesJsonContext : JsonSerializerContext;
