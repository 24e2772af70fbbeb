using Spoke.DataTools.Import;

namespace Spoke.DataTools.Mapping;

/// <summary>Options of <see cref="ImportPlanner.PrepareAsync"/>.</summary>
public sealed class ImportPlanOptions
{
    /// <summary>Overrides the map's <see cref="ImportMap.UpsertBy"/> (the CLI's <c>--upsert-by</c>).</summary>
    public string? UpsertBy { get; init; }
}

/// <summary>Turns a CSV file and a map into an <see cref="ImportPlan"/>, checked against the portal's live property definitions.</summary>
public static class ImportPlanner
{
    /// <summary>Reads the portal's property definitions and the file's header, checks the map against both, and returns the plan.</summary>
    /// <param name="client">The portal's client.</param>
    /// <param name="map">The mapping.</param>
    /// <param name="objectType">The object the rows become.</param>
    /// <param name="csvPath">The CSV file.</param>
    /// <param name="options">Overrides, or null.</param>
    /// <param name="cancellationToken">Stops the preparation.</param>
    /// <exception cref="FormatException">The map cannot be used with this file or portal (unknown column or property, ...); the message says what to fix.</exception>
    public static Task<ImportPlan> PrepareAsync(HubSpotClient client, ImportMap map, string objectType, string csvPath,
        ImportPlanOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The import planner is being built (issue 13).");
}

/// <summary>Writes a starting map for a CSV by matching its headers to the portal's properties (<c>spoke import init</c>).</summary>
public static class ImportMapGenerator
{
    /// <summary>A map whose columns are the file's headers matched to the object's properties (by name, then label).</summary>
    /// <param name="client">The portal's client.</param>
    /// <param name="objectType">The object the rows become.</param>
    /// <param name="csvPath">The CSV file.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public static Task<ImportMap> GenerateAsync(HubSpotClient client, string objectType, string csvPath, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The map generator is being built (issue 13).");
}
