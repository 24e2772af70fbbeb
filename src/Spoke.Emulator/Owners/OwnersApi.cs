using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Owners;

/// <summary>
/// CRM owners v3 (docs/hubspot-api.md §3.6): the users records can be assigned to through <c>hubspot_owner_id</c>. Read-only in
/// HubSpot; the emulator adds <c>/_emulator/owners</c> so tests can create and deactivate owners.
/// </summary>
internal static class OwnersApi
{
    public const string ReadScope = "crm.objects.owners.read";

    /// <summary>The spec's page ceiling for owners (larger values are clamped, not rejected).</summary>
    public const int MaxLimit = 500;

    public static void MapOwnersApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapGet("", List);
        g.MapGet("/{ownerId}", Get);
    }

    /// <summary>Admin: <c>POST /_emulator/owners</c> creates an owner, <c>DELETE /_emulator/owners/{id}</c> deactivates one.</summary>
    public static void MapOwnersAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/_emulator/owners");
        g.MapPost("", CreateOwner);
        g.MapDelete("/{ownerId}", ArchiveOwner);
    }

    private static long Numeric(string id) => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static IResult List(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        var q = ctx.Request.Query;
        var email = q["email"].ToString();
        var limit = Math.Clamp(Query.Int(q, "limit") ?? 100, 1, MaxLimit);
        var after = Query.After(q);
        var archived = Query.Bool(q, "archived") ?? false;
        using var _ = portal.Read();
        grant.Require(ReadScope);
        // Owners page in id order; the cursor is the id of the first owner of the next page.
        var matching = portal.Owners
            .Where(o => o.Archived == archived && Numeric(o.Id) >= after)
            .Where(o => email.Length == 0 || string.Equals(o.Email, email, StringComparison.OrdinalIgnoreCase))
            .OrderBy(o => Numeric(o.Id))
            .Take(limit + 1)
            .ToList();
        var page = matching.Take(limit).ToList();
        var next = matching.Count > limit ? matching[limit] : null;
        var url = Query.BaseUrl(ctx);
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var o in page)
            {
                Write(w, o);
            }

            w.WriteEndArray();
            if (next is not null)
            {
                Query.WritePaging(w, ctx, url, next.Id);
            }

            w.WriteEndObject();
        });
    }

    private static IResult Get(HttpContext ctx, PortalState portal, TokenGrant grant, string ownerId)
    {
        var q = ctx.Request.Query;
        var idProperty = q["idProperty"].ToString();
        if (idProperty.Length == 0)
        {
            idProperty = "id";
        }

        if (idProperty is not ("id" or "userId"))
        {
            throw ApiError.Validation($"idProperty must be id or userId; got \"{idProperty}\".", context: ApiError.Ctx("idProperty", idProperty));
        }

        var archived = Query.Bool(q, "archived") ?? false;
        using var _ = portal.Read();
        grant.Require(ReadScope);
        // idProperty=userId matches the user id a caller stored while the user was active, so a deactivated owner
        // (userId null) is still found with archived=true.
        var owner = portal.Owners.Find(o => o.Archived == archived && (idProperty == "id"
            ? o.Id == ownerId
            : o.UserIdIncludingInactive.ToString(CultureInfo.InvariantCulture) == ownerId))
            ?? throw new ApiError(404, "OBJECT_NOT_FOUND", $"No owner with {idProperty} {ownerId} was found.") { Context = ApiError.Ctx(idProperty, ownerId) };
        return JsonIO.Json(w => Write(w, owner));
    }

    /// <summary><c>PublicOwner</c>.</summary>
    public static void Write(Utf8JsonWriter w, Owner owner)
    {
        w.WriteStartObject();
        w.WriteString("id", owner.Id);
        w.WriteString("email", owner.Email);
        w.WriteString("type", owner.Type);
        w.WriteString("firstName", owner.FirstName);
        w.WriteString("lastName", owner.LastName);
        // A deactivated user keeps its id only in userIdIncludingInactive; userId turns null (HubSpot's owners guide).
        if (owner.Archived)
        {
            w.WriteNull("userId");
        }
        else
        {
            w.WriteNumber("userId", owner.UserId);
        }

        w.WriteNumber("userIdIncludingInactive", owner.UserIdIncludingInactive);
        w.WriteString("createdAt", RecordJson.Time(owner.CreatedAt));
        w.WriteString("updatedAt", RecordJson.Time(owner.UpdatedAt));
        w.WriteBoolean("archived", owner.Archived);
        w.WriteStartArray("teams");
        foreach (var t in owner.Teams)
        {
            w.WriteStartObject();
            w.WriteString("id", t.Id);
            w.WriteString("name", t.Name);
            w.WriteBoolean("primary", t.Primary);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static async Task<IResult> CreateOwner(HttpContext ctx, PortalState portal)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var email = body.String("email")?.Trim();
        if (string.IsNullOrEmpty(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            throw ApiError.Validation("\"email\" is required and must be an email address.", context: ApiError.Ctx("email", email ?? ""));
        }

        using var _ = portal.Write();
        if (portal.Owners.Exists(o => string.Equals(o.Email, email, StringComparison.OrdinalIgnoreCase)))
        {
            throw ApiError.Conflict($"An owner with email {email} already exists.");
        }

        var now = portal.Now;
        var nextId = portal.Owners.Select(o => Numeric(o.Id)).DefaultIfEmpty(90_000_000).Max() + 1;
        var nextUserId = portal.Owners.Select(o => o.UserId).DefaultIfEmpty(5_000_000).Max() + 1;
        var owner = new Owner
        {
            Id = nextId.ToString(CultureInfo.InvariantCulture), Email = email,
            FirstName = body.String("firstName") ?? "", LastName = body.String("lastName") ?? "",
            UserId = nextUserId, UserIdIncludingInactive = nextUserId, CreatedAt = now, UpdatedAt = now,
        };
        portal.Owners.Add(owner);
        return JsonIO.Json(201, w => Write(w, owner));
    }

    private static IResult ArchiveOwner(HttpContext ctx, PortalState portal, string ownerId)
    {
        using var _ = portal.Write();
        var owner = portal.Owners.Find(o => o.Id == ownerId && !o.Archived)
            ?? throw ApiError.NotFound($"No active owner with id {ownerId} was found.");
        portal.Owners.Deactivate(owner, portal.Now);
        return JsonIO.NoContent();
    }
}
