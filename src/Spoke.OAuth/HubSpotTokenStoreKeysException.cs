namespace Spoke.OAuth;

/// <summary>
/// An installation's stored tokens do not decrypt with this process's Data Protection key ring: the keys that wrote
/// them were lost or changed, the instances do not share one key ring, or the ciphertext was moved to another
/// installation's row. The message names the installation (never a token) and what to do.
/// </summary>
public sealed class HubSpotTokenStoreKeysException : Exception
{
    /// <summary>The tokens of <paramref name="key"/> did not decrypt; <paramref name="inner"/> is Data Protection's error.</summary>
    public HubSpotTokenStoreKeysException(HubSpotInstallationKey key, Exception? inner = null)
        : base($"The stored tokens of HubSpot installation {key} cannot be decrypted with this Data Protection key ring. " +
            "The key ring must be the one that wrote them: point Data Protection at the same keys (PersistKeysToFileSystem, " +
            "PersistKeysToDbContext, ... with the same SetApplicationName, shared by every instance, and the same " +
            "ProtectKeysWith certificate). If those keys are gone, the tokens cannot be recovered: delete the installation " +
            "from the store and have the portal install the app again.", inner)
    {
        Key = key;
    }

    /// <summary>The installation whose tokens did not decrypt.</summary>
    public HubSpotInstallationKey Key { get; }
}
