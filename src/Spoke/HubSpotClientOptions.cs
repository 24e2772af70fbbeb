namespace Spoke;

/// <summary>Which family of HubSpot paths the client calls (docs §1a). One switch for the whole client.</summary>
public enum HubSpotApiVersion
{
    /// <summary>The date-based <c>2026-09</c> paths, e.g. <c>/crm/objects/2026-09/contacts</c>. The default.</summary>
    V2026_09,

    /// <summary>The classic <c>/crm/v3</c> and <c>/crm/v4</c> paths.</summary>
    Classic,
}

/// <summary>Options for <see cref="HubSpotClient"/>; bind them from a <c>HubSpot</c> configuration section.</summary>
public sealed class HubSpotClientOptions
{
    /// <summary>HubSpot's API root; point it at the Spoke emulator for tests and demos.</summary>
    public Uri BaseUri { get; set; } = new("https://api.hubapi.com/");

    /// <summary>A private-app access token. Ignored when <see cref="TokenProvider"/> is set.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Supplies tokens per request (private app, OAuth). Takes precedence over <see cref="AccessToken"/>.</summary>
    public Auth.IAccessTokenProvider? TokenProvider { get; set; }

    /// <summary>
    /// The developer account's API key, for app-level calls (timeline event templates). Those calls send it as
    /// <c>?hapikey=</c> and no bearer token; Spoke never logs it.
    /// </summary>
    public string? DeveloperApiKey { get; set; }

    public HubSpotApiVersion ApiVersion { get; set; } = HubSpotApiVersion.V2026_09;

    /// <summary>Longest a single attempt may take before it is abandoned (and retried when safe).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest a call may take in all, retries and rate-limit waits included. No call hangs past it.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Attempts after the first for 429, 5xx, transport errors and timeouts.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Batch calls larger than one HubSpot request run this many chunks at once (the rate-limit gate paces them).</summary>
    public int MaxBatchConcurrency { get; set; } = 4;

    /// <summary>Clock for rate-limit windows, backoff and token expiry; fake it in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal string ObjectsPrefix => ApiVersion == HubSpotApiVersion.Classic ? "crm/v3/objects" : "crm/objects/2026-09";
}
