using System.CommandLine;
using Spoke.Errors;

namespace Spoke.Cli.Auth;

/// <summary><c>spoke auth</c>: log in to a portal with a public app (OAuth), see the login, log out.</summary>
internal static class AuthCommand
{
    public static class ExitCodes
    {
        public const int Succeeded = 0;

        /// <summary>Not logged in, access not granted, the code refused, the login timed out.</summary>
        public const int Failed = 1;

        public const int BadInput = 2;
    }

    public static Command Create()
    {
        var command = new Command("auth", "Log in to a HubSpot portal with your public app (OAuth): the data commands then use the login when no token is given");
        command.Subcommands.Add(AuthLoginCommand.Create());
        command.Subcommands.Add(AuthStatusCommand.Create());
        command.Subcommands.Add(AuthLogoutCommand.Create());
        return command;
    }

    /// <summary>Scopes given as <c>a,b</c>, <c>"a b"</c> or repeated options: trimmed, empties and repeats dropped.</summary>
    public static List<string> SplitScopes(IEnumerable<string>? values) =>
        [.. (values ?? []).SelectMany(v => v.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];

    /// <summary>What to say when HubSpot refused the credentials of a data command: the fix depends on where they came from.</summary>
    public static string RefusedHint(HubSpotApiException e) => e is Spoke.OAuth.HubSpotInstallationRevokedException revoked
        ? $"The stored login to portal {revoked.Key.PortalId} no longer works: the app was uninstalled or its refresh token revoked. Run `spoke auth login` again, or `spoke auth logout` to stop using it."
        : $"HubSpot refused the token ({e.Message}). Check HUBSPOT_ACCESS_TOKEN or --token, or log in with `spoke auth login`.";
}
