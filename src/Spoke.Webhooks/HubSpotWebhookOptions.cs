using Spoke.Webhooks.Signatures;

namespace Spoke.Webhooks;

/// <summary>Which database holds the inbox.</summary>
public enum WebhookInboxProvider
{
    /// <summary>A local SQLite file (<see cref="HubSpotWebhookOptions.SqlitePath"/>): WAL, <c>synchronous=FULL</c>.</summary>
    Sqlite,

    /// <summary>PostgreSQL (<see cref="HubSpotWebhookOptions.PostgresConnectionString"/>); receivers may share it.</summary>
    Postgres,
}

/// <summary>
/// Options for the receiver, bound from configuration (section <c>HubSpot:Webhooks</c> by convention), e.g.
/// <c>{"ClientSecrets": ["new", "old"], "Inbox": "Sqlite", "SqlitePath": "data/webhooks.db"}</c>.
/// </summary>
public sealed class HubSpotWebhookOptions
{
    /// <summary>
    /// The app's client secret(s). A request is accepted when it verifies against any of them, so a rotation adds the
    /// new secret, deploys, switches HubSpot over, then removes the old one.
    /// </summary>
    public List<string> ClientSecrets { get; set; } = [];

    /// <summary>Shorthand for a single secret (added to <see cref="ClientSecrets"/>).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>How far a v3 timestamp may be from the server clock, either way (HubSpot: 5 minutes).</summary>
    public TimeSpan Tolerance { get; set; } = HubSpotSignature.DefaultTolerance;

    /// <summary>
    /// The signature versions accepted (default <c>V3</c> only). HubSpot signs every webhook delivery with v3, whose
    /// timestamp bounds a replay to <see cref="Tolerance"/>; v1 and v2 carry no timestamp, so a captured request
    /// verifies forever. Add <c>V1</c>/<c>V2</c> only for a sender that signs nothing else (e.g. a proxy that drops the
    /// v3 headers); the dedupe key still absorbs replays of events already stored.
    /// </summary>
    public HubSpotSignatureVersions AcceptedSignatureVersions { get; set; } = HubSpotSignatureVersions.V3;

    /// <summary>
    /// The public base URL HubSpot calls (e.g. <c>https://api.example.com</c>) when a proxy or load balancer
    /// terminates TLS or rewrites the host: the URI signed by v2/v3 is this base plus the request's raw path and
    /// query. Without it, the request's own scheme and Host header are used.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Where the durable inbox lives: SQLite (default, one receiver per file) or PostgreSQL (several receivers may share it).</summary>
    public WebhookInboxProvider Inbox { get; set; } = WebhookInboxProvider.Sqlite;

    /// <summary>The SQLite inbox file (default <c>hubspot-webhooks.db</c> in the working directory).</summary>
    public string SqlitePath { get; set; } = "hubspot-webhooks.db";

    /// <summary>
    /// Also fsync handler commits (the processed mark with the handler's effects). Off by default: they survive
    /// <c>kill -9</c> either way, and a power cut can only undo mark and effects together (see README).
    /// </summary>
    public bool SqliteFullSyncHandlerCommits { get; set; }

    /// <summary>The PostgreSQL connection string when <see cref="Inbox"/> is PostgreSQL; required then.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The PostgreSQL schema that holds the inbox table.</summary>
    public string PostgresSchema { get; set; } = "public";

    /// <summary>
    /// Largest body accepted (413 beyond it; the server's own request-size limit is raised to match). HubSpot sends at
    /// most 100 events a request, and a propertyChange value may be 65,536 characters: 100 such values of 3-byte UTF-8
    /// characters make about 19.7 MB, so the default is 24 MiB. A smaller limit refuses those requests on every retry
    /// until HubSpot gives up on them.
    /// </summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>
    /// The bytes all request bodies being read at once may hold together (default <c>4 × MaxBodyBytes</c>, 96 MiB). A
    /// request whose body does not fit gets a 503 with <c>Retry-After</c> (HubSpot retries it) before its body is read,
    /// so many connections that each send a large body cannot grow the process without bound. At least
    /// <see cref="MaxBodyBytes"/>.
    /// </summary>
    public long? MaxBodyBytesInFlight { get; set; }

    /// <summary>
    /// How long a request's body may take to arrive once its headers passed (default 10 s, twice HubSpot's own 5-second
    /// delivery timeout; measured on the <see cref="TimeProvider"/>). A body still incomplete then is answered 408 and its
    /// share of <see cref="MaxBodyBytesInFlight"/> freed, so a sender that stalls on its last byte cannot hold the budget.
    /// </summary>
    public TimeSpan BodyReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The budget in force: bodies are held in 64 KiB segments, so it is never less than one full body in whole
    /// segments plus the segment that sees its end.
    /// </summary>
    internal long BodyBytesInFlightLimit
    {
        get
        {
            const long segment = Receiver.PooledBody.SegmentSize;
            var oneBody = ((MaxBodyBytes + segment - 1) / segment * segment) + segment;
            return Math.Max(MaxBodyBytesInFlight ?? 4L * MaxBodyBytes, oneBody);
        }
    }

    /// <summary>24 MiB: a full request of maximum-length values (see <see cref="MaxBodyBytes"/>).</summary>
    public const int DefaultMaxBodyBytes = 24 * 1024 * 1024;

    /// <summary>Run the dispatcher in this process (set false for a receive-only instance).</summary>
    public bool RunDispatcher { get; set; } = true;

    /// <summary>Events of different objects handled at once.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Handler attempts before an event is dead-lettered (1 = no retry).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay; each further retry doubles it up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between handler retries (default 10 minutes).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the dispatcher looks at the inbox when nothing signals it (events from other instances).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most requests whose events share one commit (group commit under load).</summary>
    public int MaxRequestsPerCommit { get; set; } = 64;

    internal IReadOnlyList<string> AllSecrets() =>
        [.. (ClientSecret is { Length: > 0 } single ? ClientSecrets.Prepend(single) : ClientSecrets).Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal)];

    /// <summary>The delay before retry number <paramref name="failedAttempts"/> (1 after the first failure).</summary>
    internal TimeSpan RetryDelay(int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = RetryBaseDelay * Math.Pow(2, exponent);
        return delay > RetryMaxDelay ? RetryMaxDelay : delay;
    }
}
