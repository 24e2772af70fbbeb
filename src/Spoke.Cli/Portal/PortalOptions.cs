using System.CommandLine;
using Spoke.Cli.Auth;
using Spoke.Cli.Emulator;
using Spoke.Emulator;

namespace Spoke.Cli.Portal;

/// <summary>
/// Which portal a data command (<c>spoke import</c>, <c>export</c>, <c>gdpr</c>) talks to: the token's (and an optional
/// base URL), else the stored login's (<c>spoke auth login</c>), else the embedded emulator kept in a SQLite file so that
/// one command sees what the previous one wrote (an import, then its rollback).
/// </summary>
internal sealed class PortalOptions
{
    public const string DefaultEmulatorData = "spoke-emulator.db";

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "A private-app access token (default: HUBSPOT_ACCESS_TOKEN, or HubSpot__AccessToken). Without one, the stored login (spoke auth login) is used, else the embedded emulator's portal",
    };

    public Option<string?> BaseUrl { get; } = CreateBaseUrl();

    public Option<string> EmulatorData { get; } = new("--emulator-data")
    {
        Description = "Without credentials: the SQLite file the embedded emulator keeps its portal in (created with demo data; delete it to start over)",
        HelpName = "PATH",
        DefaultValueFactory = _ => DefaultEmulatorData,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Token);
        command.Options.Add(BaseUrl);
        command.Options.Add(EmulatorData);
    }

    /// <summary>The <c>--base-url</c> option, checked to be an absolute http(s) URL.</summary>
    public static Option<string?> CreateBaseUrl()
    {
        var option = new Option<string?>("--base-url")
        {
            Description = "Any HubSpot-compatible endpoint, e.g. a running `spoke emulator` at http://127.0.0.1:8080 (default: https://api.hubapi.com)",
            HelpName = "URL",
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } value && ParseUrl(value) is null)
            {
                r.AddError($"--base-url \"{value}\" is not an absolute http(s) URL; write e.g. http://127.0.0.1:8080.");
            }
        });
        return option;
    }

    public static Uri? ParseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    /// <summary>The token from the option, then HUBSPOT_ACCESS_TOKEN, then the HubSpot configuration section's environment form.</summary>
    public static string? ResolveToken(string? fromOption) =>
        new[] { fromOption, Environment.GetEnvironmentVariable("HUBSPOT_ACCESS_TOKEN"), Environment.GetEnvironmentVariable("HubSpot__AccessToken") }
            .FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));

    /// <summary>The base URL from the option, then HubSpot__BaseUri; null for HubSpot itself.</summary>
    public static Uri? ResolveBaseUrl(string? fromOption) =>
        (fromOption ?? Environment.GetEnvironmentVariable("HubSpot__BaseUri")) is { Length: > 0 } b ? ParseUrl(b) : null;

    /// <summary>
    /// Connects to the token's portal, else the stored login's, else starts the embedded emulator on its data file; the
    /// last two say so in one line on <paramref name="notices"/> (stderr for a command whose stdout carries data).
    /// </summary>
    /// <exception cref="AuthException">The stored login cannot be read; the message says how to log in again.</exception>
    public async Task<PortalTarget> ConnectAsync(ParseResult parse, TextWriter notices, CancellationToken cancellationToken)
    {
        var token = ResolveToken(parse.GetValue(Token));
        var baseUrl = ResolveBaseUrl(parse.GetValue(BaseUrl));
        if (token is not null)
        {
            var options = new HubSpotClientOptions { AccessToken = token };
            if (baseUrl is not null)
            {
                options.BaseUri = baseUrl;
            }

            return new PortalTarget(new HubSpotClient(options), null);
        }

        if (await StoredLoginConnection.TryOpenAsync(seedSize: 100, webhookSecret: null, cancellationToken).ConfigureAwait(false) is { } login)
        {
            await notices.WriteLineAsync($"Using {login.Description}. A token (HUBSPOT_ACCESS_TOKEN or --token) takes precedence; `spoke auth logout` removes the login.").ConfigureAwait(false);
            return new PortalTarget(login.Client, login);
        }

        var dataFile = Path.GetFullPath(parse.GetValue(EmulatorData) ?? DefaultEmulatorData);
        var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            Port = 0,
            DataFile = dataFile,
            Seed = SeedKind.Demo,
            ConfigureLogging = EmulatorLogging.ErrorsToStderr,
        }, cancellationToken).ConfigureAwait(false);
        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token });
        await notices.WriteLineAsync($"No HubSpot credentials: using the embedded emulator's portal in {dataFile} (delete the file to start over). To use your portal, set HUBSPOT_ACCESS_TOKEN (or pass --token), or run `spoke auth login`.").ConfigureAwait(false);
        return new PortalTarget(client, emulator);
    }
}

/// <summary>The portal a data command talks to, and what serves it (the embedded emulator, a stored login) to stop with it.</summary>
internal sealed class PortalTarget(HubSpotClient client, IAsyncDisposable? owner) : IAsyncDisposable
{
    public HubSpotClient Client { get; } = client;

    public async ValueTask DisposeAsync()
    {
        if (owner is not null)
        {
            await owner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
