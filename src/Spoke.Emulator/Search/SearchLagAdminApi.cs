using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Search;

/// <summary>
/// <c>GET/PUT /_emulator/search-lag</c> <c>{"milliseconds": N}</c>: how long writes stay invisible to search
/// (emulator clock). The new lag applies to writes made after it; writes already lagging keep their times.
/// </summary>
internal static class SearchLagAdminApi
{
    public static void MapSearchLagAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_emulator/search-lag", (PortalState portal) => Body(portal));
        app.MapPut("/_emulator/search-lag", async (HttpContext ctx, PortalState portal) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
            var ms = doc.RootElement.Field("milliseconds");
            if (ms.ValueKind != JsonValueKind.Number || !ms.TryGetInt64(out var lag) || lag < 0)
            {
                throw ApiError.Validation("\"milliseconds\" must be a non-negative integer.");
            }

            using (portal.Write())
            {
                SearchIndexes.For(portal).LagMilliseconds = lag;
            }

            return Body(portal);
        });
    }

    private static IResult Body(PortalState portal)
    {
        long lag;
        using (portal.Read())
        {
            lag = SearchIndexes.For(portal).LagMilliseconds;
        }

        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("milliseconds", lag);
            w.WriteEndObject();
        });
    }
}
