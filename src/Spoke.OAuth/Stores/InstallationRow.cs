using System.Data.Common;

namespace Spoke.OAuth.Stores;

/// <summary>
/// The <c>hubspot_installations</c> row both stores share: its columns in order, the upsert, and the installation
/// read back with its tokens decrypted. What differs (parameter types, how times and scopes are kept) stays in each store.
/// </summary>
internal static class InstallationRow
{
    public const string Columns = "client_id, portal_id, refresh_token, access_token, access_token_expires_at, scopes, " +
        "hub_domain, user_email, user_id, installed_at, updated_at";

    /// <summary>The insert-or-replace of one row; parameters are named after the columns with <paramref name="prefix"/>.</summary>
    public static string Upsert(string table, char prefix) => $"""
        INSERT INTO {table} ({Columns})
        VALUES ({prefix}client_id, {prefix}portal_id, {prefix}refresh_token, {prefix}access_token, {prefix}access_token_expires_at, {prefix}scopes,
                {prefix}hub_domain, {prefix}user_email, {prefix}user_id, {prefix}installed_at, {prefix}updated_at)
        ON CONFLICT (client_id, portal_id) DO UPDATE SET
            refresh_token = excluded.refresh_token,
            access_token = excluded.access_token,
            access_token_expires_at = excluded.access_token_expires_at,
            scopes = excluded.scopes,
            hub_domain = excluded.hub_domain,
            user_email = excluded.user_email,
            user_id = excluded.user_id,
            installed_at = excluded.installed_at,
            updated_at = excluded.updated_at
        """;

    /// <summary>Checks an installation to save and encrypts its tokens for its row.</summary>
    public static (string RefreshToken, string? AccessToken) Protect(HubSpotInstallation installation, InstallationProtector protector)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentException.ThrowIfNullOrWhiteSpace(installation.ClientId, nameof(installation));
        ArgumentException.ThrowIfNullOrEmpty(installation.RefreshToken, nameof(installation));
        var key = installation.Key;
        return (protector.Protect(key, InstallationProtector.RefreshTokenField, installation.RefreshToken),
            installation.AccessToken is null ? null : protector.Protect(key, InstallationProtector.AccessTokenField, installation.AccessToken));
    }

    /// <summary>The installation of the reader's current row (selected as <see cref="Columns"/>).</summary>
    public static HubSpotInstallation Read(DbDataReader reader, InstallationProtector protector,
        Func<DbDataReader, int, DateTimeOffset> readTime, Func<DbDataReader, int, IReadOnlyList<string>> readScopes)
    {
        var key = new HubSpotInstallationKey(reader.GetString(0), reader.GetInt64(1));
        return new HubSpotInstallation
        {
            ClientId = key.ClientId,
            PortalId = key.PortalId,
            RefreshToken = protector.Unprotect(key, InstallationProtector.RefreshTokenField, reader.GetString(2)),
            AccessToken = reader.IsDBNull(3) ? null : protector.Unprotect(key, InstallationProtector.AccessTokenField, reader.GetString(3)),
            AccessTokenExpiresAt = readTime(reader, 4),
            Scopes = readScopes(reader, 5),
            HubDomain = reader.IsDBNull(6) ? null : reader.GetString(6),
            User = reader.IsDBNull(7) ? null : reader.GetString(7),
            UserId = reader.IsDBNull(8) ? null : reader.GetInt64(8),
            InstalledAt = readTime(reader, 9),
            UpdatedAt = readTime(reader, 10),
        };
    }
}
