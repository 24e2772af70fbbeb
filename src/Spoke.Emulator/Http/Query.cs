using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spoke.Emulator.Errors;

namespace Spoke.Emulator.Http;

/// <summary>Query-string parsing and <c>paging</c> links.</summary>
internal static class Query
{
    public static int? Int(IQueryCollection q, string name)
    {
        var raw = q[name].ToString();
        if (raw.Length == 0)
        {
            return null;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw ApiError.Validation($"Query parameter \"{name}\" must be an integer; got \"{raw}\".", context: ApiError.Ctx(name, raw));
    }

    public static bool? Bool(IQueryCollection q, string name)
    {
        var raw = q[name].ToString();
        return raw.Length == 0 ? null
            : bool.TryParse(raw, out var v) ? v
            : throw ApiError.Validation($"Query parameter \"{name}\" must be true or false; got \"{raw}\".", context: ApiError.Ctx(name, raw));
    }

    /// <summary>The list cursor: the id of the first record of the next page (opaque to clients).</summary>
    public static long After(IQueryCollection q)
    {
        var raw = q["after"].ToString();
        if (raw.Length == 0)
        {
            return 0;
        }

        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw ApiError.Validation($"The \"after\" cursor \"{raw}\" is not valid; pass back paging.next.after unchanged.", context: ApiError.Ctx("after", raw));
    }

    /// <summary>Scheme, host and path of this request, for <c>paging.next.link</c>.</summary>
    /// <summary>Scheme, host and path base: what a link to another endpoint of this emulator starts with.</summary>
    public static string Origin(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}";

    public static string BaseUrl(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}{ctx.Request.Path}";

    /// <summary>Writes <c>"paging":{"next":{"after":…,"link":…}}</c>, the link carrying the request's other query values.</summary>
    public static void WritePaging(Utf8JsonWriter w, HttpContext ctx, string url, string after)
    {
        var query = string.Join('&', ctx.Request.Query
            .Where(kv => kv.Key != "after")
            .SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"after={Uri.EscapeDataString(after)}"));
        w.WriteStartObject("paging");
        w.WriteStartObject("next");
        w.WriteString("after", after);
        w.WriteString("link", $"{url}?{query}");
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
