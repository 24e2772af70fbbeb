using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.DataTools.Mapping;

/// <summary>
/// One step of a column's value pipeline. In the file a step without options is a word (<c>"trim"</c>), one with
/// options an object with one field named after the kind (<c>{"date": "dd/MM/yyyy"}</c>,
/// <c>{"map": {"values": {...}}}</c>); the README lists every kind.
/// </summary>
[JsonConverter(typeof(ValueTransformConverter))]
public sealed class ValueTransform
{
    /// <summary>The kinds a map may use.</summary>
    internal static readonly string[] Kinds = ["trim", "lower", "upper", "map", "date", "number", "bool", "constant", "split", "join", "nullIf"];

    /// <summary>A step of <paramref name="kind"/> (one of <c>trim</c>, <c>lower</c>, <c>upper</c>, <c>map</c>, <c>date</c>, <c>number</c>, <c>bool</c>, <c>constant</c>, <c>split</c>, <c>join</c>, <c>nullIf</c>).</summary>
    /// <exception cref="ArgumentException">An unknown kind.</exception>
    public ValueTransform(string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (!Kinds.Contains(kind, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown transform '{kind}'; use one of {string.Join(", ", Kinds)}.", nameof(kind));
        }

        Kind = kind;
    }

    /// <summary>The kind of step.</summary>
    public string Kind { get; }

    /// <summary><c>map</c>: source value → property value.</summary>
    public IDictionary<string, string>? Values { get; init; }

    /// <summary><c>map</c>: the value of source values not in <see cref="Values"/>; null keeps them as they are (validation then names them).</summary>
    public string? Default { get; init; }

    /// <summary><c>map</c>: match source values ignoring case (and surrounding spaces).</summary>
    public bool CaseInsensitive { get; init; }

    /// <summary><c>date</c>: the input format (.NET custom format such as <c>dd/MM/yyyy</c> or <c>dd.MM.yyyy HH:mm</c>); null for the map's <see cref="ImportMap.DateFormat"/>.</summary>
    public string? Format { get; init; }

    /// <summary><c>date</c>: the IANA time zone of datetimes without an offset; null for the map's <see cref="ImportMap.TimeZone"/> (UTC when neither).</summary>
    public string? TimeZone { get; init; }

    /// <summary><c>number</c>: the culture whose separators the file uses (e.g. <c>de-DE</c>); null for the map's <see cref="ImportMap.Culture"/>.</summary>
    public string? Culture { get; init; }

    /// <summary><c>number</c>: the decimal separator, overriding the culture's.</summary>
    public string? DecimalSeparator { get; init; }

    /// <summary><c>number</c>: the digit-group separator, overriding the culture's.</summary>
    public string? GroupSeparator { get; init; }

    /// <summary><c>bool</c>: more words that mean true (besides true, yes, y, 1, on).</summary>
    public IList<string>? TrueValues { get; init; }

    /// <summary><c>bool</c>: more words that mean false (besides false, no, n, 0, off).</summary>
    public IList<string>? FalseValues { get; init; }

    /// <summary><c>constant</c>: the value that replaces whatever the column holds.</summary>
    public string? Value { get; init; }

    /// <summary><c>split</c>: what separates the values in the column (<c>;</c> when null); <c>join</c>: what joins them (<c>;</c> when null).</summary>
    public string? Separator { get; init; }

    /// <summary><c>nullIf</c>: values that mean "no value" (compared ignoring case and surrounding spaces), e.g. <c>n/a</c>, <c>-</c>.</summary>
    public IList<string>? NullValues { get; init; }

    /// <summary><c>trim</c>: removes surrounding white space.</summary>
    public static ValueTransform Trim { get; } = new("trim");

    /// <summary><c>lower</c>: lowercases (invariant).</summary>
    public static ValueTransform Lower { get; } = new("lower");

    /// <summary><c>upper</c>: uppercases (invariant).</summary>
    public static ValueTransform Upper { get; } = new("upper");

    /// <summary><c>bool</c>: yes/no/1/0/true/false/on/off → <c>true</c>/<c>false</c>.</summary>
    public static ValueTransform Bool { get; } = new("bool");

    /// <summary>A <c>date</c> step with an input format.</summary>
    public static ValueTransform Date(string format) => new("date") { Format = format };

    /// <summary>True when the JSON form is the bare word (no options set).</summary>
    internal bool IsBare => Values is null && Default is null && !CaseInsensitive && Format is null && TimeZone is null && Culture is null &&
        DecimalSeparator is null && GroupSeparator is null && TrueValues is null && FalseValues is null && Value is null && Separator is null && NullValues is null;
}

/// <summary>Reads and writes <see cref="ValueTransform"/>'s two JSON forms without reflection.</summary>
internal sealed class ValueTransformConverter : JsonConverter<ValueTransform>
{
    private static readonly string[] Words = ["trim", "lower", "upper", "date", "number", "bool", "split", "join"];

    public override ValueTransform Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var word = reader.GetString()!;
            return Words.Contains(word, StringComparer.Ordinal)
                ? new ValueTransform(word)
                : throw new JsonException($"unknown transform \"{word}\"; as a word use one of {string.Join(", ", Words)}; " +
                    "map, constant and nullIf take options, e.g. {\"map\": {\"values\": {\"Yes\": \"true\"}}}");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a transform is a word such as \"trim\" or an object such as {\"date\": \"dd/MM/yyyy\"}");
        }

        using var document = JsonDocument.ParseValue(ref reader);
        var fields = document.RootElement.EnumerateObject().ToList();
        if (fields.Count != 1)
        {
            throw new JsonException("a transform object has exactly one field, the transform's name, e.g. {\"date\": \"dd/MM/yyyy\"}");
        }

        var kind = fields[0].Name;
        var value = fields[0].Value;
        return kind switch
        {
            "trim" or "lower" or "upper" => new ValueTransform(kind),
            "map" => ReadMap(value),
            "date" => value.ValueKind == JsonValueKind.String
                ? new ValueTransform("date") { Format = value.GetString() }
                : Options(value, "date", ["format", "timeZone"], o => new ValueTransform("date") { Format = Text(o, "format"), TimeZone = Text(o, "timeZone") }),
            "number" => value.ValueKind == JsonValueKind.String
                ? new ValueTransform("number") { Culture = value.GetString() }
                : Options(value, "number", ["culture", "decimalSeparator", "groupSeparator"], o => new ValueTransform("number")
                {
                    Culture = Text(o, "culture"), DecimalSeparator = Text(o, "decimalSeparator"), GroupSeparator = Text(o, "groupSeparator"),
                }),
            "bool" => Options(value, "bool", ["true", "false"], o => new ValueTransform("bool") { TrueValues = List(o, "true"), FalseValues = List(o, "false") }),
            "constant" => value.ValueKind == JsonValueKind.String
                ? new ValueTransform("constant") { Value = value.GetString() }
                : throw new JsonException("\"constant\" takes the value as text, e.g. {\"constant\": \"lead\"}"),
            "split" or "join" => value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } separator
                ? new ValueTransform(kind) { Separator = separator }
                : throw new JsonException($"\"{kind}\" takes its separator as text, e.g. {{\"{kind}\": \",\"}}"),
            "nullIf" => new ValueTransform("nullIf") { NullValues = value.ValueKind == JsonValueKind.String ? [value.GetString()!] : StringList(value, "nullIf") },
            _ => throw new JsonException($"unknown transform \"{kind}\"; use one of {string.Join(", ", ValueTransform.Kinds)}"),
        };
    }

    private static ValueTransform ReadMap(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("\"map\" takes an object: {\"values\": {\"from\": \"to\", ...}, \"default\": \"...\", \"caseInsensitive\": true}");
        }

        return Options(value, "map", ["values", "default", "caseInsensitive"], o =>
        {
            if (!o.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("\"map\" needs \"values\", an object of source value → property value");
            }

            var dictionary = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in values.EnumerateObject())
            {
                dictionary[pair.Name] = pair.Value.ValueKind == JsonValueKind.String
                    ? pair.Value.GetString()!
                    : throw new JsonException($"\"map\" value of \"{pair.Name}\" must be text (HubSpot's option value)");
            }

            var caseInsensitive = o.TryGetProperty("caseInsensitive", out var ci) && (ci.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? ci.GetBoolean()
                : throw new JsonException("\"caseInsensitive\" is true or false"));
            return new ValueTransform("map") { Values = dictionary, Default = Text(o, "default"), CaseInsensitive = caseInsensitive };
        });
    }

    private static ValueTransform Options(JsonElement value, string kind, string[] allowed, Func<JsonElement, ValueTransform> build)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"\"{kind}\" takes an object with {string.Join(", ", allowed)}");
        }

        foreach (var field in value.EnumerateObject())
        {
            if (!allowed.Contains(field.Name, StringComparer.Ordinal))
            {
                throw new JsonException($"unknown field '{field.Name}' in the \"{kind}\" transform (allowed here: {string.Join(", ", allowed)}); remove it or correct its spelling");
            }
        }

        return build(value);
    }

    private static string? Text(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw new JsonException($"\"{name}\" must be text");

    private static List<string>? List(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? StringList(v, name) : null;

    private static List<string> StringList(JsonElement v, string name) =>
        v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? [.. v.EnumerateArray().Select(e => e.GetString()!)]
            : throw new JsonException($"\"{name}\" must be a list of text values");

    public override void Write(Utf8JsonWriter writer, ValueTransform value, JsonSerializerOptions options)
    {
        if (value.IsBare && Words.Contains(value.Kind, StringComparer.Ordinal))
        {
            writer.WriteStringValue(value.Kind);
            return;
        }

        writer.WriteStartObject();
        writer.WritePropertyName(value.Kind);
        switch (value.Kind)
        {
            case "constant":
                writer.WriteStringValue(value.Value);
                break;
            case "split" or "join":
                writer.WriteStringValue(value.Separator);
                break;
            case "nullIf":
                WriteList(writer, value.NullValues ?? []);
                break;
            case "date" when value.TimeZone is null:
                writer.WriteStringValue(value.Format);
                break;
            case "number" when value.DecimalSeparator is null && value.GroupSeparator is null:
                writer.WriteStringValue(value.Culture);
                break;
            default:
                writer.WriteStartObject();
                if (value.Values is { } values)
                {
                    writer.WriteStartObject("values");
                    foreach (var pair in values)
                    {
                        writer.WriteString(pair.Key, pair.Value);
                    }

                    writer.WriteEndObject();
                }

                WriteIf(writer, "default", value.Default);
                if (value.CaseInsensitive)
                {
                    writer.WriteBoolean("caseInsensitive", true);
                }

                WriteIf(writer, "format", value.Format);
                WriteIf(writer, "timeZone", value.TimeZone);
                WriteIf(writer, "culture", value.Culture);
                WriteIf(writer, "decimalSeparator", value.DecimalSeparator);
                WriteIf(writer, "groupSeparator", value.GroupSeparator);
                if (value.TrueValues is { } trueValues)
                {
                    writer.WritePropertyName("true");
                    WriteList(writer, trueValues);
                }

                if (value.FalseValues is { } falseValues)
                {
                    writer.WritePropertyName("false");
                    WriteList(writer, falseValues);
                }

                writer.WriteEndObject();
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter writer, IEnumerable<string> values)
    {
        writer.WriteStartArray();
        foreach (var v in values)
        {
            writer.WriteStringValue(v);
        }

        writer.WriteEndArray();
    }
}
