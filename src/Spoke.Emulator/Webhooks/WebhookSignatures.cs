using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Spoke.Emulator.Webhooks;

/// <summary>
/// HubSpot's request signatures (docs/hubspot-api.md §8), the emulator's own implementation: v1 is the lowercase hex SHA-256 of
/// <c>clientSecret + body</c>; v3 the base64 HMAC-SHA256, keyed with the client secret, of
/// <c>method + uri + body + timestamp</c> (epoch ms).
/// </summary>
internal static class WebhookSignatures
{
    public static string V1(string clientSecret, string body) => V1(clientSecret, Encoding.UTF8.GetBytes(body));

    /// <summary>v1 over the body's bytes as sent (no second encoding of a large body).</summary>
    public static string V1(string clientSecret, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(clientSecret));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static readonly (string Encoded, string Decoded)[] V3Decoded =
    [
        ("%3A", ":"), ("%2F", "/"), ("%3F", "?"), ("%40", "@"), ("%21", "!"), ("%24", "$"), ("%27", "'"),
        ("%28", "("), ("%29", ")"), ("%2A", "*"), ("%2C", ","), ("%3B", ";"),
    ];

    /// <summary>
    /// The URI as v3 signs it (docs/hubspot-api.md §8): these percent-escapes decoded, case-insensitively, and nothing else, so a
    /// receiver that follows HubSpot's validation instructions computes the same string.
    /// </summary>
    public static string V3Uri(string uri)
    {
        if (!uri.Contains('%', StringComparison.Ordinal))
        {
            return uri;
        }

        foreach (var (encoded, decoded) in V3Decoded)
        {
            uri = uri.Replace(encoded, decoded, StringComparison.OrdinalIgnoreCase);
        }

        return uri;
    }

    /// <summary>v3 over the body's bytes as sent: <c>method + uri + body + timestamp</c>, fed to the HMAC in that order.</summary>
    public static string V3(string clientSecret, string method, string uri, ReadOnlySpan<byte> body, long timestampMs)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(clientSecret));
        hmac.AppendData(Encoding.UTF8.GetBytes(method + uri));
        hmac.AppendData(body);
        hmac.AppendData(Encoding.UTF8.GetBytes(timestampMs.ToString(CultureInfo.InvariantCulture)));
        return Convert.ToBase64String(hmac.GetHashAndReset());
    }
}
