using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;

namespace Spoke.Emulator.Faults;

/// <summary><c>/_emulator/faults</c>: add, list and delete fault rules (loopback only, no token).</summary>
internal static class FaultsAdminApi
{
    public static void MapFaultsAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/_emulator/faults");
        g.MapPost("", async (HttpContext ctx, FaultInjector faults) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
            var added = faults.Add(FaultRuleJson.Read(doc.RootElement));
            var status = faults.List().First(s => s.Rule.Id == added.Id);
            return JsonIO.Json(201, w => FaultRuleJson.Write(w, status));
        });

        g.MapGet("", (FaultInjector faults) =>
        {
            var rules = faults.List();
            return JsonIO.Results(rules, (w, status) => FaultRuleJson.Write(w, status));
        });

        g.MapDelete("", (FaultInjector faults) =>
        {
            faults.Clear();
            return JsonIO.NoContent();
        });

        g.MapDelete("/{id}", (string id, FaultInjector faults) =>
            faults.Remove(id) ? JsonIO.NoContent() : throw ApiError.NotFound($"No fault rule has id \"{id}\"."));
    }
}
