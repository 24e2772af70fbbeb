using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Spoke.OAuth;
using Spoke.OAuth.Stores;

namespace Spoke.Cli.Auth;

/// <summary>
/// Where <c>spoke auth login</c> keeps its login: <c>SPOKE_AUTH_DIR</c>, else <c>$XDG_CONFIG_HOME/spoke</c>, else
/// <c>~/.config/spoke</c>, created readable by its owner only (0700). It holds <c>installations.db</c> (the tokens,
/// encrypted), <c>keys/</c> (the Data Protection key ring that encrypts them), <c>login.json</c> (which installation is
/// the current login, with the app's client secret encrypted) and, for an emulator login, <c>emulator.db</c>.
/// </summary>
internal sealed class AuthDirectory : IAsyncDisposable
{
    public const string EnvironmentVariable = "SPOKE_AUTH_DIR";
    private const string LoginFile = "login.json";
    private const string SecretPurpose = "Spoke.Cli.Login.ClientSecret";

    private readonly IDataProtectionProvider _protection;
    private SqliteHubSpotTokenStore? _store;

    private AuthDirectory(string path)
    {
        Path = path;
        _protection = DataProtectionProvider.Create(new DirectoryInfo(System.IO.Path.Combine(path, "keys")), b => b.SetApplicationName("spoke-cli"));
    }

    public string Path { get; }

    public string EmulatorDataFile => System.IO.Path.Combine(Path, "emulator.db");

    /// <summary>The encrypted installations (opened on first use).</summary>
    public IHubSpotTokenStore Store => _store ??= new SqliteHubSpotTokenStore(System.IO.Path.Combine(Path, "installations.db"), _protection);

    /// <summary>The folder this machine's logins live in (not created).</summary>
    public static string ResolvePath()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } dir)
        {
            return System.IO.Path.GetFullPath(dir);
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return System.IO.Path.Combine(config, "spoke");
    }

    /// <summary>The folder, created (0700) when missing; a folder others can read gets a warning on <paramref name="notices"/>.</summary>
    public static AuthDirectory Create(TextWriter notices)
    {
        var path = ResolvePath();
        if (!Directory.Exists(path))
        {
            CreateOwnerOnly(path);
            CreateOwnerOnly(System.IO.Path.Combine(path, "keys"));
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
        {
            notices.WriteLine($"Warning: {path} can be read by other users of this machine; run `chmod 700 {path}` to keep your HubSpot login to yourself.");
        }

        return new AuthDirectory(path);
    }

    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The folder when it holds a login, else null (nothing is created).</summary>
    public static AuthDirectory? OpenExisting()
    {
        var path = ResolvePath();
        return File.Exists(System.IO.Path.Combine(path, LoginFile)) ? new AuthDirectory(path) : null;
    }

    /// <summary>The current login, or null when there is none.</summary>
    /// <exception cref="AuthException">login.json is damaged or its secret cannot be decrypted.</exception>
    public StoredLogin? ReadLogin()
    {
        var file = System.IO.Path.Combine(Path, LoginFile);
        if (!File.Exists(file))
        {
            return null;
        }

        LoginDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(File.ReadAllText(file), AuthJsonContext.Default.LoginDocument);
        }
        catch (JsonException)
        {
            document = null;
        }

        if (document is null || string.IsNullOrEmpty(document.ClientId) || string.IsNullOrEmpty(document.ProtectedClientSecret))
        {
            throw new AuthException($"{file} is damaged. Run `spoke auth logout` and then `spoke auth login` again.");
        }

        string secret;
        try
        {
            secret = _protection.CreateProtector(SecretPurpose).Unprotect(document.ProtectedClientSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new AuthException($"The login in {file} cannot be decrypted: the keys in {System.IO.Path.Combine(Path, "keys")} are missing or not the ones that wrote it. Run `spoke auth logout` and then `spoke auth login` again.");
        }

        return new StoredLogin(document.ClientId, secret, document.PortalId, document.BaseUri, document.Emulator, document.LoggedInAt);
    }

    /// <summary>Makes <paramref name="login"/> the current login (written to a temporary file, then renamed: a crash leaves the old or the new one).</summary>
    public void WriteLogin(StoredLogin login)
    {
        var document = new LoginDocument(login.ClientId, _protection.CreateProtector(SecretPurpose).Protect(login.ClientSecret),
            login.PortalId, login.BaseUri, login.Emulator, login.LoggedInAt);
        var file = System.IO.Path.Combine(Path, LoginFile);
        var temporary = file + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, document, AuthJsonContext.Default.LoginDocument);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, file, overwrite: true);
    }

    public void DeleteLogin() => File.Delete(System.IO.Path.Combine(Path, LoginFile));

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The current login: which app and portal, and where HubSpot (or the embedded emulator) answers.</summary>
/// <param name="ClientId">The app's client id.</param>
/// <param name="ClientSecret">The app's client secret (a secret: never printed).</param>
/// <param name="PortalId">The portal the app was installed in.</param>
/// <param name="BaseUri">The HubSpot-compatible endpoint (<c>--base-url</c>) serving both the consent page and the API; null
/// for HubSpot itself and for the embedded emulator (whose port changes on every start).</param>
/// <param name="Emulator">The login is into the embedded emulator's portal kept in the auth folder's emulator.db.</param>
/// <param name="LoggedInAt">When the login was made.</param>
internal sealed record StoredLogin(string ClientId, string ClientSecret, long PortalId, Uri? BaseUri, bool Emulator, DateTimeOffset LoggedInAt)
{
    public HubSpotInstallationKey Key => new(ClientId, PortalId);

    /// <summary>Never prints the client secret.</summary>
    public override string ToString() => $"StoredLogin({ClientId}, portal {PortalId})";
}

/// <summary>A login problem the user fixes by logging in again; its message says how.</summary>
internal sealed class AuthException(string message) : Exception(message);

internal sealed record LoginDocument(string ClientId, string ProtectedClientSecret, long PortalId, Uri? BaseUri, bool Emulator, DateTimeOffset LoggedInAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(LoginDocument))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
