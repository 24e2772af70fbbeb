using Spoke.Errors;

namespace Spoke.OAuth;

/// <summary>
/// The installation is gone: HubSpot refused its refresh token (the app was uninstalled from the portal, or the token was
/// deleted or revoked). Nothing retries this: the portal's user must install the app again. <see cref="Key"/> says which.
/// </summary>
public sealed class HubSpotInstallationRevokedException : HubSpotApiException
{
    /// <summary>The category this exception carries.</summary>
    public const string RevokedCategory = "INSTALLATION_REVOKED";

    /// <summary>An installation HubSpot no longer accepts.</summary>
    /// <param name="key">The installation.</param>
    /// <param name="reason">What HubSpot answered (never a token).</param>
    /// <param name="correlationId">HubSpot's correlation id, when it sent one.</param>
    /// <param name="inner">HubSpot's answer as an exception.</param>
    public HubSpotInstallationRevokedException(HubSpotInstallationKey key, string reason, string? correlationId = null, Exception? inner = null)
        : base(401, $"The HubSpot installation {key} was revoked or uninstalled ({reason}): the app must be installed in portal {key.PortalId} again.",
            RevokedCategory, null, correlationId, inner: inner)
    {
        Key = key;
    }

    /// <summary>The installation HubSpot no longer accepts.</summary>
    public HubSpotInstallationKey Key { get; }
}
