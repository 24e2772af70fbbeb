using Spoke.Properties;

namespace Spoke.DataTools.Import;

/// <summary>
/// What an import will do, before anything is written: the object, the upsert property, the properties to create,
/// and the file's rows mapped and validated (streamed, so a file of any size is read in constant memory apart from the
/// set of upsert keys that finds in-file duplicates).
/// </summary>
public sealed class ImportPlan
{
    private readonly Func<CancellationToken, IAsyncEnumerable<PreparedRow>> _rows;

    /// <param name="objectType">The object the rows become (e.g. <c>contacts</c>, <c>2-123</c>).</param>
    /// <param name="upsertBy">The unique property rows are matched by (e.g. <c>email</c>), or null to create every row.</param>
    /// <param name="header">The file's column names, in order.</param>
    /// <param name="filePath">The CSV file.</param>
    /// <param name="fileSha256">The file's SHA-256 (hex), so a resumed import knows it reads the same file.</param>
    /// <param name="propertiesToCreate">Custom properties the map declares that the portal does not have yet.</param>
    /// <param name="rows">Reads the rows, in file order, each time it is called.</param>
    public ImportPlan(string objectType, string? upsertBy, IReadOnlyList<string> header, string filePath, string fileSha256,
        IReadOnlyList<PropertyCreate> propertiesToCreate, Func<CancellationToken, IAsyncEnumerable<PreparedRow>> rows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentNullException.ThrowIfNull(rows);
        ObjectType = objectType;
        UpsertBy = upsertBy;
        Header = header;
        FilePath = filePath;
        FileSha256 = fileSha256;
        PropertiesToCreate = propertiesToCreate;
        _rows = rows;
    }

    /// <summary>The object the rows become.</summary>
    public string ObjectType { get; }

    /// <summary>The unique property rows are matched by, or null when every row is created.</summary>
    public string? UpsertBy { get; }

    /// <summary>The file's column names, in order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The CSV file.</summary>
    public string FilePath { get; }

    /// <summary>The file's SHA-256 (lowercase hex).</summary>
    public string FileSha256 { get; }

    /// <summary>Custom properties to create before the first row is written.</summary>
    public IReadOnlyList<PropertyCreate> PropertiesToCreate { get; }

    /// <summary>Reads the file's rows, mapped and validated, in file order.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    public IAsyncEnumerable<PreparedRow> ReadRowsAsync(CancellationToken cancellationToken = default) => _rows(cancellationToken);
}
