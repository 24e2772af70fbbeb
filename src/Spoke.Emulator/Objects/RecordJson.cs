using System.Globalization;
using System.Text.Json;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Objects;

/// <summary>Which properties a response carries, parsed from <c>properties</c> and <c>propertiesWithHistory</c>.</summary>
internal sealed class PropertySelection
{
    public IReadOnlyList<string> Properties { get; init; } = [];
    public IReadOnlyList<string> WithHistory { get; init; } = [];
    /// <summary>Requested names with no value come back as null (see FidelityOptions).</summary>
    public bool NullForMissing { get; init; } = true;
    /// <summary>True when the caller named properties; false when the type's defaults apply.</summary>
    public bool Explicit { get; init; }

    /// <summary>From csv query values, each may repeat (<c>properties=a,b&amp;properties=c</c>).</summary>
    public static PropertySelection From(ObjectType type, IEnumerable<string?> properties, IEnumerable<string?> withHistory, bool nullForMissing)
    {
        var named = Split(properties);
        return new PropertySelection
        {
            Properties = named.Count > 0 ? named : type.DefaultProperties,
            Explicit = named.Count > 0,
            WithHistory = Split(withHistory),
            NullForMissing = nullForMissing,
        };
    }

    /// <summary>The defaults plus extra names (a create or update answers with what it wrote).</summary>
    public static PropertySelection DefaultsPlus(ObjectType type, IEnumerable<string> extra, bool nullForMissing) => new()
    {
        Properties = [.. type.DefaultProperties.Concat(extra).Distinct(StringComparer.Ordinal)],
        NullForMissing = nullForMissing,
    };

    public static List<string> Split(IEnumerable<string?> values) =>
        [.. values.Where(v => v is not null).SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];
}

/// <summary>Writes records in HubSpot's <c>SimplePublicObject</c> shape (docs/hubspot-api.md §4.1).</summary>
internal static class RecordJson
{
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => PropertyValues.FormatInstant(at);

    public static void Write(Utf8JsonWriter w, CrmRecord record, PropertySelection selection, PropertyCatalog? catalog = null,
        Action<Utf8JsonWriter>? extra = null)
    {
        w.WriteStartObject();
        w.WriteString("id", Id(record.Id));
        w.WriteStartObject("properties");
        foreach (var name in selection.Properties)
        {
            var value = record.Get(name);
            if (value is not null)
            {
                w.WriteString(name, value);
            }
            else if (selection.NullForMissing && (catalog is null || catalog.Properties.ContainsKey(name) || !selection.Explicit))
            {
                w.WriteNull(name);
            }
        }

        w.WriteEndObject();
        if (selection.WithHistory.Count > 0)
        {
            w.WriteStartObject("propertiesWithHistory");
            foreach (var name in selection.WithHistory)
            {
                w.WriteStartArray(name);
                for (var v = record.Properties.GetValueOrDefault(name); v is not null; v = v.Previous)
                {
                    w.WriteStartObject();
                    w.WriteString("value", v.Value);
                    w.WriteString("timestamp", Time(v.Timestamp));
                    w.WriteString("sourceType", v.SourceType);
                    if (v.SourceId is not null)
                    {
                        w.WriteString("sourceId", v.SourceId);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteString("createdAt", Time(record.CreatedAt));
        w.WriteString("updatedAt", Time(record.UpdatedAt));
        w.WriteBoolean("archived", record.Archived);
        if (record.ArchivedAt is { } archivedAt)
        {
            w.WriteString("archivedAt", Time(archivedAt));
        }

        extra?.Invoke(w);
        w.WriteEndObject();
    }
}
