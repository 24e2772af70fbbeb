namespace Spoke.Webhooks.Signatures;

/// <summary>The signature versions HubSpot sends (see README: which request carries which).</summary>
[Flags]
public enum HubSpotSignatureVersions
{
    None = 0,

    /// <summary><c>X-HubSpot-Signature</c> = hex SHA-256 of <c>secret + body</c> (webhooks API deliveries). No timestamp: replayable.</summary>
    V1 = 1,

    /// <summary><c>X-HubSpot-Signature</c> = hex SHA-256 of <c>secret + method + uri + body</c> (workflow actions, CRM cards). No timestamp.</summary>
    V2 = 2,

    /// <summary><c>X-HubSpot-Signature-v3</c> = base64 HMAC-SHA256 of <c>method + uri + body + timestamp</c>, with a 5-minute window.</summary>
    V3 = 4,

    All = V1 | V2 | V3,
}

/// <summary>Why a request's signature was refused (<see cref="HubSpotSignatureFailure.None"/> when it was accepted).</summary>
public enum HubSpotSignatureFailure
{
    None = 0,
    NoSecretConfigured,
    MissingSignature,
    UnsupportedVersion,
    VersionNotAccepted,
    MalformedSignature,
    MissingTimestamp,
    MalformedTimestamp,
    TimestampExpired,
    TimestampInFuture,
    Mismatch,
}
