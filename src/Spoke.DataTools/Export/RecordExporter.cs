using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using CsvHelper;
using CsvHelper.Configuration;
using Spoke.Crm;
using Spoke.Errors;
using Spoke.Properties;

namespace Spoke.DataTools.Export;

/// <summary>
/// Streams one object's records to a CSV or JSONL stream, one page at a time: memory stays the same whatever the
/// number of records. Without filters it reads the list API (live or archived records); with filters, the search API,
/// which the client walks past HubSpot's 10,000-result ceiling in <c>hs_object_id</c> windows. Associated ids come from
/// the v4 batch association read, one request per page and type.
/// </summary>
public sealed class RecordExporter
{
    /// <summary>The CSV column holding the record id (HubSpot's own name for it).</summary>
    public const string IdColumn = "hs_object_id";

    /// <summary>The prefix of a CSV column holding associated ids (<c>associations.companies</c>).</summary>
    public const string AssociationColumnPrefix = "associations.";

    // The client's search windows add two filters to the group; HubSpot allows ten per group.
    private const int MaxFilters = 8;

    // Beyond this, the property list no longer fits a GET's query string on every server (Kestrel's default request line
    // is 8 KiB): the list API then names ids only, and a batch read (a POST) fetches their properties.
    private const int MaxPropertyQueryChars = 4_000;

    private const int ListPageSize = 100;
    private const int SearchPageSize = CrmSearchRequest.MaxPageSize;

    private readonly HubSpotClient _client;
    private readonly TimeProvider _time;

    /// <param name="client">The portal's client.</param>
    /// <param name="timeProvider">For the elapsed time; the system clock when null.</param>
    public RecordExporter(HubSpotClient client, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Checks the export against the object's definitions and returns the properties it will export, in column order.</summary>
    /// <exception cref="FormatException">A property is unknown, or the filters cannot be used; the message says what to write.</exception>
    public async Task<IReadOnlyList<string>> ResolvePropertiesAsync(string objectType, ExportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentNullException.ThrowIfNull(options);
        return Resolve(objectType, options, await DefinitionsAsync(_client, objectType, cancellationToken).ConfigureAwait(false)).Properties;
    }

    /// <summary>Writes every record of <paramref name="objectType"/> that the options select to <paramref name="output"/> (left open).</summary>
    /// <exception cref="FormatException">A property is unknown, or the filters cannot be used; the message says what to write. Nothing is written.</exception>
    public async Task<ExportResult> ExportAsync(string objectType, Stream output, ExportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var started = _time.GetTimestamp();
        var (properties, filters) = Resolve(objectType, options, await DefinitionsAsync(_client, objectType, cancellationToken).ConfigureAwait(false));
        var total = await CountAsync(objectType, options, filters, cancellationToken).ConfigureAwait(false);

        await using var text = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await using var sink = options.Format == ExportFormat.Csv
            ? (RecordSink)new CsvSink(text, properties, options.Associations)
            : new JsonlSink(text, properties, options.Associations);
        await sink.WriteHeaderAsync(cancellationToken).ConfigureAwait(false);

        long written = 0;
        options.Progress?.Report(new ExportProgress(0, total));
        await foreach (var page in ReadPagesAsync(objectType, properties, filters, options, cancellationToken).ConfigureAwait(false))
        {
            var associations = await AssociationsAsync(objectType, page, options.Associations, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                await sink.WriteAsync(record, associations, cancellationToken).ConfigureAwait(false);
            }

            await text.FlushAsync(cancellationToken).ConfigureAwait(false);
            written += page.Count;
            options.Progress?.Report(new ExportProgress(written, total));
        }

        await sink.CompleteAsync().ConfigureAwait(false);
        await text.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new ExportResult(written, _time.GetElapsedTime(started), properties);
    }

    internal static async Task<Dictionary<string, PropertyDefinition>> DefinitionsAsync(HubSpotClient client, string objectType, CancellationToken cancellationToken)
    {
        var definitions = new Dictionary<string, PropertyDefinition>(StringComparer.Ordinal);
        await foreach (var definition in client.Properties.ListAsync(objectType, null, cancellationToken).ConfigureAwait(false))
        {
            definitions[definition.Name] = definition;
        }

        return definitions;
    }

    internal static (List<string> Properties, List<CrmFilter> Filters) Resolve(string objectType, ExportOptions options, Dictionary<string, PropertyDefinition> definitions)
    {
        if (options.Archived && options.Filters.Count > 0)
        {
            throw new FormatException("Filters cannot be combined with archived records: HubSpot's search never returns archived records. Export the archived records without filters and filter the file.");
        }

        if (options.Filters.Count > MaxFilters)
        {
            throw new FormatException($"{options.Filters.Count} filters given; at most {MaxFilters} can be sent (HubSpot allows 10 per search, and paging past 10,000 results takes 2).");
        }

        var filters = options.Filters.Select(f => ExportFilter.Parse(f, definitions)).ToList();

        foreach (var type in options.Associations)
        {
            if (string.IsNullOrWhiteSpace(type) || type.Contains(',', StringComparison.Ordinal))
            {
                throw new FormatException($"The association type \"{type}\" is empty or not one name: list object types separated by commas, e.g. companies,deals.");
            }
        }

        if (options.Properties.Count == 0)
        {
            return ([.. definitions.Keys.Where(p => p != IdColumn)], filters);
        }

        var unknown = options.Properties.Where(p => !definitions.ContainsKey(p)).ToList();
        if (unknown.Count > 0)
        {
            throw new FormatException($"{objectType} has no propert{(unknown.Count == 1 ? "y" : "ies")} {string.Join(", ", unknown.Select(u => $"\"{u}\""))}: use internal names (not labels), or all for every property.");
        }

        return ([.. options.Properties.Where(p => p != IdColumn).Distinct(StringComparer.Ordinal)], filters);
    }

    private async Task<long?> CountAsync(string objectType, ExportOptions options, List<CrmFilter> filters, CancellationToken cancellationToken)
    {
        if (options.Progress is null || options.Archived)
        {
            return null; // search counts live records only
        }

        try
        {
            var request = new CrmSearchRequest();
            if (filters.Count > 0)
            {
                request.AddFilterGroup(filters);
            }

            return await _client.Crm.Objects(objectType).CountAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HubSpotApiException)
        {
            return null; // the total only feeds a progress bar: an export does not fail for want of it
        }
    }

    private async IAsyncEnumerable<IReadOnlyList<CrmObject>> ReadPagesAsync(string objectType, List<string> properties, List<CrmFilter> filters, ExportOptions options,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var records = _client.Crm.Objects(objectType);
        if (filters.Count > 0)
        {
            var request = new CrmSearchRequest().AddFilterGroup(filters).Select(properties.Count > 0 ? properties : [IdColumn]);
            await foreach (var page in records.SearchAsync(request, cancellationToken).AsPages(null, SearchPageSize).ConfigureAwait(false))
            {
                yield return page.Values;
            }

            yield break;
        }

        var wide = properties.Sum(p => p.Length + 1) > MaxPropertyQueryChars;
        var list = new CrmReadOptions { Properties = wide ? [IdColumn] : [.. properties], Archived = options.Archived };
        await foreach (var page in records.ListAsync(list, cancellationToken).AsPages(null, ListPageSize).ConfigureAwait(false))
        {
            if (!wide || page.Values.Count == 0)
            {
                yield return page.Values;
                continue;
            }

            var read = await records.BatchReadAsync(page.Values.Select(r => r.Id),
                new CrmReadOptions { Properties = [.. properties], Archived = options.Archived }, cancellationToken).ConfigureAwait(false);
            if (read.Failed.Count > 0)
            {
                throw read.Failed[0].ToException();
            }

            // Back in the listing's order (a batch answers in any order).
            var byId = read.Values.ToDictionary(r => r.Id, StringComparer.Ordinal);
            yield return [.. page.Values.Select(r => byId.GetValueOrDefault(r.Id, r))];
        }
    }

    private async Task<Dictionary<(string Type, string Id), IReadOnlyList<string>>> AssociationsAsync(string objectType, IReadOnlyList<CrmObject> page,
        IReadOnlyList<string> types, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string, string), IReadOnlyList<string>>();
        if (types.Count == 0 || page.Count == 0)
        {
            return found;
        }

        foreach (var type in types)
        {
            var result = await _client.Associations.BatchReadAsync(objectType, type, page.Select(r => r.Id), cancellationToken).ConfigureAwait(false);
            if (result.Failed.Count > 0)
            {
                throw result.Failed[0].ToException();
            }

            foreach (var record in result.Values)
            {
                found[(type, record.FromObjectId)] = [.. record.To.Select(t => t.ToObjectId).Distinct(StringComparer.Ordinal)];
            }
        }

        return found;
    }

    private abstract class RecordSink : IAsyncDisposable
    {
        public abstract Task WriteHeaderAsync(CancellationToken cancellationToken);

        public abstract Task WriteAsync(CrmObject record, Dictionary<(string Type, string Id), IReadOnlyList<string>> associations, CancellationToken cancellationToken);

        public virtual Task CompleteAsync() => Task.CompletedTask;

        public abstract ValueTask DisposeAsync();
    }

    private sealed class CsvSink(TextWriter text, IReadOnlyList<string> properties, IReadOnlyList<string> associationTypes) : RecordSink
    {
        private readonly CsvWriter _csv = new(text, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" }, leaveOpen: true);

        public override async Task WriteHeaderAsync(CancellationToken cancellationToken)
        {
            _csv.WriteField(IdColumn);
            foreach (var property in properties)
            {
                _csv.WriteField(property);
            }

            foreach (var type in associationTypes)
            {
                _csv.WriteField(AssociationColumnPrefix + type);
            }

            await _csv.NextRecordAsync().ConfigureAwait(false);
        }

        public override async Task WriteAsync(CrmObject record, Dictionary<(string Type, string Id), IReadOnlyList<string>> associations, CancellationToken cancellationToken)
        {
            _csv.WriteField(record.Id);
            foreach (var property in properties)
            {
                _csv.WriteField(record.Properties.GetValueOrDefault(property) ?? "");
            }

            foreach (var type in associationTypes)
            {
                _csv.WriteField(associations.TryGetValue((type, record.Id), out var ids) ? string.Join(';', ids) : "");
            }

            await _csv.NextRecordAsync().ConfigureAwait(false);
        }

        // The writer owns nothing but its buffer (the text writer is left open): flushing completes it.
        public override Task CompleteAsync() => _csv.FlushAsync();

        public override ValueTask DisposeAsync() => _csv.DisposeAsync();
    }

    private sealed class JsonlSink(TextWriter text, IReadOnlyList<string> properties, IReadOnlyList<string> associationTypes) : RecordSink
    {
        public override Task WriteHeaderAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public override async Task WriteAsync(CrmObject record, Dictionary<(string Type, string Id), IReadOnlyList<string>> associations, CancellationToken cancellationToken)
        {
            var values = new Dictionary<string, string?>(properties.Count, StringComparer.Ordinal);
            foreach (var property in properties)
            {
                values[property] = record.Properties.GetValueOrDefault(property);
            }

            Dictionary<string, IReadOnlyList<string>>? linked = null;
            if (associationTypes.Count > 0)
            {
                linked = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var type in associationTypes)
                {
                    linked[type] = associations.GetValueOrDefault((type, record.Id)) ?? [];
                }
            }

            var line = System.Text.Json.JsonSerializer.Serialize(new ExportedRecord
            {
                Id = record.Id,
                Properties = values,
                CreatedAt = record.CreatedAt,
                UpdatedAt = record.UpdatedAt,
                Archived = record.Archived,
                ArchivedAt = record.ArchivedAt,
                Associations = linked,
            }, ExportJsonContext.Default.ExportedRecord);
            await text.WriteAsync(line).ConfigureAwait(false);
            await text.WriteAsync('\n').ConfigureAwait(false);
        }
    }
}

/// <summary>One JSONL line.</summary>
internal sealed class ExportedRecord
{
    public string Id { get; init; } = "";

    public Dictionary<string, string?> Properties { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public bool Archived { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ArchivedAt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, IReadOnlyList<string>>? Associations { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ExportedRecord))]
internal sealed partial class ExportJsonContext : JsonSerializerContext;
