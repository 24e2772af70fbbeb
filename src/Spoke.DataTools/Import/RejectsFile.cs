using System.Globalization;
using CsvHelper;

namespace Spoke.DataTools.Import;

/// <summary>
/// The rejects file: the source header plus <c>line</c> and <c>reasons</c> columns, one record per rejected row with its
/// original fields and every reason (joined by <c>"; "</c>). Streamed: created at the first reject, flushed per row.
/// </summary>
internal sealed class RejectsFile(string path, IReadOnlyList<string> header) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private StreamWriter? _writer;
    private CsvWriter? _csv;

    public string Path { get; } = path;

    public long Count { get; private set; }

    /// <summary>The default place: <c>FILE.rejects.csv</c> next to <c>FILE.csv</c>.</summary>
    public static string DefaultPath(string csvPath) => System.IO.Path.ChangeExtension(csvPath, null) + ".rejects.csv";

    public void Write(IReadOnlyList<string> fields, long line, IReadOnlyList<string> reasons)
    {
        lock (_lock)
        {
            if (_csv is null)
            {
                _writer = new StreamWriter(Path, append: false, new System.Text.UTF8Encoding(false));
                _csv = new CsvWriter(_writer, CultureInfo.InvariantCulture);
                foreach (var name in header)
                {
                    _csv.WriteField(name);
                }

                _csv.WriteField("line");
                _csv.WriteField("reasons");
                _csv.NextRecord();
            }

            for (var i = 0; i < header.Count; i++)
            {
                _csv.WriteField(i < fields.Count ? fields[i] : "");
            }

            _csv.WriteField(line.ToString(CultureInfo.InvariantCulture));
            _csv.WriteField(string.Join("; ", reasons));
            _csv.NextRecord();
            _csv.Flush();
            Count++;
        }
    }

    /// <summary>A file left by an earlier run of this import describes rows this run writes again: remove it before the first reject.</summary>
    public void DeleteStale()
    {
        if (_csv is null && File.Exists(Path))
        {
            File.Delete(Path);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_csv is not null)
        {
            await _csv.DisposeAsync().ConfigureAwait(false);
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
