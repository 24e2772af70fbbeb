using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Spoke.Emulator.Webhooks;

/// <summary>
/// HubSpot's request signatures (docs §8), the emulator's own implementation: v1 is the lowercase hex SHA-256 of
/// <c>clientSecret + body</c>; v3 the base64 HMAC-SHA256, keyed with the client secret, of
/// <c>method + uri + body + timestamp</c> (epoch ms).
/// </summary>
public static class WebhookSignatures
{
    public static string V1(string clientSecret, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientSecret + body)));

    private static readonly (string Encoded, string Decoded)[] V3Decoded =
    [
        ("%3A", ":"), ("%2F", "/"), ("%3F", "?"), ("%40", "@"), ("%21", "!"), ("%24", "$"), ("%27", "'"),
        ("%28", "("), ("%29", ")"), ("%2A", "*"), ("%2C", ","), ("%3B", ";"),
    ];

    /// <summary>
    /// The URI as v3 signs it (docs §8): these percent-escapes decoded, case-insensitively, and nothing else, so a
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

    public static string V3(string clientSecret, string method, string uri, string body, long timestampMs) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret),
            Encoding.UTF8.GetBytes(method + uri + body + timestampMs.ToString(CultureInfo.InvariantCulture))));
}
