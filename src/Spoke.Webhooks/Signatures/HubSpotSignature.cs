using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Spoke.Webhooks.Signatures;

/// <summary>
/// HubSpot request signatures, as pure functions: no I/O, no clock but the one passed in. Comparisons are constant
/// time. When a request carries a v3 signature and v3 is accepted, v3 decides (it is the only one with a timestamp);
/// otherwise <c>X-HubSpot-Signature</c> is checked as v1 or v2 per <c>X-HubSpot-Signature-Version</c>.
/// </summary>
public static class HubSpotSignature
{
    /// <summary>HubSpot's window for v3 timestamps: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    // The only escapes HubSpot's v3 rules decode in the URI (DOC:webhooks/validating-requests); all others stay.
    private static readonly (string Escape, char Value)[] V3DecodedEscapes =
    [
        ("%3A", ':'), ("%2F", '/'), ("%3F", '?'), ("%40", '@'), ("%21", '!'), ("%24", '$'), ("%27", '\''),
        ("%28", '('), ("%29", ')'), ("%2A", '*'), ("%2C", ','), ("%3B", ';'),
    ];

    /// <summary>Checks <paramref name="request"/> against one client secret.</summary>
    public static HubSpotSignatureResult Verify(HubSpotSignatureRequest request, string clientSecret, DateTimeOffset now, TimeSpan tolerance, HubSpotSignatureVersions accepted = HubSpotSignatureVersions.All) =>
        Verify(request, [clientSecret], now, tolerance, accepted);

    /// <summary>Checks <paramref name="request"/> with the clock of <paramref name="timeProvider"/>.</summary>
    public static HubSpotSignatureResult Verify(HubSpotSignatureRequest request, IReadOnlyList<string> clientSecrets, TimeProvider timeProvider, TimeSpan tolerance, HubSpotSignatureVersions accepted = HubSpotSignatureVersions.All)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Verify(request, clientSecrets, timeProvider.GetUtcNow(), tolerance, accepted);
    }

    /// <summary>
    /// Checks <paramref name="request"/> against any of <paramref name="clientSecrets"/> (several during a secret
    /// rotation). A v3 timestamp must lie within <paramref name="tolerance"/> of <paramref name="now"/>, either way.
    /// </summary>
    public static HubSpotSignatureResult Verify(HubSpotSignatureRequest request, IReadOnlyList<string> clientSecrets, DateTimeOffset now, TimeSpan tolerance, HubSpotSignatureVersions accepted = HubSpotSignatureVersions.All)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Verify(request, new ReadOnlySequence<byte>(request.Body), clientSecrets, now, tolerance, accepted);
    }

    /// <summary>As the public <c>Verify</c>, over a body held in segments (the receiver's pooled buffers); <c>request.Body</c> is ignored.</summary>
    internal static HubSpotSignatureResult Verify(HubSpotSignatureRequest request, in ReadOnlySequence<byte> body, IReadOnlyList<string> clientSecrets, DateTimeOffset now, TimeSpan tolerance, HubSpotSignatureVersions accepted)
    {
        var screened = CheckHeaders(request, clientSecrets, now, tolerance, accepted);
        if (!screened.IsValid)
        {
            return screened;
        }

        if (screened.Version == HubSpotSignatureVersions.V3)
        {
            Span<byte> expectedMac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            Convert.TryFromBase64String(request.SignatureV3!.Trim(), expectedMac, out _);
            var uri = DecodeV3Uri(request.Uri);
            Span<byte> actualMac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            for (var i = 0; i < clientSecrets.Count; i++)
            {
                ComputeV3(clientSecrets[i], request.Method, uri, [], body, request.Timestamp!, actualMac);
                if (CryptographicOperations.FixedTimeEquals(actualMac, expectedMac))
                {
                    return new HubSpotSignatureResult(HubSpotSignatureFailure.None, HubSpotSignatureVersions.V3, i, "Valid.");
                }
            }

            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.Mismatch, HubSpotSignatureVersions.V3, "The v3 signature does not match the method, URI, body and timestamp for any configured secret.");
        }

        var expected = Convert.FromHexString(request.Signature!.Trim());
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        for (var i = 0; i < clientSecrets.Count; i++)
        {
            ComputeV1OrV2(screened.Version, clientSecrets[i], request.Method, request.Uri, [], body, actual);
            if (CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                return new HubSpotSignatureResult(HubSpotSignatureFailure.None, screened.Version, i, "Valid.");
            }
        }

        return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.Mismatch, screened.Version, "The signature does not match the body for any configured secret.");
    }

    /// <summary>
    /// Everything <c>Verify</c> checks that does not need the body: which signature decides, its format, and the v3
    /// timestamp and window. A failure here is final whatever the body, so the receiver refuses before reading it.
    /// <see cref="HubSpotSignatureFailure.None"/> means "may verify": <see cref="HubSpotSignatureResult.Version"/>
    /// is the version that will decide.
    /// </summary>
    internal static HubSpotSignatureResult CheckHeaders(HubSpotSignatureRequest request, IReadOnlyList<string> clientSecrets, DateTimeOffset now, TimeSpan tolerance, HubSpotSignatureVersions accepted)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(clientSecrets);
        if (clientSecrets.Count == 0 || clientSecrets.Any(string.IsNullOrEmpty))
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.NoSecretConfigured, HubSpotSignatureVersions.None, "No client secret is configured (or one is empty): set the app's client secret.");
        }

        if (!string.IsNullOrEmpty(request.SignatureV3) && accepted.HasFlag(HubSpotSignatureVersions.V3))
        {
            return CheckV3Headers(request, now, tolerance);
        }

        if (string.IsNullOrEmpty(request.Signature))
        {
            if (!string.IsNullOrEmpty(request.SignatureV3))
            {
                return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.VersionNotAccepted, HubSpotSignatureVersions.V3, "The request carries only a v3 signature, which is not accepted here.");
            }

            return accepted == HubSpotSignatureVersions.V3
                ? HubSpotSignatureResult.Fail(HubSpotSignatureFailure.MissingSignature, HubSpotSignatureVersions.None, "No X-HubSpot-Signature-v3 header (only v3 is accepted here).")
                : HubSpotSignatureResult.Fail(HubSpotSignatureFailure.MissingSignature, HubSpotSignatureVersions.None, "No X-HubSpot-Signature or X-HubSpot-Signature-v3 header.");
        }

        var version = (request.SignatureVersion ?? "v1").Trim();
        HubSpotSignatureVersions parsed;
        if (string.Equals(version, "v1", StringComparison.OrdinalIgnoreCase))
        {
            parsed = HubSpotSignatureVersions.V1;
        }
        else if (string.Equals(version, "v2", StringComparison.OrdinalIgnoreCase))
        {
            parsed = HubSpotSignatureVersions.V2;
        }
        else
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.UnsupportedVersion, HubSpotSignatureVersions.None, "X-HubSpot-Signature-Version is neither v1 nor v2.");
        }

        if (!accepted.HasFlag(parsed))
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.VersionNotAccepted, parsed, $"Signature version {version.ToLowerInvariant()} is not accepted here.");
        }

        var hex = request.Signature.Trim();
        if (hex.Length != SHA256.HashSizeInBytes * 2)
        {
            return hex.Any(c => !char.IsAsciiHexDigit(c))
                ? HubSpotSignatureResult.Fail(HubSpotSignatureFailure.MalformedSignature, parsed, "X-HubSpot-Signature is not hex.")
                : HubSpotSignatureResult.Fail(HubSpotSignatureFailure.MalformedSignature, parsed, "X-HubSpot-Signature is not a SHA-256 hash.");
        }

        if (hex.Any(c => !char.IsAsciiHexDigit(c)))
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.MalformedSignature, parsed, "X-HubSpot-Signature is not hex.");
        }

        return new HubSpotSignatureResult(HubSpotSignatureFailure.None, parsed, -1, "The headers are well formed.");
    }

    /// <summary>The v1 signature (lowercase hex): SHA-256 of <c>secret + body</c>.</summary>
    public static string ComputeV1(string clientSecret, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeV1OrV2(HubSpotSignatureVersions.V1, clientSecret, "", "", body, default, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The v2 signature (lowercase hex): SHA-256 of <c>secret + method + uri + body</c>.</summary>
    public static string ComputeV2(string clientSecret, string method, string uri, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeV1OrV2(HubSpotSignatureVersions.V2, clientSecret, method, uri, body, default, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The v3 signature (base64): HMAC-SHA256 keyed by the secret over <c>method + decoded uri + body + timestamp</c>.</summary>
    public static string ComputeV3(string clientSecret, string method, string uri, ReadOnlySpan<byte> body, string timestamp)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeV3(clientSecret, method, DecodeV3Uri(uri), body, default, timestamp, mac);
        return Convert.ToBase64String(mac);
    }

    /// <summary>Applies HubSpot's v3 URI rule: decode only <c>%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B</c> (any case).</summary>
    public static string DecodeV3Uri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.Contains('%', StringComparison.Ordinal))
        {
            return uri;
        }

        var builder = new StringBuilder(uri.Length);
        for (var i = 0; i < uri.Length; i++)
        {
            if (uri[i] == '%' && i + 2 < uri.Length)
            {
                var escape = uri.AsSpan(i, 3);
                var decoded = false;
                foreach (var (text, value) in V3DecodedEscapes)
                {
                    if (escape.Equals(text, StringComparison.OrdinalIgnoreCase))
                    {
                        builder.Append(value);
                        i += 2;
                        decoded = true;
                        break;
                    }
                }

                if (decoded)
                {
                    continue;
                }
            }

            builder.Append(uri[i]);
        }

        return builder.ToString();
    }

    private static HubSpotSignatureResult CheckV3Headers(HubSpotSignatureRequest request, DateTimeOffset now, TimeSpan tolerance)
    {
        const HubSpotSignatureVersions v3 = HubSpotSignatureVersions.V3;
        if (string.IsNullOrWhiteSpace(request.Timestamp))
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.MissingTimestamp, v3, "A v3 signature needs X-HubSpot-Request-Timestamp.");
        }

        // Epoch milliseconds; some senders (and proxies) write them as floats ("1.7e12", "1700000000000.0").
        if (!double.TryParse(request.Timestamp.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) || !double.IsFinite(milliseconds))
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.MalformedTimestamp, v3, "X-HubSpot-Request-Timestamp is not a number of epoch milliseconds.");
        }

        var skewMs = now.ToUnixTimeMilliseconds() - milliseconds;
        if (skewMs > tolerance.TotalMilliseconds)
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.TimestampExpired, v3, "X-HubSpot-Request-Timestamp is older than the allowed window (check the server clock, or a replayed request).");
        }

        if (-skewMs > tolerance.TotalMilliseconds)
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.TimestampInFuture, v3, "X-HubSpot-Request-Timestamp is further in the future than the allowed window (check the server clock).");
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(request.SignatureV3!.Trim(), expected, out var written) || written != expected.Length)
        {
            return HubSpotSignatureResult.Fail(HubSpotSignatureFailure.MalformedSignature, v3, "X-HubSpot-Signature-v3 is not a base64 HMAC-SHA256.");
        }

        return new HubSpotSignatureResult(HubSpotSignatureFailure.None, v3, -1, "The headers are well formed.");
    }

    private static void ComputeV1OrV2(HubSpotSignatureVersions version, string secret, string method, string uri, ReadOnlySpan<byte> body, in ReadOnlySequence<byte> bodySegments, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(secret));
        if (version == HubSpotSignatureVersions.V2)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(method));
            hash.AppendData(Encoding.UTF8.GetBytes(uri));
        }

        // The body is one span (the public Compute* methods) or segments (the receiver's pooled buffers).
        hash.AppendData(body);
        foreach (var segment in bodySegments)
        {
            hash.AppendData(segment.Span);
        }

        hash.GetHashAndReset(destination);
    }

    private static void ComputeV3(string secret, string method, string decodedUri, ReadOnlySpan<byte> body, in ReadOnlySequence<byte> bodySegments, string timestamp, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(method));
        hmac.AppendData(Encoding.UTF8.GetBytes(decodedUri));
        hmac.AppendData(body);
        foreach (var segment in bodySegments)
        {
            hmac.AppendData(segment.Span);
        }

        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp));
        hmac.GetHashAndReset(destination);
    }
}
