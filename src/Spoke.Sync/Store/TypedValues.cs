using System.Globalization;

namespace Spoke.Sync.Store;

/// <summary>Parses raw HubSpot text for typed columns. Anything that does not parse is null, never an error.</summary>
internal static class TypedValues
{
    public static decimal? Number(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        return decimal.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    public static DateTimeOffset? DateTime(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = raw.Trim();
        if (text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '-' && text[1..].All(char.IsAsciiDigit)))
        {
            // Epoch milliseconds (how HubSpot sends date properties in some APIs and webhooks).
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
                && ms >= -62_135_596_800_000 && ms <= 253_402_300_799_999
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value.ToUniversalTime()
            : null;
    }

    public static bool? Boolean(string? raw) => raw?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };
}
