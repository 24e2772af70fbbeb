using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Http;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Account;

/// <summary>
/// Account information (docs/hubspot-api.md §3.12): <c>GET /account-info/v3/details</c> (and its dated twin) answers the
/// portal id, type, time zone and currency. Any valid token reads it; no scope is checked.
/// </summary>
internal static class AccountApi
{
    public static readonly string[] Prefixes = ["/account-info/v3", "/account-info/2026-03"];

    public static void MapAccountApi(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).MapGet("/details", Details);

    // The grant parameter makes the request authenticated (any valid token); no scope is required of it.
    private static IResult Details(PortalState portal, TokenGrant grant)
    {
        _ = grant;
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("portalId", portal.PortalId);
            w.WriteString("accountType", "STANDARD");
            w.WriteString("timeZone", "US/Eastern");
            w.WriteString("companyCurrency", "USD");
            w.WriteStartArray("additionalCurrencies");
            w.WriteEndArray();
            w.WriteString("utcOffset", "-05:00");
            w.WriteNumber("utcOffsetMilliseconds", -18_000_000);
            w.WriteString("uiDomain", "app.hubspot.com");
            w.WriteString("dataHostingLocation", "na1");
            w.WriteEndObject();
        });
    }
}
