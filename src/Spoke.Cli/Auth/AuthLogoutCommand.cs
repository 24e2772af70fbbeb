using System.CommandLine;
using Spoke.Errors;
using Spoke.Cli.Hosting;
using Spoke.Emulator;
using Spoke.OAuth;

namespace Spoke.Cli.Auth;

/// <summary>
/// <c>spoke auth logout</c>: revokes the stored login's refresh token at HubSpot (best effort: offline, the login is
/// still removed, and the message says how to revoke it in HubSpot), then deletes the installation and the login.
/// </summary>
internal static class AuthLogoutCommand
{
    public static Command Create()
    {
        var command = new Command("logout", "Revoke the stored login's refresh token at HubSpot and delete the login from this machine");
        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var cancellationToken = signals.Token;
            await using var directory = AuthDirectory.OpenExisting();
            if (directory is null)
            {
                Console.WriteLine($"Not logged in (no login in {AuthDirectory.ResolvePath()}): nothing to log out of.");
                return AuthCommand.ExitCodes.Succeeded;
            }

            StoredLogin? login;
            try
            {
                login = directory.ReadLogin();
            }
            catch (AuthException)
            {
                // A login that cannot be read cannot be revoked either: remove it so that a new login can start clean.
                directory.DeleteLogin();
                Console.WriteLine($"Deleted the damaged login in {directory.Path}. If the app stays installed in your portal, uninstall it there to revoke its tokens.");
                return AuthCommand.ExitCodes.Succeeded;
            }

            if (login is null)
            {
                Console.WriteLine("Not logged in: nothing to log out of.");
                return AuthCommand.ExitCodes.Succeeded;
            }

            HubSpotInstallation? installation = null;
            try
            {
                installation = await directory.Store.GetAsync(login.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (HubSpotTokenStoreKeysException)
            {
                // Undecryptable: deleted below, not revoked.
            }

            var revoked = installation is null ? "its tokens were already gone here" : await RevokeAsync(directory, login, installation, cancellationToken).ConfigureAwait(false);
            await directory.Store.DeleteAsync(login.Key, CancellationToken.None).ConfigureAwait(false);
            directory.DeleteLogin();
            Console.WriteLine($"Logged out of portal {login.PortalId}: {revoked}, and the login was deleted from {directory.Path}.");
            return AuthCommand.ExitCodes.Succeeded;
        });
        return command;
    }

    private static async Task<string> RevokeAsync(AuthDirectory directory, StoredLogin login, HubSpotInstallation installation, CancellationToken cancellationToken)
    {
        HubSpotEmulator? emulator = null;
        try
        {
            if (login.Emulator)
            {
                emulator = await EmulatorLogin.StartAsync(directory, 100, null, app: null, cancellationToken).ConfigureAwait(false);
            }

            var oauth = StoredLoginConnection.CreateOAuth(login, emulator, redirectUri: null);
            await oauth.RevokeRefreshTokenAsync(installation.RefreshToken, cancellationToken).ConfigureAwait(false);
            return "HubSpot revoked its refresh token";
        }
        catch (HubSpotApiException e) when (e.Category is "BAD_REFRESH_TOKEN" || e.Status == 404)
        {
            return "its refresh token was already revoked (or the app uninstalled)";
        }
        catch (Exception e) when (e is HubSpotApiException or HubSpotTransportException or HttpRequestException)
        {
            return $"its refresh token could not be revoked ({e.Message}): uninstall the app in portal {login.PortalId} to revoke it there";
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
