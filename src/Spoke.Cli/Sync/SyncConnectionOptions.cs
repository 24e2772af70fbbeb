using System.CommandLine;
using Spoke.Cli.Auth;
using Spoke.Cli.Emulator;
using Spoke.Cli.Portal;
using Spoke.Emulator;
using Spoke.Sync.Store;

namespace Spoke.Cli.Sync;

/// <summary>The options every <c>spoke sync</c> command shares: which portal (token, base URL) and which database.</summary>
internal sealed class SyncConnectionOptions
{
    public const string DefaultDatabase = "sqlite:spoke.db";

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "A private-app access token (default: HUBSPOT_ACCESS_TOKEN, or HubSpot__AccessToken). Without one, the stored login (spoke auth login) is used, else the embedded emulator's demo portal is synced",
    };

    public Option<string?> BaseUrl { get; } = PortalOptions.CreateBaseUrl();

    public Option<string> Database { get; } = new("--database")
    {
        Description = "Where the mirror lives",
        HelpName = "sqlite:PATH|postgres:CONNECTION_STRING",
        DefaultValueFactory = _ => DefaultDatabase,
    };

    /// <summary>The items of comma-separated values (<c>--objects a,b --objects c</c>, <c>TYPE=a,b</c>), trimmed, empties dropped.</summary>
    public static IEnumerable<string> SplitList(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public void AddTo(Command command)
    {
        command.Options.Add(Token);
        command.Options.Add(BaseUrl);
        command.Options.Add(Database);
    }

    public bool TryParseDatabase(ParseResult parse, out SyncDatabase? database, out string? error)
    {
        try
        {
            database = SyncDatabase.Parse(parse.GetValue(Database) ?? DefaultDatabase);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            database = null;
            error = $"--database: {e.Message}";
            return false;
        }
    }

    public string? ResolveToken(ParseResult parse) => PortalOptions.ResolveToken(parse.GetValue(Token));

    public Task<SyncTarget> ConnectAsync(ParseResult parse, int seedSize, CancellationToken cancellationToken) => ConnectAsync(parse, seedSize, null, cancellationToken);

    /// <param name="parse">The command line.</param>
    /// <param name="seedSize">Contacts in the embedded demo portal.</param>
    /// <param name="emulatorClientSecret">The secret the embedded emulator's app signs webhooks with (<c>--watch</c>), or null for a generated one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task<SyncTarget> ConnectAsync(ParseResult parse, int seedSize, string? emulatorClientSecret, CancellationToken cancellationToken)
    {
        var token = ResolveToken(parse);
        var baseUrl = PortalOptions.ResolveBaseUrl(parse.GetValue(BaseUrl));
        if (token is not null)
        {
            var options = new HubSpotClientOptions { AccessToken = token };
            if (baseUrl is not null)
            {
                options.BaseUri = baseUrl;
            }

            return new SyncTarget(new HubSpotClient(options), null, $"the portal of the given token{(baseUrl is null ? "" : $" at {baseUrl}")}", null);
        }

        // A stored login (spoke auth login); for an emulator login, its emulator serves it (and its webhooks, for --watch).
        if (await StoredLoginConnection.TryOpenAsync(seedSize, emulatorClientSecret, cancellationToken).ConfigureAwait(false) is { } login)
        {
            return new SyncTarget(login.Client, login.Emulator, login.Description, login);
        }

        // No credentials: the embedded emulator, seeded with the demo portal, on a free loopback port.
        var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            Port = 0,
            Seed = SeedKind.Demo,
            SeedSize = seedSize,
            ClientSecret = emulatorClientSecret,
            ConfigureLogging = EmulatorLogging.ErrorsToStderr,
        }, cancellationToken).ConfigureAwait(false);
        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token });
        return new SyncTarget(client, emulator, null, emulator);
    }
}

/// <summary>
/// The portal a command talks to; <see cref="Emulator"/> is the embedded emulator serving it (no credentials, or an
/// emulator login), and <paramref name="owner"/> what to stop with it.
/// </summary>
/// <param name="client">The client.</param>
/// <param name="emulator">The embedded emulator serving the portal, or null.</param>
/// <param name="source">Where the portal comes from, for the banner; null for the embedded demo portal.</param>
/// <param name="owner">Stopped with the target.</param>
internal sealed class SyncTarget(HubSpotClient client, HubSpotEmulator? emulator, string? source, IAsyncDisposable? owner) : IAsyncDisposable
{
    public HubSpotClient Client { get; } = client;

    public HubSpotEmulator? Emulator { get; } = emulator;

    /// <summary>Where the portal comes from (the token, a stored login); null for the embedded demo portal.</summary>
    public string? Source { get; } = source;

    public string Banner(SyncDatabase database) => Source is null
        ? $"No HubSpot credentials: syncing the embedded emulator's demo portal into {database}. To sync your portal, set HUBSPOT_ACCESS_TOKEN (or pass --token), or run `spoke auth login`."
        : $"Syncing {Source} into {database}.";

    public async ValueTask DisposeAsync()
    {
        if (owner is not null)
        {
            await owner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
