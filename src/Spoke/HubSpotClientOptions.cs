namespace Spoke;

/// <summary>Which family of HubSpot paths the client calls (docs/hubspot-api.md §1a). One switch for the whole client.</summary>
public enum HubSpotApiVersion
{
    /// <summary>The date-based <c>2026-09</c> paths, e.g. <c>/crm/objects/2026-09/contacts</c>. The default.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "Spells HubSpot's version name 2026-09; public API.")]
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

    /// <summary>
    /// Which family of HubSpot's paths to call: the dated <c>2026-09</c> paths (default) or the classic
    /// <c>/crm/v3</c> and <c>/crm/v4</c> ones (<see cref="HubSpotApiVersion.Classic"/>).
    /// </summary>
    public HubSpotApiVersion ApiVersion { get; set; } = HubSpotApiVersion.V2026_09;

    /// <summary>
    /// Longest a single attempt may take (sending, waiting and reading the answer) before it is abandoned, and retried
    /// when that is safe. Default 30 s. Time spent waiting for a rate-limit slot does not count.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest a call may take in all, retries and rate-limit waits included: default 3 minutes. No call hangs past
    /// it; when it passes the call throws <see cref="Errors.HubSpotTransportException"/> (category <c>TIMEOUT</c>).</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Attempts after the first (default 5) for 429s (except <c>DAILY</c>), 5xx, transport errors and attempt timeouts.
    /// Creates and other non-idempotent POSTs are re-sent only when HubSpot provably did not run them: after a 429, or a
    /// connection that could not be opened. A 5xx or a timeout on a create reaches the caller instead of a duplicate,
    /// unless the caller marked the call safe to repeat (<see cref="Http.HubSpotCall.TreatAsIdempotent"/>).
    /// </summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// Batch calls larger than one HubSpot request run up to this many chunks at once; the rate-limit gate does the pacing.
    /// Default 10: a Professional budget (190 per 10 s) is 19 calls a second, and a batch of 100 takes HubSpot 0.3–0.5 s,
    /// so fewer in flight would leave budget unused (4 reached 67% of it at 300 ms; bench/Spoke.Client.Bench).
    /// </summary>
    public int MaxBatchConcurrency { get; set; } = 10;

    /// <summary>Clock for rate-limit windows, backoff and token expiry; fake it in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The subscription whose documented 10-second budget the rate-limit gate assumes until the server says otherwise:
    /// default <c>Free</c>, 100 requests per 10 s, the lowest. The first answer carrying <c>X-HubSpot-RateLimit-Max</c> and
    /// <c>-Interval-Milliseconds</c> (any answer: success, error or 429) replaces the assumption with what the server
    /// advertised, higher or lower, and the gate never holds a caller below an advertised budget. Only a server that sends
    /// no such headers keeps you at the assumed figure: set the tier you have (or <see cref="ExpectedBurstLimit"/>) there.
    /// </summary>
    public RateLimiting.HubSpotRateLimitTier RateLimitTier { get; set; } = RateLimiting.HubSpotRateLimitTier.Free;

    /// <summary>Requests per 10 seconds to start from instead of the tier's figure (e.g. a budget shared with another app).</summary>
    public int? ExpectedBurstLimit { get; set; }

    /// <summary>
    /// How searches are paced (their answers carry no rate-limit headers). Default <see cref="RateLimiting.HubSpotSearchRateLimiting.Auto"/>:
    /// HubSpot's documented 5 per second from the first search when <see cref="BaseUri"/> is HubSpot's API host; against
    /// any other server no pacing until a search is answered with a <c>SECONDLY</c> 429, then 5 per second for that token.
    /// </summary>
    public RateLimiting.HubSpotSearchRateLimiting SearchRateLimiting { get; set; } = RateLimiting.HubSpotSearchRateLimiting.Auto;

    /// <summary>
    /// Share of the portal's daily budget (0..1) left to the portal's other apps: once HubSpot reports no more than this
    /// share remaining, calls fail fast with a <c>DAILY</c> <see cref="Errors.HubSpotRateLimitException"/>. Default 5%.
    /// </summary>
    public double DailyBudgetReserve { get; set; } = 0.05;

    /// <summary>
    /// Share of the portal's 10-second budget (0..1) this client leaves unused for the portal's other apps: the gate grants
    /// it a slot only while everything counted in the window — this process's calls and what others spent, learned from
    /// <c>X-HubSpot-RateLimit-Remaining</c> — stays below the rest (190 per 10 s with 5% kept: 180). Default 0; searches
    /// (their own 5-per-second budget) are not affected. <see cref="HubSpotClient.WithBurstBudgetReserve"/> gives an
    /// existing client's pipeline another reserve.
    /// </summary>
    public double BurstBudgetReserve { get; set; }

    /// <summary>
    /// Pace calls ahead of HubSpot's limits (the gate). Default true; it costs nothing against a server that advertises a
    /// large budget (the emulator does, even with rate limits off). Retries of 429s stay on either way, but without the
    /// gate a 429 without <c>Retry-After</c> waits a whole window: only the gate knows when the window frees a slot.
    /// </summary>
    public bool ProactiveRateLimiting { get; set; } = true;

    /// <summary>
    /// Where the rate-limit gates and circuit breakers live; clients given the same instance share a token's budget and
    /// breaker. <c>AddHubSpotClient</c> sets the container's singleton (one per host). Null (the default for a client built
    /// by hand): the client gets a state of its own; pass <see cref="RateLimiting.HubSpotRateLimitState.Shared"/> to share
    /// across the process.
    /// </summary>
    public RateLimiting.HubSpotRateLimitState? RateLimitState { get; set; }

    /// <summary>First backoff delay for 5xx, transport errors and timeouts (exponential with jitter from there; capped at 30 s).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Logs from the client (never tokens, bodies or personal data). Set by DI; null logs nothing.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>A shallow copy (the factory gives each tenant its own token provider on a copy).</summary>
    internal HubSpotClientOptions Clone() => (HubSpotClientOptions)MemberwiseClone();

    internal string ObjectsPrefix => ApiVersion == HubSpotApiVersion.Classic ? "crm/v3/objects" : "crm/objects/2026-09";
}
