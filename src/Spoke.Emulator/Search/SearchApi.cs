using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Search;

/// <summary>
/// CRM search: <c>POST {prefix}/{objectType}/search</c> (docs/hubspot-api.md §6, response §4.4). Rate limiting (5/s per token, no
/// rate-limit headers) is applied by the pipeline for every search path.
/// </summary>
internal static class SearchApi
{
    /// <summary>Maps search under a prefix such as <c>/crm/v3/objects</c> or <c>/crm/objects/2026-09</c>.</summary>
    public static void MapSearchApi(this IEndpointRouteBuilder app, string prefix)
    {
        app.MapPost(prefix + "/{objectType}/search", Search);
    }

    private static async Task<IResult> Search(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx, portal.Fidelity.SearchMaxBodyChars).ConfigureAwait(false);
        var request = SearchRequest.Parse(doc.RootElement, portal.Fidelity);
        var body = new ArrayBufferWriter<byte>(4096);
        using (portal.Read())
        {
            var type = portal.ResolveType(objectType);
            grant.Require(type.ReadScopes);
            var catalog = portal.Catalog(type);
            var plan = SearchPlan.Build(request, type, catalog, portal);
            var store = portal.Store(type);
            var result = SearchExecutor.Run(plan, store, SearchIndexes.For(portal).Of(store), request.After, request.Limit);
            var selection = PropertySelection.From(type, request.Properties ?? [], [], portal.Fidelity.ReturnNullForEmptyRequestedProperties);
            // Written while the lock is held, so a concurrent write cannot change a record mid-response.
            using var w = new Utf8JsonWriter(body, JsonIO.WriterOptions);
            Write(w, result, request.After, selection, catalog);
        }

        return Results.Bytes(body.WrittenMemory.ToArray(), "application/json;charset=utf-8");
    }

    /// <summary><c>{total, results, paging?}</c>; <c>paging.next.after</c> is the next offset, present only when more results exist.</summary>
    private static void Write(Utf8JsonWriter w, SearchResult result, int after, PropertySelection selection, Properties.PropertyCatalog catalog)
    {
        w.WriteStartObject();
        w.WriteNumber("total", result.Total);
        w.WriteStartArray("results");
        foreach (var record in result.Page)
        {
            RecordJson.Write(w, record, selection, catalog);
        }

        w.WriteEndArray();
        var next = after + result.Page.Count;
        if (result.Page.Count > 0 && next < result.Total)
        {
            w.WriteStartObject("paging");
            w.WriteStartObject("next");
            w.WriteString("after", next.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
