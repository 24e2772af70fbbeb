using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Spoke.OAuth;

/// <summary>
/// Encrypts an installation's tokens for its row. The purpose is <see cref="Purpose"/>, then the installation's client
/// id and portal id, then the field: a ciphertext copied to another installation's row (or from the refresh token's
/// column to the access token's) does not decrypt. A failure surfaces as <see cref="HubSpotTokenStoreKeysException"/>.
/// </summary>
internal sealed class InstallationProtector
{
    /// <summary>The root purpose; a new format gets a new version rather than reinterpreting old ciphertexts.</summary>
    public const string Purpose = "Spoke.OAuth.TokenStore.v1";

    internal const string RefreshTokenField = "refresh_token";
    internal const string AccessTokenField = "access_token";

    private readonly IDataProtector _root;

    public InstallationProtector(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _root = provider.CreateProtector(Purpose);
    }

    public string Protect(HubSpotInstallationKey key, string field, string plaintext) => For(key, field).Protect(plaintext);

    public string Unprotect(HubSpotInstallationKey key, string field, string ciphertext)
    {
        try
        {
            return For(key, field).Unprotect(ciphertext);
        }
        catch (CryptographicException e)
        {
            // Data Protection's message names a key id or says the payload is invalid; it never holds the plaintext.
            throw new HubSpotTokenStoreKeysException(key, e);
        }
        catch (FormatException e)
        {
            // Not base64url at all: the column was not written by this store.
            throw new HubSpotTokenStoreKeysException(key, e);
        }
    }

    private IDataProtector For(HubSpotInstallationKey key, string field) =>
        _root.CreateProtector(key.ClientId, key.PortalId.ToString(CultureInfo.InvariantCulture), field);
}
