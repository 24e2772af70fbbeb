namespace Spoke.Emulator;

/// <summary>Everything that shapes one emulator instance. Defaults mirror a fresh HubSpot portal.</summary>
public sealed class HubSpotEmulatorOptions
{
    /// <summary>Interface to bind. Loopback by default: the emulator is a development tool.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="HubSpotEmulator.BaseUri"/>).</summary>
    public int Port { get; set; }

    /// <summary>Private-app tokens accepted with every scope. When empty, one is generated.</summary>
    public IList<string> Tokens { get; } = [];

    /// <summary>The portal (hub) id.</summary>
    public long PortalId { get; set; } = 12345678;

    /// <summary>
    /// More portals (hub ids) to serve beside <see cref="PortalId"/>, for multi-tenant code: each has its own records,
    /// tokens (<see cref="HubSpotEmulator.CreateToken(long, string[])"/>), rate-limit budget and, with a
    /// <see cref="DataFile"/>, its own file beside it (<c>name.portal-ID.db</c>). A request acts on the portal its token
    /// belongs to, so one portal's tokens never see another's records. They start with HubSpot's defaults, or with
    /// <see cref="SeedAdditionalPortals"/> a demo seed of their own.
    /// </summary>
    public IList<long> AdditionalPortalIds { get; } = [];

    /// <summary>
    /// With <see cref="Seed"/> demo, seed every additional portal too: <see cref="SeedSize"/> contacts each, with the seed
    /// value <see cref="SeedValue"/> + 1 for the first additional portal, + 2 for the second, …, so each portal holds other
    /// records (a read that crossed portals cannot pass for a right one). Off by default: they start empty.
    /// </summary>
    public bool SeedAdditionalPortals { get; set; }

    /// <summary>SQLite file that persists state; null keeps everything in memory.</summary>
    public string? DataFile { get; set; }

    /// <summary>What the portal holds at start (default: nothing but HubSpot's defaults).</summary>
    public SeedKind Seed { get; set; } = SeedKind.None;

    /// <summary>Number of contacts the demo seed creates; the other types scale with it (companies N/5, deals N/2 with
    /// their line items, tickets N/4, notes N/2, tasks N/4, projects N/10; see the emulator README).</summary>
    public int SeedSize { get; set; } = 100;

    /// <summary>Seed value for the deterministic demo data.</summary>
    public int SeedValue { get; set; } = 42;

    /// <summary>
    /// Hears what the demo seed does at start: seeding, resuming an unfinished seed (and how far it had got), each
    /// committed chunk, or why nothing is seeded. The <c>spoke</c> CLI prints these lines.
    /// </summary>
    public Action<string>? SeedProgress { get; set; }

    /// <summary>Which HubSpot rate-limit budget to enforce (default: none).</summary>
    public RateLimitTier RateLimits { get; set; } = RateLimitTier.Off;

    /// <summary>Clock for every timestamp, window and expiry. Defaults to an <see cref="EmulatorClock"/> on system time.</summary>
    public EmulatorClock? Clock { get; set; }

    /// <summary>The realism switches (search lag, tie order, ...); <c>ApplyFidelityProfile</c> sets them as a preset.</summary>
    public FidelityOptions Fidelity { get; } = new();

    /// <summary>
    /// Sets the switches of a <see cref="FidelityProfile"/> at once (<see cref="FidelityProfile.Strict"/>: a 3-second
    /// search-index lag, ties between equal sort values in arbitrary order, Professional rate limits). Options set
    /// after this call override the profile's.
    /// </summary>
    public HubSpotEmulatorOptions ApplyFidelityProfile(FidelityProfile profile)
    {
        var strict = profile == FidelityProfile.Strict;
        Fidelity.SearchIndexLagMilliseconds = strict ? FidelityOptions.StrictSearchIndexLagMilliseconds : 0;
        Fidelity.SearchTiesInArbitraryOrder = strict;
        RateLimits = strict ? RateLimitTier.Professional : RateLimitTier.Off;
        return this;
    }

    /// <summary>The id of the developer app the emulator stands in for (installed in the portal). Null keeps the
    /// stored one (<c>--data</c>) or the default 1234567.</summary>
    public long? AppId { get; set; }

    /// <summary>The app's client secret: it signs webhook deliveries (v1 and v3). Null keeps the stored one or generates one.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The developer account's API key (<c>hapikey</c>) for app-level APIs (webhooks, timeline templates).
    /// Null keeps the stored one or generates one.</summary>
    public string? DeveloperApiKey { get; set; }

    /// <summary>Duplicate and out-of-order webhook deliveries from the start (also <c>emulator.Webhooks.Faults</c>).</summary>
    public Webhooks.WebhookDeliveryFaults? WebhookFaults { get; set; }

    /// <summary>
    /// Let the emulator's web host hook Ctrl+C and SIGTERM (and stop on them). Off by default: a library does not own
    /// the process, and a second handler beside the caller's (the <c>spoke</c> CLI's, a test runner's) turns one
    /// signal into two racing shutdowns. The caller stops the emulator with <see cref="HubSpotEmulator.DisposeAsync"/>.
    /// </summary>
    public bool HandleShutdownSignals { get; set; }

    /// <summary>
    /// Where the emulator's web host logs. The emulator logs nothing by default (a library does not own the console);
    /// this runs after its providers are cleared, so a host can add one, e.g. the <c>spoke</c> CLI's error log on stderr.
    /// An unexpected 500 is logged at Error with its method, path and correlation id, never a body or a token.
    /// </summary>
    public Action<Microsoft.Extensions.Logging.ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>
    /// Public (OAuth) apps registered at start, so the consent page and the token endpoint know them (more can be added
    /// with <see cref="HubSpotEmulator.CreateOAuthApp"/> or the admin API). Give a client id to keep the same app across
    /// restarts on a data file; a null one is generated on every start.
    /// </summary>
    public IList<OAuthAppDefinition> OAuthApps { get; } = [];

    /// <summary>How long an OAuth access token lives on the emulator clock (HubSpot: 30 minutes, <c>expires_in</c> 1800).</summary>
    public TimeSpan OAuthAccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an authorization code (and a consent page) stays usable; single use either way (HubSpot's lifetime: UNVERIFIED).</summary>
    public TimeSpan OAuthCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Hand out a new refresh token on every refresh (off by default: HubSpot documents that the refresh token stays the
    /// same; UNVERIFIED). The old token keeps working until the new one is first used, so a client that crashed before
    /// storing the new one can still refresh with the old.
    /// </summary>
    public bool RotateRefreshTokens { get; set; }

    /// <summary>How long stopping waits for requests still in flight before it cuts them off (ASP.NET Core's default is 30 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>What the portal holds when the emulator starts.</summary>
public enum SeedKind
{
    /// <summary>Nothing but HubSpot's defaults (properties, pipelines, association types).</summary>
    None,

    /// <summary>A deterministic demo portal: companies, contacts, deals, line items and products, tickets, notes, tasks
    /// and a custom object, associated and owned (<see cref="HubSpotEmulatorOptions.SeedSize"/>, <see cref="HubSpotEmulatorOptions.SeedValue"/>).</summary>
    Demo,
}

/// <summary>
/// Presets of the realism switches. <c>Default</c> is the forgiving local setup (writes searchable at once, ties by
/// id, no rate limits); <c>Strict</c> behaves as HubSpot does under load, so the read-after-write and paging bugs that
/// pass locally fail here first. See "Test against strict fidelity" in src/Spoke.Emulator/README.md.
/// </summary>
public enum FidelityProfile
{
    /// <summary>The forgiving local setup.</summary>
    Default,

    /// <summary>HubSpot's behaviour under load: search lag, ties in any order, rate limits.</summary>
    Strict,
}

/// <summary>
/// Rate-limit profiles (docs/hubspot-api.md §7). <c>Off</c> disables limiting; the others apply the private-app budget of that tier.
/// </summary>
public enum RateLimitTier
{
    /// <summary>Nothing is limited (a generous budget is still advertised in the headers).</summary>
    Off,

    /// <summary>HubSpot's Free private-app budget: 100 requests per 10 s, 250,000 a day.</summary>
    Free,

    /// <summary>The Starter budget: 100 requests per 10 s, 250,000 a day.</summary>
    Starter,

    /// <summary>The Professional budget: 190 requests per 10 s (the daily limit is a <see cref="FidelityOptions"/> switch).</summary>
    Professional,

    /// <summary>The Enterprise budget: 190 requests per 10 s, 1,000,000 a day.</summary>
    Enterprise,
}

/// <summary>
/// Switches for HubSpot behaviour that the fact sheet marks UNVERIFIED or CONFLICT, and for HubSpot's warts.
/// Each default is our best reading of live HubSpot; see src/Spoke.Emulator/README.md.
/// </summary>
public sealed class FidelityOptions
{
    /// <summary>Search: maximum filter groups per request (CONFLICT 5/6; default 5).</summary>
    public int SearchMaxFilterGroups { get; set; } = 5;

    /// <summary>Search: maximum filters in one group (CONFLICT 6/10; default 10, the 2024-08 changelog).</summary>
    public int SearchMaxFiltersPerGroup { get; set; } = 10;

    /// <summary>Search: maximum filters across all groups (CONFLICT 18/25; default 25).</summary>
    public int SearchMaxFiltersTotal { get; set; } = 25;

    /// <summary>Search: page size ceiling.</summary>
    public int SearchMaxLimit { get; set; } = 200;

    /// <summary>Search: results reachable by paging before the 400.</summary>
    public int SearchMaxResults { get; set; } = 10_000;

    /// <summary>Search: request body ceiling in characters.</summary>
    public int SearchMaxBodyChars { get; set; } = 3_000;

    /// <summary>Search: requests per second per token when rate limits are on.</summary>
    public int SearchRequestsPerSecond { get; set; } = 5;

    /// <summary>
    /// Search: NEQ, NOT_IN and NOT_CONTAINS_TOKEN also match records that have no value for the property (true, as
    /// a "must not" query does), or only records that have one (false). UNVERIFIED.
    /// </summary>
    public bool SearchNegativeOperatorsMatchMissing { get; set; } = true;

    /// <summary>
    /// Search: writes become searchable this many milliseconds (emulator clock) after they are acknowledged; until
    /// then search sees each record as it was before the write ("may take a few moments", docs/hubspot-api.md §6). 0 = at once.
    /// Changeable at runtime: <c>HubSpotEmulator.SearchLag</c> or <c>PUT /_emulator/search-lag</c>.
    /// </summary>
    public int SearchIndexLagMilliseconds { get; set; }

    /// <summary>The search-index lag of <see cref="FidelityProfile.Strict"/>: 3 seconds.</summary>
    public const int StrictSearchIndexLagMilliseconds = 3_000;

    /// <summary>
    /// Search: records with equal sort values come back in an arbitrary order (a hash of the id and the request:
    /// the pages of one request share it, any other request reorders them) instead of by id. HubSpot's order of ties
    /// is UNVERIFIED and not by creation; off by default, on in <see cref="FidelityProfile.Strict"/>.
    /// </summary>
    public bool SearchTiesInArbitraryOrder { get; set; }

    /// <summary>
    /// Search: the <c>associations.{type}</c> filter also works when the searched or the associated type is a custom
    /// object. HubSpot documents it as unsupported there (docs/hubspot-api.md §6), so by default such a filter is a 400.
    /// </summary>
    public bool SearchAssociationFiltersOnCustomObjects { get; set; }

    /// <summary>GET list: largest accepted <c>limit</c> (UNVERIFIED as a server cap; larger values are clamped).</summary>
    public int ListMaxLimit { get; set; } = 100;

    /// <summary>Batch endpoints: inputs per request.</summary>
    public int BatchMaxInputs { get; set; } = 100;

    /// <summary>
    /// Requested properties that have no value: true returns them as <c>null</c> (live v3 behaviour as observed by
    /// SDK users), false omits them (what the contacts doc says). UNVERIFIED.
    /// </summary>
    public bool ReturnNullForEmptyRequestedProperties { get; set; } = true;

    /// <summary>
    /// Date properties: true returns <c>YYYY-MM-DD</c>; false returns midnight-UTC ISO datetimes. UNVERIFIED.
    /// </summary>
    public bool DatePropertiesAsDateOnly { get; set; } = true;

    /// <summary>Rate-limit headers on 429 also carry <c>Retry-After</c> (UNVERIFIED for CRM APIs; off by default).</summary>
    public bool SendRetryAfterOn429 { get; set; }

    /// <summary>Professional daily budget: 625,000 (docs) or 650,000 (changelog). CONFLICT; default docs.</summary>
    public int ProfessionalDailyLimit { get; set; } = 625_000;

    /// <summary>
    /// Properties PATCH: true lets <c>hasUniqueValue: true</c> make an existing property unique (refused when records
    /// already share a value); false ignores the field, as the spec's <c>PropertyUpdate</c> has no such field. UNVERIFIED.
    /// </summary>
    public bool PropertyPatchCanEnableUniqueValue { get; set; } = true;

    /// <summary>
    /// Associations: most records of the other type one record may hold with one association type, when no
    /// <c>userEnforcedMaxToObjectIds</c> is configured. HubSpot's default is "very large"; 10,000 is UNVERIFIED.
    /// </summary>
    public int AssociationMaxPerRecordPerType { get; set; } = 10_000;

    /// <summary>
    /// Associations: when an association change moves a record's <c>num_associated_*</c> roll-up (or a contact's
    /// <c>associatedcompanyid</c>), HubSpot's recalculation also moves that record's last-modified time
    /// (<c>hs_lastmodifieddate</c>, and <c>lastmodifieddate</c> for contacts). UNVERIFIED: HubSpot does not promise that an
    /// association change touches either side; on by default as the likelier behaviour, off to test a client that
    /// must not rely on it.
    /// </summary>
    public bool AssociationRecalculationTouchesLastModified { get; set; } = true;

    /// <summary>
    /// Associations: a labelled create (v4 PUT and batch/create) replaces the pair's labels, so callers send old and new
    /// labels to keep both (docs/hubspot-api.md §3.2). False makes labelled creates additive.
    /// </summary>
    public bool LabelledCreateReplacesLabels { get; set; } = true;

    /// <summary>
    /// Merge: the id of a merged-away record stays an alias of the record that absorbed it, so GET, PATCH, batch
    /// read/update and merge answer for the survivor (response <c>id</c> is the survivor's), as HubSpot does for
    /// merged contact ids. False answers 404 for merged ids. See src/Spoke.Emulator/README.md.
    /// </summary>
    public bool MergedIdsResolveToSurvivor { get; set; } = true;

    /// <summary>Webhooks: a delivery with no answer within this many milliseconds (real time) counts as failed and is
    /// retried (HubSpot: 5 seconds).</summary>
    public int WebhookTimeoutMilliseconds { get; set; } = 5_000;

    /// <summary>Webhooks: most events in one POST (HubSpot: "up to 100").</summary>
    public int WebhookMaxEventsPerRequest { get; set; } = 100;

    /// <summary>Webhooks: most requests in flight per portal (HubSpot: 10). The settings' <c>throttling.maxConcurrentRequests</c>
    /// can lower it, not raise it.</summary>
    public int WebhookMaxConcurrentRequests { get; set; } = 10;

    /// <summary>Webhooks: retries after the first attempt (HubSpot: up to 10, over 24 hours).</summary>
    public int WebhookMaxRetries { get; set; } = 10;

    /// <summary>Webhooks: the base delay before the first retry; retry n+1 waits this × 2^n × 0.75–1.25 (emulator
    /// clock). HubSpot's schedule is UNVERIFIED ("randomized delays" within 24 hours): with 1 minute, ten retries end
    /// within about 21 hours. Keep 1023 × this × 1.25 under 24 hours.</summary>
    public TimeSpan WebhookFirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Webhooks: write non-ASCII text in delivery bodies as <c>\uXXXX</c> escapes instead of UTF-8.
    /// HubSpot's encoding is UNVERIFIED; UTF-8 (false) matches the API's responses. Signatures cover the bytes as
    /// sent either way.</summary>
    public bool WebhookEscapeNonAscii { get; set; }

    /// <summary>Webhooks: properties given a value on create also produce <c>propertyChange</c> events (besides the
    /// <c>creation</c> event), as observed on HubSpot. UNVERIFIED; false sends only the creation event.</summary>
    public bool WebhookPropertyChangeOnCreation { get; set; } = true;

    /// <summary>Imports: rows written per chunk; each chunk is one write scope, and the import's counters move chunk by
    /// chunk (HubSpot's own pace is unknown).</summary>
    public int ImportRowsPerChunk { get; set; } = 100;

    /// <summary>Imports: the largest file accepted, in bytes. HubSpot takes 512 MB per file (docs/hubspot-api.md §3.9);
    /// the emulator holds files in memory, so it bounds lower by default (64 MiB). Over it → 429, as HubSpot answers.</summary>
    public long ImportMaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Imports: rows per file (HubSpot: 1,048,576). Over it → 429.</summary>
    public int ImportMaxRowsPerFile { get; set; } = 1_048_576;

    /// <summary>Imports: rows per portal per day, emulator clock (HubSpot: 80,000,000). Over it → 429.</summary>
    public int ImportMaxRowsPerDay { get; set; } = 80_000_000;

    /// <summary>Exports: how long a download link works after the export completes (emulator clock). HubSpot's links
    /// expire; the lifetime is UNVERIFIED (5 minutes is what its exports guide says for the status URL).</summary>
    public TimeSpan ExportDownloadLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Exports: serve the download as a zip holding the CSV instead of the CSV itself. HubSpot zips large or
    /// multi-file exports; which ones is UNVERIFIED. Off: a plain CSV.</summary>
    public bool ExportDownloadAsZip { get; set; }
}
