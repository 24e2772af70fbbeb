using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Spoke.Properties;

namespace Spoke.DataTools.Mapping;

/// <summary>Writes a starting map for a CSV by matching its headers to the portal's properties (<c>spoke import init</c>).</summary>
public static class ImportMapGenerator
{
    /// <summary>How many rows are read to guess a date column's format.</summary>
    private const int SampleRows = 200;

    /// <summary>Common header words for a property whose name and label do not match them (normalized: lowercase, letters and digits).</summary>
    private static readonly Dictionary<string, string> ContactSynonyms = new(StringComparer.Ordinal)
    {
        ["emailaddress"] = "email", ["mail"] = "email", ["emailadresse"] = "email",
        ["first"] = "firstname", ["givenname"] = "firstname", ["forename"] = "firstname",
        ["last"] = "lastname", ["surname"] = "lastname", ["familyname"] = "lastname",
        ["zipcode"] = "zip", ["postcode"] = "zip", ["postalcode"] = "zip",
        ["mobile"] = "mobilephone", ["title"] = "jobtitle", ["companyname"] = "company", ["street"] = "address",
    };

    /// <summary>Date formats tried on a date column's sample values, most specific first.</summary>
    private static readonly string[] DateGuesses =
    [
        "iso", "dd/MM/yyyy", "MM/dd/yyyy", "dd.MM.yyyy", "d.M.yyyy", "dd-MM-yyyy", "yyyy/MM/dd", "d/M/yyyy", "M/d/yyyy",
        "dd/MM/yyyy HH:mm", "MM/dd/yyyy HH:mm", "dd.MM.yyyy HH:mm", "dd/MM/yyyy HH:mm:ss", "MM/dd/yyyy HH:mm:ss", "dd.MM.yyyy HH:mm:ss",
    ];

    private static readonly string[] IsoGuesses = ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss"];

    /// <summary>A map whose columns are the file's headers matched to the object's properties (by name, then label).</summary>
    /// <param name="client">The portal's client.</param>
    /// <param name="objectType">The object the rows become.</param>
    /// <param name="csvPath">The CSV file.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <remarks>
    /// Headers and properties are compared case- and punctuation-insensitively ("First Name" finds firstname,
    /// "E-mail" finds email). Columns that match nothing are listed with <c>"property": null</c> and a comment, so the
    /// map shows them; read-only properties are never matched. Date and datetime columns get a <c>date</c> transform
    /// whose format is guessed from the first rows, bool columns a <c>bool</c> transform; contacts upsert by email
    /// when a column holds it.
    /// </remarks>
    /// <exception cref="FormatException">The file is missing or empty, or the object type is unknown.</exception>
    public static async Task<ImportMap> GenerateAsync(HubSpotClient client, string objectType, string csvPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentException.ThrowIfNullOrWhiteSpace(csvPath);
        if (!File.Exists(csvPath))
        {
            throw new FormatException($"The file {csvPath} does not exist; give the path of a CSV file with a header row.");
        }

        var delimiter = await GuessDelimiterAsync(csvPath, cancellationToken).ConfigureAwait(false);
        var probe = new ImportMap { Delimiter = delimiter == "," ? null : delimiter };
        var header = await ImportPlanner.ReadHeaderAsync(csvPath, probe, cancellationToken).ConfigureAwait(false);
        var properties = await ImportPlanner.ListPropertiesAsync(client, objectType, cancellationToken).ConfigureAwait(false);
        var samples = await ReadSamplesAsync(csvPath, probe, header.Count, cancellationToken).ConfigureAwait(false);
        var isContacts = ObjectTypes.IsContacts(objectType);

        var writable = properties.Values.Where(p => !p.Archived && !IsReadOnly(p)).ToList();
        var byName = Index(writable, p => p.Name);
        var byLabel = Index(writable, p => p.Label);
        var map = new ImportMap { ObjectType = objectType, Delimiter = probe.Delimiter };
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var key = Normalize(header[i]);
            var property = byName.GetValueOrDefault(key) ?? byLabel.GetValueOrDefault(key) ??
                (isContacts && ContactSynonyms.TryGetValue(key, out var synonym) ? byName.GetValueOrDefault(synonym) : null);
            if (property is null || !used.Add(property.Name))
            {
                map.Columns.Add(new ImportColumn
                {
                    Source = header[i],
                    Property = null,
                    Comment = property is null
                        ? $"No property of {objectType} matches this column: set \"property\" to one, declare it in createProperties, or delete this entry to leave the column out."
                        : $"{property.Name} is already mapped from an earlier column: set \"property\" to another one, or delete this entry.",
                });
                continue;
            }

            var column = new ImportColumn { Source = header[i], Property = property.Name };
            column.Transforms.Add(ValueTransform.Trim);
            if (property.Name == "email")
            {
                column.Transforms.Add(ValueTransform.Lower);
            }
            else if (property.Type == PropertyType.Bool)
            {
                column.Transforms.Add(ValueTransform.Bool);
            }
            else if (property.Type == PropertyType.Date || property.Type == PropertyType.DateTime)
            {
                if (GuessDateFormat(samples[i]) is { } format && !(format == "iso" && samples[i].All(s => ValueChecker.IsDate(s) || ValueChecker.IsDateTime(s))))
                {
                    column.Transforms.Add(ValueTransform.Date(format));
                    column.Comment = $"The date format {format} was guessed from the file's first rows; check it.";
                }
            }
            else if (property.Type == PropertyType.Number && GuessCulture(samples[i]) is { } culture)
            {
                column.Transforms.Add(new ValueTransform("number") { Culture = culture });
                column.Comment = $"The number culture {culture} was guessed from the file's first rows; check it.";
            }
            else if (property.Type == PropertyType.Enumeration && LabelMap(property, samples[i]) is { } labels)
            {
                if (property.FieldType == PropertyFieldType.Checkbox)
                {
                    column.Transforms.Add(new ValueTransform("split") { Separator = ";" });
                }

                column.Transforms.Add(labels);
                column.Comment = "The file holds the options' labels; the map turns them into the values HubSpot stores.";
            }

            map.Columns.Add(column);
        }

        if (isContacts && used.Contains("email"))
        {
            map.UpsertBy = "email";
        }

        return map;
    }

    /// <summary>Lowercase letters and digits only: "E-mail Address" → "emailaddress".</summary>
    internal static string Normalize(string text) =>
        string.Concat(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant));

    private static bool IsReadOnly(PropertyDefinition property) =>
        property.Calculated || property.ModificationMetadata?.ReadOnlyValue == true ||
        property.FieldType.ToString().StartsWith("calculation_", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, PropertyDefinition> Index(IEnumerable<PropertyDefinition> properties, Func<PropertyDefinition, string> key)
    {
        var index = new Dictionary<string, PropertyDefinition>(StringComparer.Ordinal);
        // HubSpot's own properties first, so a custom one with the same label does not shadow them.
        foreach (var property in properties.OrderBy(p => p.HubspotDefined ? 0 : 1))
        {
            index.TryAdd(Normalize(key(property)), property);
        }

        return index;
    }

    private static string? GuessDateFormat(List<string> samples)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        foreach (var format in DateGuesses)
        {
            var formats = format == "iso" ? IsoGuesses : [format];
            if (samples.All(s => DateTime.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out _)))
            {
                return format;
            }
        }

        return null;
    }

    /// <summary>Cultures tried on a number column whose values are not plain decimals: comma decimals, then space groups.</summary>
    private static readonly string[] CultureGuesses = ["en-US", "de-DE", "fr-FR", "de-CH"];

    private static string? GuessCulture(List<string> samples)
    {
        if (samples.Count == 0 || samples.All(s => ValuePipeline.InvariantNumber().IsMatch(s)))
        {
            return null;
        }

        foreach (var culture in CultureGuesses)
        {
            var errors = new List<string>();
            var pipeline = ValuePipeline.Compile([new ValueTransform("number") { Culture = culture }], null, new ImportMap(), "guess", errors);
            if (samples.All(s => pipeline.Apply(s).Error is null))
            {
                return culture;
            }
        }

        return null;
    }

    /// <summary>A <c>map</c> from option labels to values when the sample values are labels rather than values (e.g. "Sales Qualified Lead").</summary>
    private static ValueTransform? LabelMap(PropertyDefinition property, List<string> samples)
    {
        if (property.ExternalOptions || property.Options.Count == 0 || samples.Count == 0)
        {
            return null;
        }

        var values = new HashSet<string>(property.Options.Select(o => o.Value), StringComparer.Ordinal);
        var labels = new HashSet<string>(property.Options.Select(o => o.Label.Trim()), StringComparer.OrdinalIgnoreCase);
        var items = samples.SelectMany(s => s.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (items.All(values.Contains) || !items.All(i => values.Contains(i) || labels.Contains(i)))
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in property.Options.Where(o => !string.Equals(o.Label, o.Value, StringComparison.Ordinal)))
        {
            map.TryAdd(option.Label.Trim(), option.Value);
        }

        return new ValueTransform("map") { Values = map, CaseInsensitive = true };
    }

    private static readonly string[] Delimiters = [",", ";", "\t", "|"];

    private static async Task<string> GuessDelimiterAsync(string csvPath, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(csvPath, detectEncodingFromByteOrderMarks: true);
        var first = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? "";
        // The header's most frequent candidate wins; a header without any is one column, read with a comma.
        return Delimiters.OrderByDescending(d => first.Count(c => c == d[0])).First() is var best && first.Contains(best, StringComparison.Ordinal) ? best : ",";
    }

    private static async Task<List<string>[]> ReadSamplesAsync(string csvPath, ImportMap map, int columns, CancellationToken cancellationToken)
    {
        var samples = Enumerable.Range(0, columns).Select(_ => new List<string>()).ToArray();
        using var reader = new StreamReader(csvPath, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = map.Delimiter ?? ",", BadDataFound = null });
        var rows = 0;
        var header = true;
        while (rows < SampleRows && await csv.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (header)
            {
                header = false;
                continue;
            }

            rows++;
            var record = csv.Record ?? [];
            for (var i = 0; i < Math.Min(columns, record.Length); i++)
            {
                if (record[i].Trim() is { Length: > 0 } value)
                {
                    samples[i].Add(value);
                }
            }
        }

        return samples;
    }
}
