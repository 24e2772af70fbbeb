namespace Spoke.Http;

/// <summary>
/// Path prefixes of the non-object areas in each API family (docs/hubspot-api.md §1a): the dated <c>2026-09</c> paths by default,
/// the classic <c>/crm/v3</c> and <c>/crm/v4</c> ones with <see cref="HubSpotApiVersion.Classic"/>.
/// </summary>
internal static class ApiPaths
{
    private static bool Classic(HubSpotClientOptions o) => o.ApiVersion == HubSpotApiVersion.Classic;

    /// <summary>One record's associations: <c>{prefix}/{type}/{id}/associations/…</c>.</summary>
    public static string AssociationsRecordPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm/v4/objects" : "crm/objects/2026-09";

    /// <summary>
    /// The GET of one record's associations: the 2026-09 spec has no such operation, the v4 path serves it in both
    /// families (docs/hubspot-api.md §1a).
    /// </summary>
    public static string AssociationsReadPrefix(this HubSpotClientOptions o) => "crm/v4/objects";

    /// <summary>Type-pair endpoints: <c>{prefix}/{from}/{to}/batch/…</c> and <c>…/labels</c>.</summary>
    public static string AssociationsPairPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm/v4/associations" : "crm/associations/2026-09";

    public static string PropertiesPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm/v3/properties" : "crm/properties/2026-09";

    public static string SchemasPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm-object-schemas/v3/schemas" : "crm-object-schemas/2026-09/schemas";

    public static string PipelinesPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm/v3/pipelines" : "crm/pipelines/2026-09";

    /// <summary>Account information: its newest dated family is <c>2026-03</c>.</summary>
    public static string AccountInfoPrefix(this HubSpotClientOptions o) => Classic(o) ? "account-info/v3" : "account-info/2026-03";

    public static string OwnersPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm/v3/owners" : "crm/owners/2026-09";

    public static string ListsPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm/v3/lists" : "crm/lists/2026-09";

    /// <summary>Timeline events: the newest dated family for them is <c>2026-03</c> (docs/hubspot-api.md §1a).</summary>
    public static string TimelineEventsPrefix(this HubSpotClientOptions o) => Classic(o) ? "integrators/timeline/v3/events" : "integrators/timeline/2026-03/events";

    /// <summary>Event templates (developer API key) exist only under v3.</summary>
    public static string TimelineTemplatesPrefix(this HubSpotClientOptions o, long appId) =>
        $"integrators/timeline/v3/{appId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/event-templates";

    public static string ImportsPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm/v3/imports" : "crm/imports/2026-09";

    public static string ExportsPrefix(this HubSpotClientOptions o) => Classic(o) ? "crm/v3/exports" : "crm/exports/2026-09";

    /// <summary>One path segment, escaped.</summary>
    public static string Seg(string value) => Uri.EscapeDataString(value);
}
