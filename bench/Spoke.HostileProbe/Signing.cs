using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Spoke.HostileProbe;

/// <summary>HubSpot's webhook signatures, written from HubSpot's rules (not the receiver's code, which is under test).</summary>
internal static class Signing
{
    /// <summary>v3: base64(HMAC-SHA256(secret, method + uri + body + timestamp)).</summary>
    public static string V3(string secret, string method, string uri, byte[] body, string timestamp)
    {
        var source = Encoding.UTF8.GetBytes(method + uri + Encoding.UTF8.GetString(body) + timestamp);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), source));
    }

    /// <summary>v1: hex(SHA-256(secret + body)).</summary>
    public static string V1(string secret, byte[] body) =>
        Convert.ToHexString(SHA256.HashData([.. Encoding.UTF8.GetBytes(secret), .. body])).ToLowerInvariant();

    public static string Now(TimeSpan offset = default) =>
        (DateTimeOffset.UtcNow + offset).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();

    /// <summary>A delivery body of <paramref name="count"/> contact.creation events for objects from <paramref name="firstObject"/>.</summary>
    public static byte[] Events(long firstObject, int count, string? marker = null)
    {
        var sb = new StringBuilder("[");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            var id = firstObject + i;
            sb.Append(i == 0 ? "" : ",");
            sb.Append(CultureInfo.InvariantCulture, $$"""{"eventId":{{id}},"subscriptionId":1,"portalId":12345678,"appId":1234567,"occurredAt":{{now}},"attemptNumber":0,"objectId":{{id}},"changeSource":"CRM","changeFlag":"NEW","subscriptionType":"{{(marker is null ? "contact.creation" : "contact.propertyChange")}}" """);
            if (marker is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $$""","propertyName":"firstname","propertyValue":"{{marker}}" """);
            }

            sb.Append('}');
        }

        return Encoding.UTF8.GetBytes(sb.Append(']').ToString());
    }
}
