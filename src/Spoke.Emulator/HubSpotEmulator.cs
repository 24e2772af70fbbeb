using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spoke.Emulator.Admin;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Faults;
using Spoke.Emulator.Hosting;
using Spoke.Emulator.OAuth;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.RateLimits;
using Spoke.Emulator.Webhooks;

namespace Spoke.Emulator;

/// <summary>
/// A running emulator: a local HubSpot on loopback. Start one per test class (or share one and
/// <see cref="Reset"/> between tests):
/// <code>
/// await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions());
/// var token = emulator.CreateToken("crm.objects.contacts.read");
/// </code>
/// </summary>
public sealed partial class HubSpotEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PortalDirectory _directory;
    private readonly BulkJobGate _bulkJobs;

    private HubSpotEmulator(WebApplication app, PortalDirectory directory, FaultInjector faults, Uri baseUri, string token,
        GeneratedSecrets generated, BulkJobGate bulkJobs)
    {
        _bulkJobs = bulkJobs;
        _directory = directory;
        var portal = directory.Primary;
        ClientSecretGenerated = string.Equals(portal.ClientSecret, generated.ClientSecret, StringComparison.Ordinal);
        DeveloperApiKeyGenerated = string.Equals(portal.DeveloperApiKey, generated.DeveloperApiKey, StringComparison.Ordinal);
        _app = app;
        Webhooks = directory.PrimaryServices.Webhooks;
        Faults = faults;
        Portal = portal;
        BaseUri = baseUri;
        Token = token;
    }

    /// <summary>Where the emulator listens, e.g. <c>http://127.0.0.1:51234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>A private-app token with every scope (the first configured token, or a generated one).</summary>
    public string Token { get; }

    /// <summary>The clock behind every timestamp, window and expiry; advance it in tests.</summary>
    public EmulatorClock Clock => Portal.Clock;

    /// <summary>The portal (hub id) the emulator serves; records, webhooks and tokens carry it.</summary>
    public long PortalId => Portal.PortalId;

    /// <summary>Fault injection (latency, 5xx, 429, drops, timeouts, shared timestamps); cleared by <see cref="Reset"/>.</summary>
    public FaultInjector Faults { get; }

    internal PortalState Portal { get; }

    /// <summary>Every portal the emulator serves (the primary first).</summary>
    internal PortalDirectory Directory => _directory;

    /// <summary>The host's services (routing's endpoint list, for tests that check every route).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>Webhook delivery: the log of every attempt, duplicate/out-of-order switches, and waiting for idle.</summary>
    public WebhookDelivery Webhooks { get; }

    /// <summary>The id of the developer app the emulator stands in for (installed in the portal).</summary>
    public long AppId => Portal.AppId;

    /// <summary>The app's client secret, which signs webhook deliveries.</summary>
    public string ClientSecret => Portal.ClientSecret;

    /// <summary>The developer API key (<c>hapikey</c>) for the webhooks and timeline-template APIs.</summary>
    public string DeveloperApiKey => Portal.DeveloperApiKey;

    /// <summary>
    /// True when this start generated <see cref="ClientSecret"/>: neither the options nor the data file had one.
    /// A secret is shown once, when generated; a given or stored one never is.
    /// </summary>
    public bool ClientSecretGenerated { get; }

    /// <summary>True when this start generated <see cref="DeveloperApiKey"/> (see <see cref="ClientSecretGenerated"/>).</summary>
    public bool DeveloperApiKeyGenerated { get; }

    /// <summary>
    /// How long (emulator clock) a write stays invisible to search: until then search sees the record as it was.
    /// Zero (the default, or <see cref="FidelityOptions.SearchIndexLagMilliseconds"/>) makes writes searchable at once.
    /// </summary>
    public TimeSpan SearchLag
    {
        get
        {
            using var _ = Portal.Read();
            return TimeSpan.FromMilliseconds(Search.SearchIndexes.For(Portal).LagMilliseconds);
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            using var _ = Portal.Read();
            Search.SearchIndexes.For(Portal).LagMilliseconds = (long)value.TotalMilliseconds;
        }
    }

    /// <summary>The active rate-limit profile (every portal's); switching clears the usage counters.</summary>
    public RateLimitTier RateLimits
    {
        get => _directory.PrimaryServices.Limiter.Tier;
        set
        {
            foreach (var limiter in _directory.Services.Select(s => s.Limiter))
            {
                limiter.Tier = value;
                limiter.Clear();
            }
        }
    }

    /// <summary>
    /// While true, imports and exports wait between chunks: an import stays STARTED (or PROCESSING), an export PROCESSING,
    /// until it is set back to false. For tests that look at a job in flight (or cancel it) without racing it.
    /// </summary>
    public bool BulkJobsPaused
    {
        get => _bulkJobs.Paused;
        set => _bulkJobs.Paused = value;
    }

    /// <summary>429s the rate limiter has sent since start (not fault-injected ones); take differences to measure a run.</summary>
    public long RateLimitRejections => _directory.Services.Sum(s => s.Limiter.Rejected);

    /// <summary>Starts an emulator on loopback (an ephemeral port unless the options name one) and returns once it answers; dispose it to stop.</summary>
    public static async Task<HubSpotEmulator> StartAsync(HubSpotEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new HubSpotEmulatorOptions();
        var clock = options.Clock ?? new EmulatorClock();
        var faults = new FaultInjector(clock);
        var portal = new PortalState(options.PortalId, clock, options.Fidelity);
        // The portal's own fresh values: if they are still there after loading and the options, this start generated them.
        var generated = new GeneratedSecrets(portal.ClientSecret, portal.DeveloperApiKey);
        var portals = new List<PortalState> { portal };
        try
        {
            // Seeding stops between chunks when cancelled (a resumable seed); the data file is closed either way.
            EmulatorStartup.Prepare(portal, options, cancellationToken);
            foreach (var id in options.AdditionalPortalIds.Distinct())
            {
                var extra = new PortalState(id, clock, options.Fidelity);
                portals.Add(extra);
                EmulatorStartup.PrepareAdditional(extra, portals.Count - 1, portal, options, cancellationToken);
            }

            foreach (var p in portals)
            {
                p.WriteTimestampOverride = faults.CurrentWriteTimestamp;
                p.WasReset += faults.Clear;
            }

            return await StartPreparedAsync(options, portals, faults, generated, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A host that never started must not keep a data file open.
            foreach (var p in portals)
            {
                p.Journal?.Dispose();
            }

            throw;
        }
    }

    private static async Task<HubSpotEmulator> StartPreparedAsync(HubSpotEmulatorOptions options, List<PortalState> portals,
        FaultInjector faults, GeneratedSecrets generated, CancellationToken cancellationToken)
    {
        var portal = portals[0];
        var token = options.Tokens.Count > 0 ? options.Tokens[0] : TokenStore.NewToken();
        using (portal.Write())
        {
            foreach (var t in options.Tokens.DefaultIfEmpty(token))
            {
                portal.Tokens.AddAllScopes(t!);
                // The tokens the emulator starts with are the app's own: their changes report changeSource INTEGRATION.
                portal.Webhooks.AppTokens.Add(t!);
            }
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "Spoke.Emulator" });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 32 * 1024 * 1024;
        });
        builder.WebHost.UseUrls($"http://{FormatHost(options.Host)}:{options.Port}");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        if (!options.HandleShutdownSignals)
        {
            // Replaces the ConsoleLifetime, whose SIGTERM handler would race the caller's own (see the option).
            builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        }

        var bulkJobs = new BulkJobGate();
        var services = portals.Select(p =>
        {
            var webhooks = new WebhookDelivery(p);
            if (options.WebhookFaults is { } webhookFaults)
            {
                webhooks.Faults = webhookFaults;
            }

            return new PortalServices(p, new RateLimiter(p.Clock, options.Fidelity) { Tier = options.RateLimits }, new ArchiveRetention(p), webhooks,
                new Imports.ImportJobs(p, bulkJobs), new Exports.ExportJobs(p, bulkJobs));
        }).ToList();
        var directory = new PortalDirectory(services);
        builder.Services.AddSingleton(directory);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(faults);
        // The per-portal state: resolved per request from the portal the pipeline routed it to (the primary by default).
        builder.Services.AddScoped(_ => new CurrentPortal(directory.PrimaryServices));
        builder.Services.AddScoped(sp => sp.GetRequiredService<CurrentPortal>().Services.Portal);
        builder.Services.AddScoped(sp => sp.GetRequiredService<CurrentPortal>().Services.Limiter);
        builder.Services.AddScoped(sp => sp.GetRequiredService<CurrentPortal>().Services.Retention);
        builder.Services.AddScoped(sp => sp.GetRequiredService<CurrentPortal>().Services.Webhooks);
        builder.Services.AddScoped(sp => sp.GetRequiredService<CurrentPortal>().Services.Imports);
        builder.Services.AddScoped(sp => sp.GetRequiredService<CurrentPortal>().Services.Exports);
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseEmulatorPipeline();
        MapApis(app, directory);
        app.MapAdminApi();
        app.MapOAuthAdminApi();
        app.MapUnknownRoutes();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var s in services)
            {
                await s.Webhooks.DisposeAsync().ConfigureAwait(false);
            }

            await app.DisposeAsync().ConfigureAwait(false);
            bulkJobs.Dispose();
            throw;
        }

        foreach (var s in services)
        {
            s.Webhooks.Start();
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return new HubSpotEmulator(app, directory, faults, uri, token, generated, bulkJobs);
    }

    /// <summary>Every HubSpot API the emulator serves, on the classic paths and the dated aliases (docs/hubspot-api.md §1a).</summary>
    private static void MapApis(WebApplication app, PortalDirectory directory)
    {
        foreach (var portal in directory.All)
        {
            // Attach the search indexes now so they follow every store from start-up on.
            Search.SearchIndexes.For(portal);
        }

        foreach (var prefix in ObjectsApi.Prefixes)
        {
            app.MapObjectsApi(prefix);
        }

        EmulatorStartup.MapFeatureApis(app);
        app.MapOAuthApi();
    }

    /// <summary>Creates a private-app token holding exactly <paramref name="scopes"/>.</summary>
    public string CreateToken(params string[] scopes)
    {
        using var _ = Portal.Write();
        return Portal.Tokens.Create(scopes).Token;
    }

    /// <summary>Empties every portal back to a fresh one; tokens, OAuth apps and installations, and the clock survive, rate-limit usage does not.</summary>
    public void Reset()
    {
        foreach (var services in _directory.Services)
        {
            services.Portal.Reset();
            services.Limiter.Clear();
        }
    }

    /// <summary>Completes when the host stops: <see cref="DisposeAsync"/>, or Ctrl+C and SIGTERM with <see cref="HubSpotEmulatorOptions.HandleShutdownSignals"/>.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, cancellationToken);

    /// <summary>Stops the emulator: waits up to <see cref="HubSpotEmulatorOptions.ShutdownTimeout"/> for requests in flight, then flushes and closes its data file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _bulkJobs.StopAsync().ConfigureAwait(false);
        _bulkJobs.Dispose();
        foreach (var services in _directory.Services)
        {
            await services.Webhooks.DisposeAsync().ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var portal in _directory.All)
        {
            portal.Journal?.Dispose();
            portal.Journal = null;
        }
    }

    private sealed record GeneratedSecrets(string ClientSecret, string DeveloperApiKey);

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
