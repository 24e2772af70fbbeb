using System.CommandLine;
using System.Globalization;
using Spoke.OAuth;

namespace Spoke.Cli.Auth;

/// <summary><c>spoke auth status</c>: the stored login (portal, app, scopes, access-token expiry), never a token. Exit 1 when not logged in.</summary>
internal static class AuthStatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the stored login: portal, app, scopes and access-token expiry (never a token)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var directory = AuthDirectory.OpenExisting();
            if (directory is null)
            {
                Console.WriteLine($"Not logged in (no login in {AuthDirectory.ResolvePath()}). Run `spoke auth login --client-id ID --scopes SCOPES`, or `spoke auth login --emulator` to try it on the embedded emulator.");
                return AuthCommand.ExitCodes.Failed;
            }

            StoredLogin? login;
            HubSpotInstallation? installation;
            try
            {
                login = directory.ReadLogin();
                installation = login is null ? null : await directory.Store.GetAsync(login.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthException e)
            {
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return AuthCommand.ExitCodes.Failed;
            }
            catch (HubSpotTokenStoreKeysException)
            {
                await Console.Error.WriteLineAsync($"The stored tokens in {directory.Path} cannot be decrypted: the keys in its keys/ folder are missing or not the ones that wrote them. Run `spoke auth logout` and then `spoke auth login` again.").ConfigureAwait(false);
                return AuthCommand.ExitCodes.Failed;
            }

            if (login is null || installation is null)
            {
                Console.WriteLine(login is null
                    ? $"Not logged in (no login in {directory.Path}). Run `spoke auth login`."
                    : $"The login in {directory.Path} names portal {login.PortalId}, but its installation is gone from installations.db. Run `spoke auth login` again.");
                return AuthCommand.ExitCodes.Failed;
            }

            var now = TimeProvider.System.GetUtcNow();
            var left = installation.AccessTokenExpiresAt - now;
            Console.WriteLine($"Logged in to portal {installation.PortalId}{(installation.HubDomain is { } domain ? $" ({domain})" : "")}{(login.Emulator ? $" of the embedded emulator (data in {directory.EmulatorDataFile})" : login.BaseUri is { } endpoint ? $" at {endpoint}" : " on HubSpot")}.");
            Console.WriteLine($"  App client id:  {login.ClientId}");
            if (installation.User is { } user)
            {
                Console.WriteLine($"  User:           {user}");
            }

            Console.WriteLine($"  Scopes:         {string.Join(' ', installation.Scopes)}");
            Console.WriteLine(installation.AccessToken is null || left <= TimeSpan.Zero
                ? "  Access token:   expired; the next command refreshes it"
                : $"  Access token:   expires {installation.AccessTokenExpiresAt.ToString("u", CultureInfo.InvariantCulture)} (in {Math.Ceiling(left.TotalMinutes):0} min); refreshed automatically");
            Console.WriteLine($"  Logged in:      {login.LoggedInAt.ToString("u", CultureInfo.InvariantCulture)}; last refreshed {installation.UpdatedAt.ToString("u", CultureInfo.InvariantCulture)}");
            Console.WriteLine($"  Stored in:      {directory.Path} (tokens encrypted)");
            return AuthCommand.ExitCodes.Succeeded;
        });
        return command;
    }
}
