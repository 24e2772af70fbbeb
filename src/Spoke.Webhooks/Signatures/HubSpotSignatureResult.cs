namespace Spoke.Webhooks.Signatures;

/// <summary>The outcome of <see cref="HubSpotSignature.Verify(HubSpotSignatureRequest, IReadOnlyList{string}, DateTimeOffset, TimeSpan, HubSpotSignatureVersions)"/>.</summary>
public readonly record struct HubSpotSignatureResult(HubSpotSignatureFailure Failure, HubSpotSignatureVersions Version, int SecretIndex, string Message)
{
    /// <summary>True when the signature was accepted.</summary>
    public bool IsValid => Failure == HubSpotSignatureFailure.None;

    internal static HubSpotSignatureResult Fail(HubSpotSignatureFailure failure, HubSpotSignatureVersions version, string message) =>
        new(failure, version, -1, message);
}
