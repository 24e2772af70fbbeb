using System.Text.Json;

namespace Spoke.Emulator.Portal;

/// <summary>
/// The app this emulator stands in for: its id, the developer API key (<c>hapikey</c>) of its developer account, which
/// app-level APIs (timeline templates, webhooks settings) authenticate with, and its client secret, which signs webhook
/// deliveries. They survive a reset, like tokens.
/// </summary>
internal sealed class AppIdentity : PortalFeature
{
    private long _appId = 1234567;
    private string _developerApiKey = Guid.NewGuid().ToString();
    private string _clientSecret = Guid.NewGuid().ToString();

    public override string Name => "app";

    public long AppId
    {
        get => _appId;
        set => Set(ref _appId, value);
    }

    public string DeveloperApiKey
    {
        get => _developerApiKey;
        set => Set(ref _developerApiKey, value);
    }

    public string ClientSecret
    {
        get => _clientSecret;
        set => Set(ref _clientSecret, value);
    }

    public override void Reset(DateTimeOffset now)
    {
        // Survives a reset.
    }

    public override void Save(Utf8JsonWriter writer)
    {
        writer.WriteNumber("appId", _appId);
        writer.WriteString("developerApiKey", _developerApiKey);
        writer.WriteString("clientSecret", _clientSecret);
    }

    public override void Load(JsonElement document)
    {
        if (document.TryGetProperty("appId", out var appId) && appId.TryGetInt64(out var id))
        {
            _appId = id;
        }

        if (document.TryGetProperty("developerApiKey", out var key) && key.GetString() is { } k)
        {
            _developerApiKey = k;
        }

        if (document.TryGetProperty("clientSecret", out var secret) && secret.GetString() is { } s)
        {
            _clientSecret = s;
        }
    }

    private void Set<T>(ref T field, T value)
    {
        if (!EqualityComparer<T>.Default.Equals(field, value))
        {
            field = value;
            MarkDirty();
        }
    }
}
