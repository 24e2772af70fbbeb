using Microsoft.AspNetCore.Builder;
using Spoke.Emulator.Account;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Faults;
using Spoke.Emulator.Exports;
using Spoke.Emulator.Gdpr;
using Spoke.Emulator.Imports;
using Spoke.Emulator.Lists;
using Spoke.Emulator.Merge;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Owners;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Pipelines;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Schemas;
using Spoke.Emulator.Search;
using Spoke.Emulator.Seeding;
using Spoke.Emulator.Timeline;
using Spoke.Emulator.Webhooks;

namespace Spoke.Emulator.Hosting;

/// <summary>
/// Feature wiring in one place: what state a portal loads before serving, and which feature APIs it maps.
/// Each feature folder owns a <c>MapXxxApi(prefix)</c> extension; add it here.
/// </summary>
internal static class EmulatorStartup
{
    /// <summary>Loads persisted state and seeds demo data before the first request.</summary>
    public static void Prepare(PortalState portal, HubSpotEmulatorOptions options, CancellationToken cancellationToken)
    {
        if (options.AppId is <= 0)
        {
            throw new ArgumentException($"AppId must be a positive number, not {options.AppId}.", nameof(options));
        }

        if (options.ClientSecret is { } secret && string.IsNullOrWhiteSpace(secret))
        {
            throw new ArgumentException("ClientSecret must not be empty: leave it null to have one generated.", nameof(options));
        }

        if (options.DeveloperApiKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("DeveloperApiKey must not be empty: leave it null to have one generated.", nameof(options));
        }

        PortalPersistence.Attach(portal, options);
        DemoSeeding.SeedOrResume(portal, options, cancellationToken);
        using (portal.Write())
        {
            // The app's identity: what the options say wins over what the data file holds.
            portal.AppId = options.AppId ?? portal.AppId;
            portal.ClientSecret = options.ClientSecret ?? portal.ClientSecret;
            portal.DeveloperApiKey = options.DeveloperApiKey ?? portal.DeveloperApiKey;
            PrepareOAuth(portal, options);
        }

        // From here on, changes produce webhook events (loading and seeding don't).
        portal.Webhooks.Armed = true;
    }

    /// <summary>
    /// An additional portal: its own data file beside the primary's (when there is one), seeded only with
    /// <see cref="HubSpotEmulatorOptions.SeedAdditionalPortals"/>. The developer app is
    /// installed in it too: the primary's app id, client secret and webhook settings and subscriptions (kept in step from
    /// now on), so its changes are delivered to the app's target URL with its portal id, signed with the app's secret.
    /// </summary>
    /// <param name="portal">The additional portal.</param>
    /// <param name="ordinal">Its place among the additional portals (1, 2, …): with <see cref="HubSpotEmulatorOptions.SeedAdditionalPortals"/>, its seed value is the primary's plus this.</param>
    /// <param name="primary">The primary portal, whose developer app it takes.</param>
    /// <param name="options">The emulator's options.</param>
    /// <param name="cancellationToken">Stops a demo seed between chunks.</param>
    public static void PrepareAdditional(PortalState portal, int ordinal, PortalState primary, HubSpotEmulatorOptions options, CancellationToken cancellationToken)
    {
        if (portal.PortalId <= 0 || portal.PortalId == options.PortalId)
        {
            throw new ArgumentException($"An additional portal id must be a positive number other than the primary portal's ({options.PortalId}); got {portal.PortalId}.", nameof(options));
        }

        PortalPersistence.Attach(portal, AdditionalDataFile(options.DataFile, portal.PortalId));
        if (options.SeedAdditionalPortals)
        {
            // Other records than the primary's (another seed value), so a read that crossed portals could not pass for a right one.
            var report = options.SeedProgress is { } progress ? (Action<string>)(line => progress($"Portal {portal.PortalId}: {line}")) : null;
            DemoSeeding.SeedOrResume(portal, options.Seed, options.SeedSize, options.SeedValue + ordinal, report, cancellationToken);
        }

        void TakeTheApp()
        {
            // Called under the primary's write lock (or at start): primary, then this portal, the order every path takes.
            using (portal.Write())
            {
                portal.AppId = primary.AppId;
                portal.ClientSecret = primary.ClientSecret;
                portal.Webhooks.CopyDefinitionsFrom(primary.Webhooks);
            }
        }

        using (primary.Read())
        {
            TakeTheApp();
        }

        primary.Webhooks.DefinitionsChanged += TakeTheApp;
        portal.Webhooks.Armed = true;
    }

    /// <summary>Where an additional portal keeps its data: <c>dir/name.portal-ID.ext</c> beside the primary's file.</summary>
    public static string? AdditionalDataFile(string? dataFile, long portalId) =>
        dataFile is null ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataFile))!,
            $"{Path.GetFileNameWithoutExtension(dataFile)}.portal-{portalId}{Path.GetExtension(dataFile)}");

    private static void PrepareOAuth(PortalState portal, HubSpotEmulatorOptions options)
    {
        if (options.OAuthAccessTokenLifetime <= TimeSpan.Zero || options.OAuthCodeLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("OAuthAccessTokenLifetime and OAuthCodeLifetime must be positive.", nameof(options));
        }

        portal.OAuth.AccessTokenLifetime = options.OAuthAccessTokenLifetime;
        portal.OAuth.CodeLifetime = options.OAuthCodeLifetime;
        portal.OAuth.RotateRefreshTokens = options.RotateRefreshTokens;
        foreach (var app in options.OAuthApps)
        {
            portal.OAuth.Register(app, replace: true);
        }
    }

    public static void MapFeatureApis(WebApplication app)
    {
        foreach (var prefix in PropertiesApi.Prefixes)
        {
            app.MapPropertiesApi(prefix);
        }

        foreach (var prefix in SchemasApi.Prefixes)
        {
            app.MapSchemasApi(prefix);
        }

        app.MapPipelinesApi("/crm/v3/pipelines", validateReferencesByDefault: false);
        app.MapPipelinesApi("/crm/pipelines/2026-03", validateReferencesByDefault: false);
        app.MapPipelinesApi("/crm/pipelines/2026-09", validateReferencesByDefault: true);
        foreach (var prefix in new[] { "/crm/v3/owners", "/crm/owners/2026-03", "/crm/owners/2026-09" })
        {
            app.MapOwnersApi(prefix);
        }

        app.MapOwnersAdminApi();
        foreach (var prefix in AccountApi.Prefixes)
        {
            app.MapAccountApi(prefix);
        }

        foreach (var prefix in ObjectsApi.Prefixes)
        {
            app.MapSearchApi(prefix);
            app.MapMergeApi(prefix);
            app.MapGdprApi(prefix);
        }

        app.MapSearchLagAdminApi();

        AssociationsApi.Map(app);
        app.MapFaultsAdminApi();

        foreach (var prefix in ListsApi.Prefixes)
        {
            app.MapListsApi(prefix);
        }

        app.MapTimelineApi();
        foreach (var prefix in WebhooksApi.Prefixes)
        {
            app.MapWebhooksApi(prefix);
        }

        app.MapWebhooksAdminApi();
        foreach (var prefix in Imports.ImportsApi.Prefixes)
        {
            app.MapImportsApi(prefix);
        }

        foreach (var prefix in Exports.ExportsApi.Prefixes)
        {
            app.MapExportsApi(prefix);
        }

        app.MapExportDownloads();
    }
}
