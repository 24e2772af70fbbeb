namespace Spoke.Webhooks.Signatures;

/// <summary>
/// What a signature covers: the method, the full URI as HubSpot called it (<c>https://host/path?query</c>), the raw
/// body bytes and the three signature headers. Build it with <see cref="FromHeaders"/> from any header collection.
/// </summary>
public sealed record HubSpotSignatureRequest
{
    /// <summary>The v1/v2 signature header.</summary>
    public const string SignatureHeader = "X-HubSpot-Signature";
    /// <summary>The v3 signature header.</summary>
    public const string SignatureV3Header = "X-HubSpot-Signature-v3";
    /// <summary>The header naming the v1/v2 version (<c>v1</c> or <c>v2</c>).</summary>
    public const string VersionHeader = "X-HubSpot-Signature-Version";
    /// <summary>The v3 timestamp header (epoch milliseconds).</summary>
    public const string TimestampHeader = "X-HubSpot-Request-Timestamp";

    /// <summary>The HTTP method HubSpot used (<c>POST</c>, <c>GET</c>).</summary>
    public required string Method { get; init; }

    /// <summary>The full URI HubSpot called, scheme and host included, exactly as it was signed (behind a proxy: the public URL).</summary>
    public required string Uri { get; init; }

    /// <summary>The raw body bytes as received (never re-serialised: a changed byte breaks the signature).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary><c>X-HubSpot-Signature</c> (v1 or v2, per <see cref="SignatureVersion"/>).</summary>
    public string? Signature { get; init; }

    /// <summary><c>X-HubSpot-Signature-Version</c>: <c>v1</c> or <c>v2</c>; v1 when absent.</summary>
    public string? SignatureVersion { get; init; }

    /// <summary><c>X-HubSpot-Signature-v3</c> (any case: HubSpot's docs spell it <c>-v3</c> and <c>-V3</c>).</summary>
    public string? SignatureV3 { get; init; }

    /// <summary><c>X-HubSpot-Request-Timestamp</c>: epoch milliseconds, as sent (it is signed as text).</summary>
    public string? Timestamp { get; init; }

    /// <summary>Reads the signature headers from <paramref name="headers"/>, matching names case-insensitively.</summary>
    public static HubSpotSignatureRequest FromHeaders(string method, string uri, ReadOnlyMemory<byte> body, IEnumerable<KeyValuePair<string, string?>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? signature = null, version = null, v3 = null, timestamp = null;
        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, SignatureHeader, StringComparison.OrdinalIgnoreCase))
            {
                signature = value;
            }
            else if (string.Equals(name, SignatureV3Header, StringComparison.OrdinalIgnoreCase))
            {
                v3 = value;
            }
            else if (string.Equals(name, VersionHeader, StringComparison.OrdinalIgnoreCase))
            {
                version = value;
            }
            else if (string.Equals(name, TimestampHeader, StringComparison.OrdinalIgnoreCase))
            {
                timestamp = value;
            }
        }

        return new HubSpotSignatureRequest { Method = method, Uri = uri, Body = body, Signature = signature, SignatureVersion = version, SignatureV3 = v3, Timestamp = timestamp };
    }
}
