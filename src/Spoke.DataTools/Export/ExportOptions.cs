namespace Spoke.DataTools.Export;

/// <summary>The file format of an export.</summary>
public enum ExportFormat
{
    /// <summary>RFC 4180 CSV: a header of property internal names, the record id first, values in HubSpot's wire format.</summary>
    Csv,

    /// <summary>One JSON object per line: <c>id</c>, <c>properties</c>, <c>createdAt</c>, <c>updatedAt</c>, <c>archived</c>, <c>associations</c>.</summary>
    Jsonl,
}

/// <summary>What <see cref="RecordExporter.ExportAsync"/> exports and how.</summary>
public sealed class ExportOptions
{
    /// <summary>CSV or JSONL.</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Csv;

    /// <summary>The properties to export (internal names), in column order; empty for every property the object defines.</summary>
    public IReadOnlyList<string> Properties { get; init; } = [];

    /// <summary>
    /// Conditions every exported record meets, ANDed, each <c>PROPERTY OPERATOR VALUE</c>: <c>lifecyclestage=customer</c>,
    /// <c>amount&gt;1000</c>, <c>hs_lastmodifieddate&gt;=2026-01-01</c>, <c>email~*@acme.com</c> (operators <c>= != &gt; &gt;= &lt; &lt;= ~ !~</c>;
    /// <c>PROPERTY=*</c> has a value, <c>PROPERTY!=*</c> has none). Checked against the property definitions. Empty: every record.
    /// </summary>
    public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>Object types whose associated record ids each record carries (e.g. <c>companies</c>, <c>deals</c>).</summary>
    public IReadOnlyList<string> Associations { get; init; } = [];

    /// <summary>Export the archived records (the recycle bin) instead of the live ones. Not with <see cref="Filters"/>: search never returns archived records.</summary>
    public bool Archived { get; init; }

    /// <summary>Told after each page is written: how many records so far, and the total when HubSpot can count it.</summary>
    public IProgress<ExportProgress>? Progress { get; init; }
}

/// <summary>How far an export is.</summary>
/// <param name="Records">Records written so far.</param>
/// <param name="Total">How many there are, when known (an estimate: search counts, which lag writes and skip archived records).</param>
public sealed record ExportProgress(long Records, long? Total);

/// <summary>What an export wrote.</summary>
/// <param name="Records">Records written.</param>
/// <param name="Elapsed">From the first request to the last byte written.</param>
/// <param name="Properties">The properties exported, in column order.</param>
public sealed record ExportResult(long Records, TimeSpan Elapsed, IReadOnlyList<string> Properties)
{
    /// <summary>Records per second (0 when no time passed).</summary>
    public double RecordsPerSecond => Elapsed > TimeSpan.Zero ? Records / Elapsed.TotalSeconds : 0;
}
