namespace Spoke.Webhooks.Signatures;

/// <summary>The signature versions HubSpot sends (see README: which request carries which).</summary>
[Flags]
public enum HubSpotSignatureVersions
{
    /// <summary>No version: nothing is accepted.</summary>
    None = 0,

    /// <summary><c>X-HubSpot-Signature</c> = hex SHA-256 of <c>secret + body</c> (webhooks API deliveries). No timestamp: replayable.</summary>
    V1 = 1,

    /// <summary><c>X-HubSpot-Signature</c> = hex SHA-256 of <c>secret + method + uri + body</c> (workflow actions, CRM cards). No timestamp.</summary>
    V2 = 2,

    /// <summary><c>X-HubSpot-Signature-v3</c> = base64 HMAC-SHA256 of <c>method + uri + body + timestamp</c>, with a 5-minute window.</summary>
    V3 = 4,

    /// <summary>Every version; accept v1 and v2 only for senders that use them (they carry no timestamp and can be replayed).</summary>
    All = V1 | V2 | V3,
}

/// <summary>Why a request's signature was refused (<see cref="HubSpotSignatureFailure.None"/> when it was accepted).</summary>
public enum HubSpotSignatureFailure
{
    /// <summary>The signature was accepted.</summary>
    None = 0,
    /// <summary>No client secret (or app secret) is configured, so no signature can be checked.</summary>
    NoSecretConfigured,
    /// <summary>The request carries no signature header for any accepted version.</summary>
    MissingSignature,
    /// <summary>The <c>X-HubSpot-Signature-Version</c> header names a version HubSpot does not define.</summary>
    UnsupportedVersion,
    /// <summary>The request is signed with a version this receiver does not accept (<c>AcceptedSignatureVersions</c>).</summary>
    VersionNotAccepted,
    /// <summary>The signature header is not valid hex (v1, v2) or base64 (v3).</summary>
    MalformedSignature,
    /// <summary>A v3 request carries no <c>X-HubSpot-Request-Timestamp</c>.</summary>
    MissingTimestamp,
    /// <summary>The v3 timestamp is not epoch milliseconds.</summary>
    MalformedTimestamp,
    /// <summary>The v3 timestamp is older than the 5-minute window: a replay or a badly delayed request.</summary>
    TimestampExpired,
    /// <summary>The v3 timestamp is further in the future than the allowed clock skew.</summary>
    TimestampInFuture,
    /// <summary>The signature does not match the request: wrong secret, a changed body, or a URI that differs from the one HubSpot signed.</summary>
    Mismatch,
}
