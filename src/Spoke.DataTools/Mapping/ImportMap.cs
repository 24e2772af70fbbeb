namespace Spoke.DataTools.Mapping;

/// <summary>
/// A mapping file: how a CSV's columns become one HubSpot object's properties (transforms, required columns,
/// associations, custom properties to create). See <c>samples/DataTools/contacts.map.json</c> and its schema.
/// </summary>
public sealed class ImportMap
{
    /// <summary>The unique property rows are matched by (e.g. <c>email</c>), or null to create every row.</summary>
    public string? UpsertBy { get; set; }

    /// <summary>Reads and checks a mapping file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="FormatException">The file is not a valid map; the message names the place and the fix.</exception>
    public static Task<ImportMap> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The mapping file reader is being built (issue 13).");

    /// <summary>Writes the map as indented JSON.</summary>
    /// <param name="path">The JSON file (overwritten).</param>
    /// <param name="cancellationToken">Stops the write.</param>
    public Task SaveAsync(string path, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The mapping file writer is being built (issue 13).");
}
