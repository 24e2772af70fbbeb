namespace Spoke.Emulator.Tests.Pipelines;

/// <summary>Request bodies the pipeline tests share.</summary>
internal static class PipelineBodies
{
    /// <summary>A deal pipeline with an open stage, a won stage and a lost stage.</summary>
    public static object DealPipeline(string label, string? pipelineId = null, int displayOrder = 1, string prefix = "") => new
    {
        label,
        displayOrder,
        pipelineId,
        stages = new object[]
        {
            new { label = "Open", displayOrder = 0, metadata = new { probability = "0.5" }, stageId = prefix.Length > 0 ? prefix + "_open" : null },
            new { label = "Won", displayOrder = 1, metadata = new { probability = "1.0" }, stageId = prefix.Length > 0 ? prefix + "_won" : null },
            new { label = "Lost", displayOrder = 2, metadata = new { probability = "0.0" }, stageId = prefix.Length > 0 ? prefix + "_lost" : null },
        },
    };

    public static object DealStage(string label, string probability, int displayOrder = 5, string? stageId = null) =>
        new { label, displayOrder, metadata = new { probability }, stageId };
}
