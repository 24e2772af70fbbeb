using System.Globalization;

namespace Spoke.Crm;

/// <summary>
/// Property values as HubSpot sends them (strings or null), with readers and writers that convert to and from
/// HubSpot's wire formats exactly: numbers as <see cref="decimal"/>, datetimes as <see cref="DateTimeOffset"/>
/// (ISO-8601 UTC with milliseconds), dates as <see cref="DateOnly"/> (<c>YYYY-MM-DD</c>), booleans, and multi-value
/// enumerations (<c>a;b</c>).
/// </summary>
public sealed class PropertyBag : Dictionary<string, string?>
{
    public PropertyBag() : base(StringComparer.Ordinal)
    {
    }

    public PropertyBag(IDictionary<string, string?> values) : base(values, StringComparer.Ordinal)
    {
    }

    public string? GetString(string name) => TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;

    public decimal? GetDecimal(string name) =>
        GetString(name) is { } v ? decimal.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    public long? GetInt64(string name) => GetDecimal(name) is { } d ? (long)d : null;

    public bool? GetBoolean(string name) => GetString(name) is { } v ? bool.Parse(v) : null;

    /// <summary>Reads a datetime: ISO-8601, or epoch milliseconds (both appear in HubSpot data).</summary>
    public DateTimeOffset? GetDateTime(string name)
    {
        if (GetString(name) is not { } v)
        {
            return null;
        }

        return long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.Parse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    /// <summary>Reads a date property (<c>YYYY-MM-DD</c>, a midnight-UTC datetime, or epoch ms at midnight).</summary>
    public DateOnly? GetDate(string name)
    {
        if (GetString(name) is not { } v)
        {
            return null;
        }

        return DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : DateOnly.FromDateTime(GetDateTime(name)!.Value.UtcDateTime);
    }

    /// <summary>The values of a multi-value enumeration (<c>a;b;c</c>).</summary>
    public IReadOnlyList<string> GetValues(string name) =>
        GetString(name) is { } v ? v.Split(';', StringSplitOptions.RemoveEmptyEntries) : [];

    public PropertyBag Set(string name, string? value)
    {
        this[name] = value;
        return this;
    }

    public PropertyBag Set(string name, decimal? value) => Set(name, value?.ToString(CultureInfo.InvariantCulture) ?? "");

    public PropertyBag Set(string name, long? value) => Set(name, value?.ToString(CultureInfo.InvariantCulture) ?? "");

    public PropertyBag Set(string name, bool? value) => Set(name, value is null ? "" : value.Value ? "true" : "false");

    public PropertyBag Set(string name, DateTimeOffset? value) =>
        Set(name, value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "");

    public PropertyBag Set(string name, DateOnly? value) => Set(name, value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");

    public PropertyBag Set(string name, IEnumerable<string>? values) => Set(name, values is null ? "" : string.Join(';', values));

    /// <summary>Clears a value on HubSpot (sent as <c>""</c>).</summary>
    public PropertyBag Clear(string name) => Set(name, "");
}
