using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.DataTools.Mapping;

/// <summary>
/// A mapping file: how a CSV's columns become one HubSpot object's properties (transforms, required columns,
/// associations, custom properties to create). See <c>samples/DataTools/contacts.map.json</c> and its schema.
/// </summary>
public sealed class ImportMap
{
    /// <summary>The JSON schema the file declares (<c>$schema</c>), kept so a saved map still points editors at it.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    /// <summary>Free text for the reader of the file; ignored.</summary>
    public string? Comment { get; set; }

    /// <summary>The object the rows become (e.g. <c>contacts</c>); null to take it from the command line only.</summary>
    public string? ObjectType { get; set; }

    /// <summary>The unique property rows are matched by (e.g. <c>email</c>), or null to create every row.</summary>
    public string? UpsertBy { get; set; }

    /// <summary>The CSV's field separator (one character); null for a comma.</summary>
    public string? Delimiter { get; set; }

    /// <summary>The input format of <c>date</c> transforms that give none (.NET custom format, e.g. <c>dd/MM/yyyy</c>).</summary>
    public string? DateFormat { get; set; }

    /// <summary>The number culture of <c>number</c> transforms that give none (e.g. <c>de-DE</c>; see the README's table).</summary>
    public string? Culture { get; set; }

    /// <summary>The time zone (IANA id, e.g. <c>Europe/Berlin</c>) of datetimes that carry no offset; null for UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The columns and the properties they become, in any order.</summary>
    public IList<ImportColumn> Columns { get; set; } = [];

    /// <summary>Properties every row gets, whatever the file holds (property name → value in HubSpot's wire format).</summary>
    public IDictionary<string, string> Constants { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Associations each row asks for, to records found by a unique property of the other object.</summary>
    public IList<ImportAssociationRule> Associations { get; set; } = [];

    /// <summary>Custom properties to create before the import when the portal does not have them.</summary>
    public IList<ImportPropertySpec> CreateProperties { get; set; } = [];

    /// <summary>Reads and checks a mapping file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="FormatException">The file is not a valid map; the message names the place and the fix.</exception>
    public static async Task<ImportMap> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FormatException($"The mapping file {path} does not exist; give the path of a map (write a starting one with 'spoke import init FILE.csv').", e);
        }

        return Parse(json, path);
    }

    /// <summary>Reads a map from its JSON text; <paramref name="source"/> names it in error messages.</summary>
    internal static ImportMap Parse(string json, string source)
    {
        ImportMap? map;
        try
        {
            map = JsonSerializer.Deserialize(json, MapJsonContext.Default.ImportMap);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: {Describe(e)}", e);
        }

        if (map is null)
        {
            throw new FormatException($"{source}: the file holds null; a map is a JSON object with at least \"columns\".");
        }

        map.CheckShape(source);
        return map;
    }

    /// <summary>Writes the map as indented JSON.</summary>
    /// <param name="path">The JSON file (overwritten).</param>
    /// <param name="cancellationToken">Stops the write.</param>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        await File.WriteAllTextAsync(path, ToJson() + "\n", new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The map as indented JSON.</summary>
    internal string ToJson() => JsonSerializer.Serialize(this, MapJsonContext.WriterInfo);

    /// <summary>What the JSON types cannot say: one of source/sources, names present, known words.</summary>
    private void CheckShape(string source)
    {
        if (Delimiter is { Length: not 1 })
        {
            throw new FormatException($"{source}: \"delimiter\" is '{Delimiter}'; give one character, e.g. \",\" or \";\".");
        }

        if (Columns.Count == 0 && Constants.Count == 0)
        {
            throw new FormatException($"{source}: the map has no \"columns\"; list the file's columns and the properties they become (write a starting map with 'spoke import init FILE.csv').");
        }

        for (var i = 0; i < Columns.Count; i++)
        {
            var column = Columns[i];
            var at = $"{source}: $.columns[{i}]";
            if (column is null)
            {
                throw new FormatException($"{at} is null; give an object with \"source\" and \"property\".");
            }

            var hasSource = !string.IsNullOrWhiteSpace(column.Source);
            var hasSources = column.Sources is { Count: > 0 };
            if (hasSource == hasSources)
            {
                throw new FormatException($"{at} needs exactly one of \"source\" (a column of the file) or \"sources\" (columns joined with \"separator\").");
            }

            if (hasSources && column.Sources!.Any(string.IsNullOrWhiteSpace))
            {
                throw new FormatException($"{at}.sources holds an empty name; list the file's column names.");
            }

            if (column.WhenEmpty is not (null or "skip" or "clear"))
            {
                throw new FormatException($"{at}.whenEmpty is '{column.WhenEmpty}'; use \"skip\" (leave the property as it is) or \"clear\" (send an empty value).");
            }

            if (column.Property is null && column.Required)
            {
                throw new FormatException($"{at} is required but maps to no property; set \"property\" or drop \"required\".");
            }

            CheckTransforms(column.Transforms, $"{at}.transforms");
        }

        for (var i = 0; i < Associations.Count; i++)
        {
            var rule = Associations[i];
            var at = $"{source}: $.associations[{i}]";
            if (rule is null || string.IsNullOrWhiteSpace(rule.Column) || string.IsNullOrWhiteSpace(rule.ToObjectType) || string.IsNullOrWhiteSpace(rule.By))
            {
                throw new FormatException($"{at} needs \"column\", \"toObjectType\" and \"by\" (e.g. {{\"column\": \"Company domain\", \"toObjectType\": \"companies\", \"by\": \"domain\"}}).");
            }

            if (rule.Category is not (null or "HUBSPOT_DEFINED" or "USER_DEFINED" or "INTEGRATOR_DEFINED"))
            {
                throw new FormatException($"{at}.category is '{rule.Category}'; use HUBSPOT_DEFINED, USER_DEFINED or INTEGRATOR_DEFINED.");
            }

            if (rule.Category is not null && rule.AssociationTypeId is null)
            {
                throw new FormatException($"{at} gives a category without \"associationTypeId\"; give both, or neither for the default association.");
            }

            CheckTransforms(rule.Transforms, $"{at}.transforms");
        }

        for (var i = 0; i < CreateProperties.Count; i++)
        {
            var spec = CreateProperties[i];
            var at = $"{source}: $.createProperties[{i}]";
            if (spec is null || string.IsNullOrWhiteSpace(spec.Name) || string.IsNullOrWhiteSpace(spec.Label) ||
                string.IsNullOrWhiteSpace(spec.Type) || string.IsNullOrWhiteSpace(spec.FieldType))
            {
                throw new FormatException($"{at} needs \"name\", \"label\", \"type\" and \"fieldType\".");
            }
        }
    }

    private static void CheckTransforms(IList<ValueTransform> transforms, string at)
    {
        for (var i = 0; i < transforms.Count; i++)
        {
            if (transforms[i] is null)
            {
                throw new FormatException($"{at}[{i}] is null; give a transform such as \"trim\" or {{\"date\": \"dd/MM/yyyy\"}}.");
            }
        }
    }

    /// <summary>A JSON error in the map's words: what is wrong and where (JSON path and line), without .NET type names.</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        const string Unmapped = "could not be mapped to any .NET member contained in type '";
        var unmapped = message.IndexOf(Unmapped, StringComparison.Ordinal);
        if (unmapped >= 0)
        {
            var quoted = message.IndexOf('\'', StringComparison.Ordinal);
            var name = quoted >= 0 ? message[(quoted + 1)..message.IndexOf('\'', quoted + 1)] : "?";
            var typeName = message[(unmapped + Unmapped.Length)..].TrimEnd('.', '\'');
            message = $"unknown field '{name}'" + (MapJsonContext.FieldsOf(typeName) is { } fields ? $" (allowed here: {fields})" : "") +
                "; remove it or correct its spelling";
        }
        else if (message.Contains("non-nullable", StringComparison.Ordinal) || message.Contains("null value", StringComparison.Ordinal))
        {
            message = "null is not allowed here; give a value or leave the field out";
        }
        else if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            message = "a value has the wrong JSON type (e.g. text where true/false or a list is expected); see samples/DataTools/map.schema.json";
        }

        var where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
        var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
        return message.TrimEnd('.') + where + line + ".";
    }
}

/// <summary>One column of the file (or several joined) and the property it becomes.</summary>
public sealed class ImportColumn
{
    /// <summary>Free text for the reader of the file (<c>init</c> writes one for columns it could not match); ignored.</summary>
    public string? Comment { get; set; }

    /// <summary>The column's name in the file's header.</summary>
    public string? Source { get; set; }

    /// <summary>Several columns whose non-empty values are joined with <see cref="Separator"/> (e.g. street and number).</summary>
    public IList<string>? Sources { get; set; }

    /// <summary>What joins <see cref="Sources"/>; null for one space.</summary>
    public string? Separator { get; set; }

    /// <summary>The property's internal name, or null to read the column but write nothing (listed so the reader sees it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Property { get; set; }

    /// <summary>The value's transforms, applied in order.</summary>
    public IList<ValueTransform> Transforms { get; set; } = [];

    /// <summary>True when a row whose value is empty (after the transforms) is rejected.</summary>
    public bool Required { get; set; }

    /// <summary>What an empty value does: <c>skip</c> (the default: the property is not sent) or <c>clear</c> (it is sent empty, which clears it in HubSpot).</summary>
    public string? WhenEmpty { get; set; }
}

/// <summary>An association each row asks for: the record of <see cref="ToObjectType"/> whose <see cref="By"/> equals the column's value.</summary>
public sealed class ImportAssociationRule
{
    /// <summary>Free text for the reader of the file; ignored.</summary>
    public string? Comment { get; set; }

    /// <summary>The column holding the other record's identifying value.</summary>
    public string Column { get; set; } = "";

    /// <summary>The value's transforms (e.g. <c>trim</c>, <c>lower</c>, or <c>split</c> for several records).</summary>
    public IList<ValueTransform> Transforms { get; set; } = [];

    /// <summary>The other object type (e.g. <c>companies</c>).</summary>
    public string ToObjectType { get; set; } = "";

    /// <summary>The other object's property that identifies the record (e.g. <c>domain</c>).</summary>
    public string By { get; set; } = "";

    /// <summary>A labelled association type id, or null for the default association.</summary>
    public int? AssociationTypeId { get; set; }

    /// <summary>The category of <see cref="AssociationTypeId"/> (<c>HUBSPOT_DEFINED</c> when null and an id is given).</summary>
    public string? Category { get; set; }

    /// <summary>True when a row with an empty value is rejected.</summary>
    public bool Required { get; set; }
}

/// <summary>A custom property the import creates when the portal does not have it.</summary>
public sealed class ImportPropertySpec
{
    /// <summary>Free text for the reader of the file; ignored.</summary>
    public string? Comment { get; set; }

    /// <summary>Internal name: lowercase letters, digits and underscores, starting with a letter.</summary>
    public string Name { get; set; } = "";

    /// <summary>The name HubSpot shows.</summary>
    public string Label { get; set; } = "";

    /// <summary><c>string</c>, <c>number</c>, <c>bool</c>, <c>date</c>, <c>datetime</c>, <c>enumeration</c> or <c>phone_number</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>How HubSpot edits it: <c>text</c>, <c>textarea</c>, <c>number</c>, <c>booleancheckbox</c>, <c>date</c>, <c>select</c>, <c>radio</c>, <c>checkbox</c>, …</summary>
    public string FieldType { get; set; } = "";

    /// <summary>Help text; null for none.</summary>
    public string? Description { get; set; }

    /// <summary>The property group; null for the object's default group (e.g. <c>contactinformation</c>).</summary>
    public string? GroupName { get; set; }

    /// <summary>The options of an enumeration.</summary>
    public IList<ImportPropertyOption>? Options { get; set; }

    /// <summary>True for a unique ID property (usable as <see cref="ImportMap.UpsertBy"/>).</summary>
    public bool? HasUniqueValue { get; set; }
}

/// <summary>One option of an enumeration property to create.</summary>
public sealed class ImportPropertyOption
{
    /// <summary>What HubSpot shows.</summary>
    public string Label { get; set; } = "";

    /// <summary>The internal value records hold.</summary>
    public string Value { get; set; } = "";

    /// <summary>Help text; null for none.</summary>
    public string? Description { get; set; }

    /// <summary>Position among the options; null for file order.</summary>
    public int? DisplayOrder { get; set; }
}
