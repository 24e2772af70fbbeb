using System.CommandLine;
using Spoke.Cli.Auth;
using Spoke.Cli.Hosting;
using Spoke.Emulator;

namespace Spoke.Cli.Emulator;

/// <summary><c>spoke emulator</c>: runs a local HubSpot until Ctrl+C or SIGTERM.</summary>
internal static class EmulatorCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port; 0 picks a free one", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Interface to bind", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string[]>("--token")
        {
            Description = "A private-app token to accept with every scope (repeatable). One is generated when none is given.",
            AllowMultipleArgumentsPerToken = false,
        };
        var portalId = new Option<long>("--portal-id") { Description = "Portal (hub) id", DefaultValueFactory = _ => 12345678 };
        var data = new Option<FileInfo?>("--data") { Description = "SQLite file that keeps state across restarts (default: in memory)" };
        // Enum options show their values as users type them (HelpName), and no DefaultValueFactory, which help would print
        // as "[default: None]": unset, they are default(T), SeedKind.None and RateLimitTier.Off.
        var seed = new Option<SeedKind>("--seed") { Description = "Data to start with: none (the default) or demo", HelpName = "none|demo" };
        var seedSize = new Option<int>("--seed-size") { Description = "Contacts the demo seed creates; companies, deals, line items, tickets, notes, tasks and projects scale with it", DefaultValueFactory = _ => 100 };
        var seedValue = new Option<int>("--seed-value") { Description = "Seed for the demo data: the same value gives the same records", DefaultValueFactory = _ => 42 };
        var rateLimits = new Option<RateLimitTier>("--rate-limits")
        {
            Description = "Rate-limit profile: off (the default), or the private-app budget of a HubSpot tier",
            HelpName = "off|free|starter|professional|enterprise",
        };
        var fidelity = new Option<FidelityProfile>("--fidelity")
        {
            Description = "default, or strict: a 3 s search-index lag, ties between equal sort values in arbitrary order and professional rate limits (an explicit --rate-limits wins)",
            HelpName = "default|strict",
        };
        var appId = new Option<long?>("--app-id") { Description = "Id of the developer app the emulator stands in for (default 1234567, or the one in --data)" };
        var clientSecret = new Option<string?>("--client-secret") { Description = "The app's client secret, which signs webhook deliveries (generated and printed once when neither given nor in --data)" };
        var developerApiKey = new Option<string?>("--developer-api-key") { Description = "Developer API key (hapikey) for the webhooks and timeline-template APIs (generated and printed once when neither given nor in --data)" };
        var extraPortals = new Option<long[]>("--extra-portal")
        {
            Description = "Another portal (hub id) to serve beside --portal-id, repeatable: OAuth apps install into the one chosen on the consent page, and each token sees its portal only",
            HelpName = "ID",
        };
        var seedExtraPortals = new Option<bool>("--seed-extra-portals")
        {
            Description = "With --seed demo, seed every --extra-portal too (other records in each: seed value + 1, + 2, …); without it they start empty",
        };
        var oauthApp = new Option<string?>("--oauth-app")
        {
            Description = "Register a public (OAuth) app with this name: its consent page is /oauth/authorize and its client id and secret are printed (the secret once, when generated)",
            HelpName = "NAME",
        };
        var oauthClientId = new Option<string?>("--oauth-client-id") { Description = "The --oauth-app's client id (default: generated, or the one --data keeps for that name)" };
        var redirectUris = new Option<string[]>("--redirect-uri") { Description = "A redirect URL the --oauth-app accepts (repeatable; matched exactly)", HelpName = "URL" };
        var oauthScopes = new Option<string[]>("--scopes")
        {
            Description = "The --oauth-app's required scopes, comma- or space-separated (default: oauth)",
            AllowMultipleArgumentsPerToken = true,
        };
        var oauthOptionalScopes = new Option<string[]>("--optional-scopes") { Description = "The --oauth-app's optional scopes", AllowMultipleArgumentsPerToken = true };
        extraPortals.Validators.Add(r =>
        {
            if ((r.GetValueOrDefault<long[]>() ?? []).Any(id => id <= 0))
            {
                r.AddError("--extra-portal must be a positive portal id.");
            }
        });
        appId.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is <= 0)
            {
                r.AddError("--app-id must be a positive number.");
            }
        });
        foreach (var secretOption in new[] { clientSecret, developerApiKey })
        {
            secretOption.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<string?>() is { } v && string.IsNullOrWhiteSpace(v))
                {
                    r.AddError($"{r.Option.Name} must not be empty.");
                }
            });
        }

        seedSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--seed-size must be zero or more.");
            }
        });
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535.");
            }
        });

        var command = new Command("emulator", "Run a local HubSpot (API, errors, limits) that any HubSpot client can point at")
        {
            port, host, token, portalId, data, seed, seedSize, seedValue, rateLimits, fidelity, appId, clientSecret, developerApiKey,
            extraPortals, seedExtraPortals, oauthApp, oauthClientId, redirectUris, oauthScopes, oauthOptionalScopes,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(oauthApp) is null)
            {
                foreach (var option in new Option[] { oauthClientId, redirectUris, oauthScopes, oauthOptionalScopes })
                {
                    if (r.GetResult(option) is { Implicit: false })
                    {
                        r.AddError($"{option.Name} describes the app of --oauth-app NAME: add --oauth-app, or leave out {option.Name}.");
                    }
                }
            }
            else if ((r.GetValue(redirectUris) ?? []).Length == 0)
            {
                r.AddError("--oauth-app needs at least one --redirect-uri URL (where the consent page sends the code), e.g. --redirect-uri http://localhost:3000/oauth-callback.");
            }

            if (r.GetValue(seedExtraPortals) && (r.GetValue(seed) != SeedKind.Demo || (r.GetValue(extraPortals) ?? []).Length == 0))
            {
                r.AddError("--seed-extra-portals seeds the --extra-portal portals with the demo data: add --seed demo and at least one --extra-portal ID.");
            }

            if ((r.GetValue(extraPortals) ?? []).Contains(r.GetValue(portalId)))
            {
                r.AddError($"--extra-portal {r.GetValue(portalId)} is already the --portal-id.");
            }
        });
        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var cancellationToken = signals.Token;
            var options = new HubSpotEmulatorOptions
            {
                Port = parse.GetValue(port),
                Host = parse.GetValue(host)!,
                PortalId = parse.GetValue(portalId),
                DataFile = parse.GetValue(data)?.FullName,
                Seed = parse.GetValue(seed),
                SeedSize = parse.GetValue(seedSize),
                SeedValue = parse.GetValue(seedValue),
                SeedAdditionalPortals = parse.GetValue(seedExtraPortals),
                AppId = parse.GetValue(appId),
                ClientSecret = parse.GetValue(clientSecret),
                DeveloperApiKey = parse.GetValue(developerApiKey),
                // Seeding, resuming an unfinished seed, or why nothing is seeded: said before the first line a client waits for.
                SeedProgress = Console.WriteLine,
                ConfigureLogging = EmulatorLogging.ErrorsToStderr,
            };
            // The profile sets its switches; a flag given explicitly overrides the profile's value.
            options.ApplyFidelityProfile(parse.GetValue(fidelity));
            if (parse.GetResult(rateLimits) is { Implicit: false })
            {
                options.RateLimits = parse.GetValue(rateLimits);
            }

            foreach (var t in parse.GetValue(token) ?? [])
            {
                options.Tokens.Add(t);
            }

            foreach (var extra in (parse.GetValue(extraPortals) ?? []).Distinct())
            {
                options.AdditionalPortalIds.Add(extra);
            }

            // Large data files and seeds take seconds: say what is happening before the first line a client waits for.
            if (options.DataFile is { } file && File.Exists(file))
            {
                Console.WriteLine($"Loading {file}...");
            }

            HubSpotEmulator started;
            try
            {
                started = await HubSpotEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.WriteLine("HubSpot emulator stopped before it started listening.");
                return 0;
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                Console.Error.WriteLine($"Port {options.Port} on {options.Host} is already in use (another emulator?): stop that process, or choose another port with --port N (0 picks a free one).");
                return 2;
            }

            await using var emulator = started;
            var url = emulator.BaseUri.ToString().TrimEnd('/');
            Console.WriteLine($"HubSpot emulator listening on {url}");
            // The token is printed only when we generated it: a token the user chose stays off the console.
            if (options.Tokens.Count == 0)
            {
                Console.WriteLine($"Access token (all scopes): {emulator.Token}");
            }
            else
            {
                Console.WriteLine($"Accepting {options.Tokens.Count} token(s) given with --token.");
            }

            // Like the token: a secret is printed once, when this start generated it; one the user passed, or one the
            // data file kept from an earlier start, never is.
            Console.WriteLine($"App id: {emulator.AppId}");
            if (emulator.ClientSecretGenerated)
            {
                Console.WriteLine($"Client secret (signs webhooks): {emulator.ClientSecret}");
            }

            if (emulator.DeveloperApiKeyGenerated)
            {
                Console.WriteLine($"Developer API key (hapikey): {emulator.DeveloperApiKey}");
            }

            var stored = new List<string>();
            if (options.ClientSecret is null && !emulator.ClientSecretGenerated)
            {
                stored.Add("client secret");
            }

            if (options.DeveloperApiKey is null && !emulator.DeveloperApiKeyGenerated)
            {
                stored.Add("developer API key");
            }

            if (stored.Count > 0)
            {
                Console.WriteLine($"Using the {string.Join(" and ", stored)} stored in {options.DataFile} (printed only when generated).");
            }

            if (parse.GetValue(oauthApp) is { } appName && !RegisterOAuthApp(emulator, appName, parse.GetValue(oauthClientId), parse.GetValue(redirectUris) ?? [],
                    parse.GetValue(oauthScopes), parse.GetValue(oauthOptionalScopes), options.DataFile, url))
            {
                return 2;
            }

            var portals = emulator.PortalIds.Count == 1 ? $"Portal {emulator.PortalId}" : $"Portals {string.Join(", ", emulator.PortalIds)}";
            Console.WriteLine($"{portals}; fidelity {parse.GetValue(fidelity).ToString().ToLowerInvariant()}; rate limits {options.RateLimits.ToString().ToLowerInvariant()}; state {(options.DataFile is null ? "in memory" : options.DataFile)}. Ctrl+C stops.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("HubSpot emulator stopped.");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Registers <c>--oauth-app</c>, or updates the app of that client id (or, without one, that name) kept in the data
    /// file, and prints its client id; the secret only when this start generated it. False when the settings are refused.
    /// </summary>
    private static bool RegisterOAuthApp(HubSpotEmulator emulator, string name, string? clientId, string[] redirectUris, string[]? scopes, string[]? optionalScopes, string? dataFile, string url)
    {
        var existing = emulator.OAuthApps.FirstOrDefault(a => clientId is null ? a.Name == name.Trim() : a.ClientId == clientId);
        var definition = new OAuthAppDefinition { Name = name, ClientId = existing?.ClientId ?? clientId };
        foreach (var uri in redirectUris)
        {
            definition.RedirectUris.Add(uri);
        }

        var required = AuthCommand.SplitScopes(scopes);
        foreach (var scope in required.Count == 0 ? ["oauth"] : required)
        {
            definition.RequiredScopes.Add(scope);
        }

        foreach (var scope in AuthCommand.SplitScopes(optionalScopes))
        {
            definition.OptionalScopes.Add(scope);
        }

        OAuthAppCredentials app;
        try
        {
            app = existing is null ? emulator.CreateOAuthApp(definition) : emulator.UpdateOAuthApp(definition);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"--oauth-app: {e.Message.Replace(" (Parameter 'definition')", "", StringComparison.Ordinal)}");
            return false;
        }

        Console.WriteLine($"OAuth app \"{app.Name}\": client id {app.ClientId}; consent page {url}/oauth/authorize; redirect URIs {string.Join(", ", app.RedirectUris)}; scopes {string.Join(' ', app.RequiredScopes)}{(app.OptionalScopes.Count > 0 ? $" (optional {string.Join(' ', app.OptionalScopes)})" : "")}");
        // A secret is printed once: when this start made it. One the data file kept from an earlier start is not.
        Console.WriteLine(existing is null
            ? $"OAuth client secret: {app.ClientSecret}"
            : $"Using the OAuth app's client secret stored in {dataFile} (printed only when generated).");
        return true;
    }
}
