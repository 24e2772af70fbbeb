using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using Spoke.Crm;
using Spoke.DataTools.Import;
using Spoke.Errors;
using Spoke.Properties;

namespace Spoke.DataTools.Mapping;

/// <summary>Options of <see cref="ImportPlanner.PrepareAsync"/>.</summary>
public sealed class ImportPlanOptions
{
    /// <summary>Overrides the map's <see cref="ImportMap.UpsertBy"/> (the CLI's <c>--upsert-by</c>).</summary>
    public string? UpsertBy { get; init; }

    /// <summary>
    /// Whether two upsert keys that differ only in case (and surrounding spaces) are the same record, so the later row
    /// is an in-file duplicate. True by default: HubSpot is widely reported to match emails and unique values that way
    /// (docs/hubspot-api.md §13 marks it UNVERIFIED), and the client's BatchUpsertAsync compares keys the same way.
    /// </summary>
    public bool UpsertKeysIgnoreCase { get; init; } = true;
}

/// <summary>Turns a CSV file and a map into an <see cref="ImportPlan"/>, checked against the portal's live property definitions.</summary>
public static partial class ImportPlanner
{
    /// <summary>Reads the portal's property definitions and the file's header, checks the map against both, and returns the plan.</summary>
    /// <param name="client">The portal's client.</param>
    /// <param name="map">The mapping.</param>
    /// <param name="objectType">The object the rows become.</param>
    /// <param name="csvPath">The CSV file.</param>
    /// <param name="options">Overrides, or null.</param>
    /// <param name="cancellationToken">Stops the preparation.</param>
    /// <exception cref="FormatException">The map cannot be used with this file or portal (unknown column or property, ...); the message says what to fix.</exception>
    public static async Task<ImportPlan> PrepareAsync(HubSpotClient client, ImportMap map, string objectType, string csvPath,
        ImportPlanOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentException.ThrowIfNullOrWhiteSpace(csvPath);
        options ??= new ImportPlanOptions();
        if (map.ObjectType is { } mapType && !string.Equals(mapType, objectType, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"The map is for {mapType} but the import is for {objectType}; import into {mapType}, or change the map's \"objectType\".");
        }

        if (!File.Exists(csvPath))
        {
            throw new FormatException($"The file {csvPath} does not exist; give the path of a CSV file with a header row.");
        }

        var header = await ReadHeaderAsync(csvPath, map, cancellationToken).ConfigureAwait(false);
        var properties = await ListPropertiesAsync(client, objectType, cancellationToken).ConfigureAwait(false);
        var compiled = await CompiledMap.CompileAsync(client, map, objectType, header, properties, options, cancellationToken).ConfigureAwait(false);
        var path = Path.GetFullPath(csvPath);
        var planned = Stamp(path);
        var sha256 = await HashAsync(csvPath, cancellationToken).ConfigureAwait(false);
        return new ImportPlan(objectType, compiled.UpsertBy, header, path, sha256, compiled.PropertiesToCreate,
            ct => ReadRowsAsync(path, planned, map, compiled, options, ct));
    }

    internal static async Task<Dictionary<string, PropertyDefinition>> ListPropertiesAsync(HubSpotClient client, string objectType, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, PropertyDefinition>(StringComparer.Ordinal);
        try
        {
            await foreach (var property in client.Properties.ListAsync(objectType, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                properties[property.Name] = property;
            }
        }
        catch (HubSpotApiException e) when (e.Status is 400 or 404)
        {
            throw new FormatException($"The portal has no object type '{objectType}' ({e.Status}); use contacts, companies, deals, tickets, or a custom object's name or id (e.g. 2-123).", e);
        }

        return properties;
    }

    private static CsvConfiguration CsvConfig(ImportMap map, Action<string>? badData = null) => new(CultureInfo.InvariantCulture)
    {
        Delimiter = map.Delimiter ?? ",",
        // Blank lines are kept (and skipped here) so the physical line count stays right.
        IgnoreBlankLines = false,
        BadDataFound = badData is null ? null : args => badData(args.Field),
        DetectColumnCountChanges = false,
    };

    internal static async Task<IReadOnlyList<string>> ReadHeaderAsync(string csvPath, ImportMap map, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(csvPath, detectEncodingFromByteOrderMarks: true);
        using var parser = new CsvParser(reader, CsvConfig(map));
        while (await parser.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = parser.Record ?? [];
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue;
            }

            if (record.Any(h => h.Contains('\uFFFD', StringComparison.Ordinal)))
            {
                throw new FormatException($"The file {csvPath} is not UTF-8 (its header has bytes that do not decode, e.g. a Windows-1252 'ß' or 'é'); save it as UTF-8 and try again.");
            }

            return record;
        }

        throw new FormatException($"The file {csvPath} is empty; its first line must be a header naming the columns.");
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>The file's size and last write time: a cheap sign that it changed after it was planned and hashed.</summary>
    private static (long Length, DateTime Written) Stamp(string path)
    {
        var info = new FileInfo(path);
        return (info.Length, info.LastWriteTimeUtc);
    }

    private static async IAsyncEnumerable<PreparedRow> ReadRowsAsync(string path, (long, DateTime) planned, ImportMap map, CompiledMap compiled, ImportPlanOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Rows checked against one version of the file and written from another would break the journal's promise.
        if (Stamp(path) != planned)
        {
            throw new IOException($"{path} changed after the import was planned (its SHA-256 no longer describes it); plan the import again.");
        }

        string? badField = null;
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        using var parser = new CsvParser(reader, CsvConfig(map, field => badField ??= field));
        var firstLines = new Dictionary<string, long>(options.UpsertKeysIgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        var headerSeen = false;
        long lastLine = 0;
        while (await parser.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = lastLine + 1;
            lastLine = parser.RawRow;
            var record = parser.Record ?? [];
            var bad = badField;
            badField = null;
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue; // a blank line
            }

            if (!headerSeen)
            {
                headerSeen = true;
                continue;
            }

            var row = compiled.Prepare(line, record, bad);
            if (row.IsValid && row.UpsertKey is { } key)
            {
                var normalized = options.UpsertKeysIgnoreCase ? key.Trim() : key;
                if (firstLines.TryGetValue(normalized, out var first))
                {
                    row = new PreparedRow
                    {
                        LineNumber = line,
                        SourceFields = record,
                        UpsertKey = key,
                        Problems = [$"duplicate {compiled.UpsertBy} {Problems.Quote(key)}: line {first} has it already and is the one imported; merge the two rows or remove one"],
                    };
                }
                else
                {
                    firstLines[normalized] = line;
                }
            }

            yield return row;
        }
    }

    /// <summary>The map resolved against the header and the portal: everything a row needs, checked once.</summary>
    private sealed class CompiledMap
    {
        private readonly List<CompiledColumn> _columns = [];
        private readonly List<(string Property, string Value)> _constants = [];
        private readonly List<CompiledAssociation> _associations = [];
        private int _headerCount;

        public string? UpsertBy { get; private set; }

        public List<PropertyCreate> PropertiesToCreate { get; } = [];

        public static async Task<CompiledMap> CompileAsync(HubSpotClient client, ImportMap map, string objectType, IReadOnlyList<string> header,
            Dictionary<string, PropertyDefinition> properties, ImportPlanOptions options, CancellationToken cancellationToken)
        {
            var errors = new List<string>();
            var compiled = new CompiledMap { _headerCount = header.Count };
            var created = compiled.AddPropertiesToCreate(map, objectType, properties, errors);
            var isContacts = ObjectTypes.IsContacts(objectType);
            var mapped = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < map.Columns.Count; i++)
            {
                var column = map.Columns[i];
                var at = $"columns[{i}]";
                var sources = column.Sources is { Count: > 0 } many ? many : [column.Source!];
                var indexes = sources.Select(s => FindColumn(header, s, $"{at} ({Describe(column)})", errors)).ToList();
                if (column.Property is not { } name)
                {
                    continue; // listed to show the column is read and left out
                }

                if (!properties.TryGetValue(name, out var property))
                {
                    errors.Add($"{at}: {objectType} has no property '{name}'{Suggest(name, properties)}; use a property's internal name, or declare it in \"createProperties\" to have it created.");
                    continue;
                }

                if (IsReadOnly(property))
                {
                    errors.Add($"{at}: {name} is read-only (HubSpot calculates or sets it); remove the column, or set \"property\" to one that can be written.");
                    continue;
                }

                if (!mapped.TryAdd(name, at))
                {
                    errors.Add($"{at}: {name} is already written by {mapped[name]}; map each property once (use \"sources\" to join several columns).");
                    continue;
                }

                var pipeline = ValuePipeline.Compile(column.Transforms, property, map, at, errors);
                if (indexes.Any(x => x < 0))
                {
                    continue;
                }

                compiled._columns.Add(new CompiledColumn(Describe(column), name, indexes, column.Separator ?? " ", pipeline,
                    new ValueChecker(property, IsEmailProperty(property)), column.Required, column.WhenEmpty == "clear"));
            }

            foreach (var (name, value) in map.Constants)
            {
                if (!properties.TryGetValue(name, out var property))
                {
                    errors.Add($"constants.{name}: {objectType} has no property '{name}'{Suggest(name, properties)}; use a property's internal name, or declare it in \"createProperties\".");
                }
                else if (IsReadOnly(property))
                {
                    errors.Add($"constants.{name}: {name} is read-only (HubSpot calculates or sets it); remove it.");
                }
                else if (mapped.TryGetValue(name, out var by))
                {
                    errors.Add($"constants.{name}: {name} is also written by {by}; keep one.");
                }
                else if (value.Length > 0 && new ValueChecker(property, IsEmailProperty(property)).Check(value) is { } problem)
                {
                    errors.Add($"constants.{name}: {problem}.");
                }
                else
                {
                    compiled._constants.Add((name, value));
                }
            }

            var upsertBy = options.UpsertBy ?? map.UpsertBy;
            if (upsertBy is not null)
            {
                if (!properties.TryGetValue(upsertBy, out var key))
                {
                    errors.Add($"upsertBy: {objectType} has no property '{upsertBy}'{Suggest(upsertBy, properties)}; upsert by email (contacts) or a unique property.");
                }
                else if (!(isContacts && upsertBy == "email") && !key.HasUniqueValue && !created.Contains(upsertBy))
                {
                    errors.Add($"upsertBy: {upsertBy} is not a unique property of {objectType}, so HubSpot cannot match rows by it; " +
                        $"upsert by {(isContacts ? "email or " : "")}a property with hasUniqueValue{UniqueList(properties)}, or leave upsertBy out to create every row.");
                }
                else if (!mapped.ContainsKey(upsertBy))
                {
                    errors.Add($"upsertBy: no column writes {upsertBy}; map the column that holds it.");
                }

                compiled.UpsertBy = upsertBy;
            }

            await compiled.AddAssociationsAsync(client, map, header, errors, cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                throw new FormatException("The map cannot be used with this file and portal:" + string.Concat(errors.Select(e => "\n  - " + e)));
            }

            return compiled;
        }

        private HashSet<string> AddPropertiesToCreate(ImportMap map, string objectType, Dictionary<string, PropertyDefinition> properties, List<string> errors)
        {
            var created = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < map.CreateProperties.Count; i++)
            {
                var spec = map.CreateProperties[i];
                var at = $"createProperties[{i}] ({spec.Name})";
                if (properties.TryGetValue(spec.Name, out var existing))
                {
                    // The portal's definition wins; a different type would make every value checked against the wrong rules.
                    if (!string.Equals(existing.Type.ToString(), spec.Type, StringComparison.OrdinalIgnoreCase))
                    {
                        errors.Add($"{at}: the portal already has {spec.Name} with type {existing.Type}, not {spec.Type}; change the map's type to {existing.Type} or choose another name.");
                    }

                    continue;
                }

                if (!PropertyName().IsMatch(spec.Name))
                {
                    errors.Add($"{at}: a property name is lowercase letters, digits and underscores, starting with a letter.");
                    continue;
                }

                if (spec.Type is not ("string" or "number" or "bool" or "date" or "datetime" or "enumeration" or "phone_number"))
                {
                    errors.Add($"{at}: type '{spec.Type}' is not one HubSpot creates; use string, number, bool, date, datetime, enumeration or phone_number.");
                    continue;
                }

                var options = spec.Options?.Select((o, n) => new PropertyOption { Label = o.Label, Value = o.Value, Description = o.Description, DisplayOrder = o.DisplayOrder ?? n }).ToList();
                if (spec.Type == "bool" && options is null)
                {
                    options = [new PropertyOption { Label = "Yes", Value = "true", DisplayOrder = 0 }, new PropertyOption { Label = "No", Value = "false", DisplayOrder = 1 }];
                }

                if (spec.Type == "enumeration" && options is not { Count: > 0 })
                {
                    errors.Add($"{at}: an enumeration needs \"options\" ([{{\"label\": \"Gold\", \"value\": \"gold\"}}, …]).");
                    continue;
                }

                var groupName = spec.GroupName ?? DefaultGroup(objectType);
                if (groupName is null)
                {
                    errors.Add($"{at}: give \"groupName\" (the property group of {objectType} to put it in).");
                    continue;
                }

                var create = new PropertyCreate
                {
                    Name = spec.Name,
                    Label = spec.Label,
                    Type = new PropertyType(spec.Type),
                    FieldType = new PropertyFieldType(spec.FieldType),
                    GroupName = groupName,
                    Description = spec.Description,
                    Options = options,
                    HasUniqueValue = spec.HasUniqueValue,
                };
                PropertiesToCreate.Add(create);
                created.Add(spec.Name);
                properties[spec.Name] = new PropertyDefinition
                {
                    Name = create.Name,
                    Label = create.Label,
                    Type = create.Type,
                    FieldType = create.FieldType,
                    GroupName = groupName,
                    Options = options ?? [],
                    HasUniqueValue = spec.HasUniqueValue == true,
                };
            }

            return created;
        }

        private async Task AddAssociationsAsync(HubSpotClient client, ImportMap map, IReadOnlyList<string> header, List<string> errors, CancellationToken cancellationToken)
        {
            var others = new Dictionary<string, Dictionary<string, PropertyDefinition>?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < map.Associations.Count; i++)
            {
                var rule = map.Associations[i];
                var at = $"associations[{i}]";
                var index = FindColumn(header, rule.Column, at, errors);
                if (!others.TryGetValue(rule.ToObjectType, out var properties))
                {
                    try
                    {
                        properties = await ListPropertiesAsync(client, rule.ToObjectType, cancellationToken).ConfigureAwait(false);
                    }
                    catch (FormatException e)
                    {
                        errors.Add($"{at}: {e.Message}");
                        properties = null;
                    }

                    others[rule.ToObjectType] = properties;
                }

                if (properties is null)
                {
                    continue;
                }

                if (!properties.TryGetValue(rule.By, out var by))
                {
                    errors.Add($"{at}: {rule.ToObjectType} has no property '{rule.By}'{Suggest(rule.By, properties)}; \"by\" names the property that finds the other record (e.g. domain for companies).");
                    continue;
                }

                var pipeline = ValuePipeline.Compile(rule.Transforms, by, map, at, errors);
                if (index >= 0)
                {
                    _associations.Add(new CompiledAssociation(rule, index, pipeline));
                }
            }
        }

        private static string? DefaultGroup(string objectType) => objectType switch
        {
            "contacts" or "contact" or "0-1" => "contactinformation",
            "companies" or "company" or "0-2" => "companyinformation",
            "deals" or "deal" or "0-3" => "dealinformation",
            "tickets" or "ticket" or "0-5" => "ticketinformation",
            _ => null,
        };

        internal static bool IsReadOnly(PropertyDefinition property) =>
            property.Calculated || property.ModificationMetadata?.ReadOnlyValue == true ||
            property.FieldType.ToString().StartsWith("calculation_", StringComparison.OrdinalIgnoreCase);

        private static bool IsEmailProperty(PropertyDefinition property) =>
            property.Name == "email" || string.Equals(property.FieldType.ToString(), "email", StringComparison.OrdinalIgnoreCase);

        private static string Describe(ImportColumn column) =>
            column.Sources is { Count: > 0 } many ? string.Join(" + ", many.Select(s => $"'{s}'")) : $"'{column.Source}'";

        private static int FindColumn(IReadOnlyList<string> header, string name, string at, List<string> errors)
        {
            var exact = Matches(header, h => string.Equals(h, name, StringComparison.Ordinal));
            var matches = exact.Count > 0 ? exact : Matches(header, h => string.Equals(h.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase));
            if (matches.Count == 1)
            {
                return matches[0];
            }

            errors.Add(matches.Count == 0
                ? $"{at}: the file has no column '{name}'; its header has {Problems.Some([.. header], 20)}; correct the map's \"source\" or the file's header."
                : $"{at}: the file has {matches.Count} columns named '{name}'; rename them so each is unique.");
            return -1;
        }

        private static List<int> Matches(IReadOnlyList<string> header, Func<string, bool> match) =>
            [.. Enumerable.Range(0, header.Count).Where(i => match(header[i]))];

        private static string Suggest(string name, Dictionary<string, PropertyDefinition> properties)
        {
            var key = ImportMapGenerator.Normalize(name);
            var near = properties.Values.Where(p => !IsReadOnly(p) && (ImportMapGenerator.Normalize(p.Name) == key || ImportMapGenerator.Normalize(p.Label) == key))
                .Select(p => p.Name).Take(3).ToList();
            return near.Count > 0 ? $" (did you mean {string.Join(" or ", near)}?)" : "";
        }

        private static string UniqueList(Dictionary<string, PropertyDefinition> properties)
        {
            var unique = properties.Values.Where(p => p.HasUniqueValue).Select(p => p.Name).ToList();
            return unique.Count > 0 ? $" ({string.Join(", ", unique)})" : " (this portal has none; declare one in createProperties with \"hasUniqueValue\": true)";
        }

        /// <summary>Applies the map to one record.</summary>
        public PreparedRow Prepare(long line, string[] record, string? badField)
        {
            var problems = new List<string>();
            if (badField is not null)
            {
                problems.Add("the row's quoting is broken (a quote inside an unquoted field, or one never closed); put fields that hold quotes, delimiters or line breaks in double quotes, with inner quotes doubled");
            }

            // Bytes that are not UTF-8 decode as U+FFFD; writing them would replace the text in HubSpot with question marks.
            if (record.Any(f => f.Contains('\uFFFD', StringComparison.Ordinal)))
            {
                problems.Add("the row holds bytes that are not UTF-8 (shown as '\uFFFD'); save the file as UTF-8");
            }

            if (record.Length != _headerCount)
            {
                problems.Add($"the row has {record.Length} fields but the header has {_headerCount}; check its delimiters and quoting");
                return new PreparedRow { LineNumber = line, SourceFields = record, Problems = problems };
            }

            var bag = new PropertyBag();
            var failed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var column in _columns)
            {
                var raw = column.Indexes.Count == 1
                    ? record[column.Indexes[0]]
                    : string.Join(column.Separator, column.Indexes.Select(i => record[i].Trim()).Where(v => v.Length > 0));
                var outcome = column.Pipeline.Apply(raw);
                if (outcome.Error is not null)
                {
                    problems.Add($"column {column.Name} ({column.Property}): {outcome.Error}");
                    failed.Add(column.Property);
                    continue;
                }

                // White space alone is no value: HubSpot would store it, but nobody means it.
                if (string.IsNullOrWhiteSpace(outcome.Value))
                {
                    if (column.Required)
                    {
                        problems.Add($"column {column.Name} ({column.Property}) is required but empty; fill it in, or drop \"required\" for it in the map");
                        failed.Add(column.Property);
                    }
                    else if (column.ClearWhenEmpty)
                    {
                        bag.Set(column.Property, "");
                    }

                    continue;
                }

                if (column.Checker.Check(outcome.Value) is { } problem)
                {
                    problems.Add($"column {column.Name}: {problem}");
                    failed.Add(column.Property);
                    continue;
                }

                bag.Set(column.Property, outcome.Value);
            }

            foreach (var (property, value) in _constants)
            {
                bag.Set(property, value);
            }

            string? key = null;
            if (UpsertBy is not null)
            {
                key = bag.GetString(UpsertBy);
                if (key is null && !failed.Contains(UpsertBy))
                {
                    problems.Add($"the upsert key {UpsertBy} is empty, so the row cannot be matched; fill it in, or import without upsert");
                }
            }

            var associations = new List<ImportAssociation>();
            foreach (var association in _associations)
            {
                var outcome = association.Pipeline.Apply(record[association.Index]);
                if (outcome.Error is not null)
                {
                    problems.Add($"column '{association.Rule.Column}' (association to {association.Rule.ToObjectType} by {association.Rule.By}): {outcome.Error}");
                    continue;
                }

                if (outcome.Items.Count == 0 && association.Rule.Required)
                {
                    problems.Add($"column '{association.Rule.Column}' (association to {association.Rule.ToObjectType}) is required but empty; fill it in, or drop \"required\" for it in the map");
                }

                foreach (var value in outcome.Items)
                {
                    associations.Add(new ImportAssociation(association.Rule.ToObjectType, association.Rule.By, value, association.Rule.AssociationTypeId,
                        association.Rule.AssociationTypeId is null ? null : association.Rule.Category ?? "HUBSPOT_DEFINED"));
                }
            }

            if (problems.Count == 0 && bag.Count == 0)
            {
                problems.Add("the row sets no property (every mapped column is empty); fill it in or remove the row");
            }

            return problems.Count > 0
                ? new PreparedRow { LineNumber = line, SourceFields = record, UpsertKey = key, Problems = problems }
                : new PreparedRow { LineNumber = line, SourceFields = record, Properties = bag, UpsertKey = key, Associations = associations };
        }
    }

    private sealed record CompiledColumn(string Name, string Property, IReadOnlyList<int> Indexes, string Separator, ValuePipeline Pipeline,
        ValueChecker Checker, bool Required, bool ClearWhenEmpty);

    private sealed record CompiledAssociation(ImportAssociationRule Rule, int Index, ValuePipeline Pipeline);

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyName();
}
