using System.CommandLine;
using System.Diagnostics;
using Spoke.Errors;
using Spoke.Cli.Hosting;
using Spoke.Cli.Portal;
using Spoke.Emulator;
using Spoke.OAuth;

namespace Spoke.Cli.Auth;

/// <summary>
/// <c>spoke auth login</c>: the OAuth install of a public app, from a terminal. It prints the authorize URL (and opens a
/// browser when there is one), waits on a loopback callback for HubSpot's redirect, checks its state, exchanges the code
/// (PKCE) and stores the installation encrypted in the auth folder. <c>--emulator</c> runs the same flow against the
/// embedded emulator, with no HubSpot account.
/// </summary>
internal static class AuthLoginCommand
{
    /// <summary>The port of the redirect URL <c>http://localhost:3000/oauth-callback</c> that the app must list.</summary>
    public const int DefaultPort = 3000;

    public static Command Create()
    {
        var clientId = new Option<string?>("--client-id") { Description = "Your public app's client id (its Auth settings in HubSpot)" };
        var clientSecret = new Option<string?>("--client-secret")
        {
            Description = "The app's client secret (default: HUBSPOT_CLIENT_SECRET; prefer the variable, which stays out of your shell history)",
        };
        var scopes = new Option<string[]>("--scopes")
        {
            Description = "The scopes to ask for, comma- or space-separated: the app's required scopes (default with --emulator: what the spoke commands use)",
            AllowMultipleArgumentsPerToken = true,
        };
        var optionalScopes = new Option<string[]>("--optional-scopes")
        {
            Description = "Optional scopes to ask for as well (granted when the app lists them as optional)",
            AllowMultipleArgumentsPerToken = true,
        };
        var port = new Option<int?>("--port")
        {
            Description = $"The port of the redirect URL http://localhost:PORT{LoopbackCallback.CallbackPath}, which the app must list (default {DefaultPort}; with --emulator a free one)",
        };
        var portalId = new Option<long?>("--portal-id") { Description = "Install into this portal (the consent page then offers no other)" };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the URL only; do not try to open a browser" };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the browser to come back",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 300,
        };
        var baseUrl = PortalOptions.CreateBaseUrl();
        baseUrl.Description = "A HubSpot-compatible endpoint serving both the consent page and the API, e.g. a `spoke emulator --oauth-app` at http://127.0.0.1:8080 (default: HubSpot)";
        var emulator = new Option<bool>("--emulator")
        {
            Description = "Log in to the embedded emulator's demo portal (kept in the auth folder's emulator.db) with an app it registers: the whole flow, locally",
        };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535.");
            }
        });
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0)
            {
                r.AddError("--timeout must be a positive number of seconds.");
            }
        });

        var command = new Command("login", "Connect to a portal through your public app: prints the authorize URL, waits for HubSpot's redirect, stores the installation")
        {
            clientId, clientSecret, scopes, optionalScopes, port, portalId, noBrowser, timeout, baseUrl, emulator,
        };
        command.Validators.Add(r =>
        {
            var useEmulator = r.GetValue(emulator);
            if (useEmulator)
            {
                foreach (var option in new Option[] { clientId, clientSecret, baseUrl })
                {
                    if (r.GetResult(option) is { Implicit: false })
                    {
                        r.AddError($"--emulator registers its own app in the embedded emulator: leave out {option.Name}.");
                    }
                }

                return;
            }

            if (string.IsNullOrWhiteSpace(r.GetValue(clientId)))
            {
                r.AddError("--client-id is required (your public app's client id), or use --emulator to try the flow on the embedded emulator.");
            }

            if (string.IsNullOrWhiteSpace(r.GetValue(clientSecret)) && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("HUBSPOT_CLIENT_SECRET")))
            {
                r.AddError("The app's client secret is required: set HUBSPOT_CLIENT_SECRET (or pass --client-secret).");
            }

            if (AuthCommand.SplitScopes(r.GetValue(scopes)).Count == 0)
            {
                r.AddError("--scopes is required: the scopes your app requires, e.g. --scopes crm.objects.contacts.read,crm.objects.contacts.write.");
            }
        });

        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var cancellationToken = signals.Token;
            var useEmulator = parse.GetValue(emulator);
            var requested = AuthCommand.SplitScopes(parse.GetValue(scopes));
            if (useEmulator && requested.Count == 0)
            {
                requested = [.. EmulatorLogin.DefaultScopes];
            }

            var optional = AuthCommand.SplitScopes(parse.GetValue(optionalScopes));
            await using var directory = AuthDirectory.Create(Console.Error);
            LoopbackCallback callback;
            try
            {
                callback = await LoopbackCallback.StartAsync(parse.GetValue(port) ?? (useEmulator ? 0 : DefaultPort), Console.Error, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthException e)
            {
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return AuthCommand.ExitCodes.Failed;
            }

            await using var _ = callback;
            HubSpotEmulator? embedded = null;
            try
            {
                StoredLogin login;
                if (useEmulator)
                {
                    var app = new OAuthAppDefinition { Name = "Spoke CLI", ClientId = EmulatorLogin.ClientId };
                    app.RedirectUris.Add(callback.RedirectUri.ToString());
                    foreach (var scope in requested)
                    {
                        app.RequiredScopes.Add(scope);
                    }

                    foreach (var scope in optional)
                    {
                        app.OptionalScopes.Add(scope);
                    }

                    embedded = await EmulatorLogin.StartAsync(directory, 100, null, app, cancellationToken).ConfigureAwait(false);
                    var credentials = embedded.OAuthApps.Single(a => a.ClientId == EmulatorLogin.ClientId);
                    login = new StoredLogin(credentials.ClientId, credentials.ClientSecret, 0, null, Emulator: true, TimeProvider.System.GetUtcNow());
                    Console.WriteLine($"Logging in to the embedded emulator's demo portal (kept in {directory.EmulatorDataFile}) with its app {EmulatorLogin.ClientId}.");
                }
                else
                {
                    var secret = parse.GetValue(clientSecret) is { Length: > 0 } s ? s : Environment.GetEnvironmentVariable("HUBSPOT_CLIENT_SECRET")!;
                    login = new StoredLogin(parse.GetValue(clientId)!.Trim(), secret.Trim(), 0, PortalOptions.ResolveBaseUrl(parse.GetValue(baseUrl)),
                        Emulator: false, TimeProvider.System.GetUtcNow());
                }

                var oauth = StoredLoginConnection.CreateOAuth(login, embedded, callback.RedirectUri);
                foreach (var scope in requested)
                {
                    oauth.Options.Scopes.Add(scope);
                }

                var authorize = new HubSpotAuthorizeOptions { PortalId = parse.GetValue(portalId) };
                foreach (var scope in optional)
                {
                    authorize.OptionalScopes.Add(scope);
                }

                var request = oauth.CreateAuthorizationRequest(authorize);
                callback.Expect(request);
                Console.WriteLine($"Open this URL in a browser to connect Spoke to HubSpot (HubSpot then redirects to {callback.RedirectUri}):");
                Console.WriteLine(request.Url.AbsoluteUri); // AbsoluteUri keeps the escaping (Uri.ToString() would print the scopes' %20 as spaces)
                if (!parse.GetValue(noBrowser))
                {
                    TryOpenBrowser(request.Url);
                }

                Console.WriteLine($"Waiting up to {parse.GetValue(timeout)} s for the browser (Ctrl+C stops)...");
                CallbackResult answer;
                try
                {
                    answer = await callback.Received.WaitAsync(TimeSpan.FromSeconds(parse.GetValue(timeout)), TimeProvider.System, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    await Console.Error.WriteLineAsync($"No answer from HubSpot within {parse.GetValue(timeout)} s: nothing was stored. Run `spoke auth login` again (and --timeout SECONDS for more time).").ConfigureAwait(false);
                    return AuthCommand.ExitCodes.Failed;
                }

                if (answer.Code is null)
                {
                    var why = string.IsNullOrEmpty(answer.ErrorDescription) ? "" : $": {answer.ErrorDescription}";
                    await Console.Error.WriteLineAsync($"HubSpot did not grant access ({answer.Error}{why}). Nothing was stored. Run `spoke auth login` again and choose Connect to log in.").ConfigureAwait(false);
                    return AuthCommand.ExitCodes.Failed;
                }

                HubSpotInstallation installation;
                try
                {
                    installation = await oauth.CompleteAuthorizationAsync(answer.Code, request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HubSpotApiException or HubSpotTransportException)
                {
                    var message = $"HubSpot refused to exchange the authorization code ({e.Message}). Nothing was stored. Check the client id and secret, then run `spoke auth login` again.";
                    callback.Finish(false, message);
                    await Console.Error.WriteLineAsync(message).ConfigureAwait(false);
                    return AuthCommand.ExitCodes.Failed;
                }

                StoredLogin? previous = null;
                try
                {
                    previous = directory.ReadLogin();
                }
                catch (AuthException)
                {
                    // A damaged earlier login is simply replaced.
                }

                // The installation first, then the login that names it: a crash in between leaves the old login working.
                await directory.Store.SaveAsync(installation, cancellationToken).ConfigureAwait(false);
                login = login with { PortalId = installation.PortalId };
                directory.WriteLogin(login);
                if (previous is not null && previous.Key != login.Key)
                {
                    await directory.Store.DeleteAsync(previous.Key, CancellationToken.None).ConfigureAwait(false);
                    Console.WriteLine($"Replaced the earlier login to portal {previous.PortalId} (its tokens were deleted here, not revoked: uninstall the app in that portal to revoke them).");
                }

                callback.Finish(true, $"Spoke is connected to HubSpot portal {installation.PortalId}.");
                Console.WriteLine($"Logged in to portal {installation.PortalId}{(installation.HubDomain is { } domain ? $" ({domain})" : "")}{(installation.User is { } user ? $" as {user}" : "")}.");
                Console.WriteLine($"Scopes: {string.Join(' ', installation.Scopes)}");
                Console.WriteLine($"Stored encrypted in {directory.Path}. spoke sync, import, export and gdpr now use this login when no token is given; `spoke auth status` shows it, `spoke auth logout` removes it.");
                return AuthCommand.ExitCodes.Succeeded;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Login stopped: nothing was stored.").ConfigureAwait(false);
                return AuthCommand.ExitCodes.Failed;
            }
            catch (ArgumentException e) when (useEmulator)
            {
                // The emulator refused the app's settings, e.g. an unknown scope in --scopes.
                await Console.Error.WriteLineAsync($"The embedded emulator refused the login's app: {e.Message}").ConfigureAwait(false);
                return AuthCommand.ExitCodes.BadInput;
            }
            finally
            {
                if (embedded is not null)
                {
                    await embedded.DisposeAsync().ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    /// <summary>Best effort: the desktop's browser, when there is a desktop. The URL is printed either way.</summary>
    private static void TryOpenBrowser(Uri url)
    {
        string? opener = OperatingSystem.IsMacOS() ? "open"
            : OperatingSystem.IsWindows() ? "explorer"
            : Environment.GetEnvironmentVariable("DISPLAY") is { Length: > 0 } || Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is { Length: > 0 } ? "xdg-open"
            : null;
        if (opener is null)
        {
            return;
        }

        try
        {
            var info = new ProcessStartInfo(opener) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(url.AbsoluteUri);
            using var process = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No opener installed: the printed URL is the way.
        }
    }
}
