using Spoke.Cli.Emulator;
using Spoke.Emulator;
using Spoke.OAuth;

namespace Spoke.Cli.Auth;

/// <summary>
/// A client for the portal of the stored login (<c>spoke auth login</c>): its access token refreshes itself and every
/// refreshed token is saved in the auth folder before use. For an emulator login the embedded emulator is started on the
/// auth folder's emulator.db, the portal the login was made into.
/// </summary>
internal sealed class StoredLoginConnection : IAsyncDisposable
{
    private readonly AuthDirectory _directory;

    private StoredLoginConnection(AuthDirectory directory, StoredLogin login, HubSpotClient client, HubSpotEmulator? emulator)
    {
        _directory = directory;
        Login = login;
        Client = client;
        Emulator = emulator;
    }

    public StoredLogin Login { get; }

    public HubSpotClient Client { get; }

    /// <summary>The embedded emulator serving an emulator login; null for HubSpot (or a URL).</summary>
    public HubSpotEmulator? Emulator { get; }

    /// <summary>Where the login points, for a banner: never a token.</summary>
    public string Description => Emulator is not null
        ? $"the stored login (spoke auth login --emulator) to portal {Login.PortalId} of the embedded emulator in {_directory.EmulatorDataFile}"
        : $"the stored login (spoke auth login) to portal {Login.PortalId}{(Login.BaseUri is { } endpoint ? $" at {endpoint}" : "")}";

    /// <summary>The stored login's connection, or null when there is no login (nothing is created then).</summary>
    /// <param name="seedSize">Contacts in the demo portal an emulator login's emulator seeds on its first start.</param>
    /// <param name="webhookSecret">The secret an emulator login's emulator signs webhooks with, or null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="AuthException">The stored login cannot be read.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The connection owns the folder; the finally disposes it on every other path.")]
    public static async Task<StoredLoginConnection?> TryOpenAsync(int seedSize, string? webhookSecret, CancellationToken cancellationToken)
    {
        var directory = AuthDirectory.OpenExisting();
        try
        {
            var login = directory?.ReadLogin();
            if (directory is null || login is null)
            {
                return null;
            }

            HubSpotEmulator? emulator = null;
            if (login.Emulator)
            {
                emulator = await EmulatorLogin.StartAsync(directory, seedSize, webhookSecret, app: null, cancellationToken).ConfigureAwait(false);
            }

            var oauth = CreateOAuth(login, emulator, redirectUri: null);
            var provider = new HubSpotOAuthTokenProvider(oauth, directory.Store, login.Key);
            var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = oauth.Options.ApiBaseUri, TokenProvider = provider });
            var connection = new StoredLoginConnection(directory, login, client, emulator);
            directory = null; // the connection owns it now
            return connection;
        }
        finally
        {
            if (directory is not null)
            {
                await directory.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The OAuth client of a login: its API and consent page on HubSpot, on its URL, or on the running emulator.</summary>
    public static HubSpotOAuth CreateOAuth(StoredLogin login, HubSpotEmulator? emulator, Uri? redirectUri)
    {
        var options = new HubSpotOAuthOptions { ClientId = login.ClientId, ClientSecret = login.ClientSecret, RedirectUri = redirectUri };
        // The emulator, like a --base-url endpoint, serves the consent page and the API on one address; HubSpot does not.
        if ((emulator?.BaseUri ?? login.BaseUri) is { } endpoint)
        {
            options.ApiBaseUri = endpoint;
            options.AuthorizeBaseUri = endpoint;
        }

        return new HubSpotOAuth(options);
    }

    public async ValueTask DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync().ConfigureAwait(false);
        }

        await _directory.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The embedded emulator of <c>spoke auth login --emulator</c>: the demo portal in the auth folder's emulator.db, with the CLI's own app.</summary>
internal static class EmulatorLogin
{
    /// <summary>The client id of the app the CLI registers in its embedded emulator.</summary>
    public const string ClientId = "spoke-cli";

    /// <summary>What the CLI's commands need when no --scopes are given: read and write on the CRM objects, schemas, imports, exports and lists.</summary>
    public static readonly IReadOnlyList<string> DefaultScopes =
    [
        "oauth",
        "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read", "crm.objects.companies.write",
        "crm.objects.deals.read", "crm.objects.deals.write", "crm.objects.line_items.read", "crm.objects.line_items.write",
        "crm.objects.products.read", "crm.objects.products.write", "crm.objects.quotes.read", "crm.objects.quotes.write",
        "crm.objects.custom.read", "crm.objects.custom.write", "crm.objects.owners.read", "tickets",
        "crm.schemas.contacts.read", "crm.schemas.companies.read", "crm.schemas.deals.read", "crm.schemas.custom.read",
        "crm.import", "crm.export", "crm.lists.read", "crm.lists.write",
    ];

    /// <summary>Starts the emulator on the auth folder's data file; <paramref name="app"/> (re)registers the CLI's app.</summary>
    public static Task<HubSpotEmulator> StartAsync(AuthDirectory directory, int seedSize, string? webhookSecret, OAuthAppDefinition? app, CancellationToken cancellationToken)
    {
        var options = new HubSpotEmulatorOptions
        {
            Port = 0,
            DataFile = directory.EmulatorDataFile,
            Seed = SeedKind.Demo,
            SeedSize = seedSize,
            ClientSecret = webhookSecret,
            ConfigureLogging = EmulatorLogging.ErrorsToStderr,
        };
        if (app is not null)
        {
            options.OAuthApps.Add(app);
        }

        return HubSpotEmulator.StartAsync(options, cancellationToken);
    }
}
