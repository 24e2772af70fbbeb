using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Spoke.Emulator.Errors;

namespace Spoke.Emulator.Hosting;

/// <summary>
/// What makes a request an admin request (<c>/_emulator/...</c>), and the rules an admin request must pass: loopback
/// caller, addressed to the emulator itself (no DNS rebinding), no foreign <c>Origin</c>, JSON bodies only (no
/// cross-site form or <c>text/plain</c> POST). The admin API mints tokens and serves the developer key, and the
/// emulator runs next to a browser: these rules are what keeps a web page from driving it.
/// </summary>
internal static class AdminRequests
{
    /// <summary>
    /// True when routing will hand <paramref name="path"/> to an admin endpoint (or the admin 404). Kestrel has already
    /// percent-decoded the path (all but <c>%2F</c>) and removed dot segments, and routing compares segments
    /// case-insensitively, so this does too: <c>/_EMULATOR/app</c> and <c>/%5Femulator/app</c> are admin requests.
    /// <c>/_emulatorx</c> and <c>//_emulator/app</c> are not, and routing does not send them to admin endpoints either.
    /// The one decision for the pipeline, rate limits, archive retention and fault rules.
    /// </summary>
    public static bool IsAdminPath(PathString path)
    {
        var value = path.Value.AsSpan();
        var prefix = EmulatorPipeline.AdminPrefix.AsSpan();
        return value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
               (value.Length == prefix.Length || value[prefix.Length] == '/');
    }

    /// <summary>Throws HubSpot's error body (403 or 415) when an admin request breaks a rule; returns when it may run.</summary>
    public static void Check(HttpContext ctx)
    {
        if (ctx.Connection.RemoteIpAddress is { } ip && !IPAddress.IsLoopback(ip))
        {
            throw new ApiError(403, "FORBIDDEN", "The emulator's admin API answers loopback callers only.");
        }

        var hostName = ctx.RequestServices.GetRequiredService<HubSpotEmulatorOptions>().Host;
        var host = ctx.Request.Host;
        if (!IsEmulatorAddress(ctx, hostName, host.Host, host.Port ?? 80))
        {
            throw new ApiError(403, "FORBIDDEN",
                $"The emulator's admin API answers requests addressed to it only (Host localhost, 127.0.0.1 or [::1] with port {ctx.Connection.LocalPort}); " +
                $"Host \"{host.Value}\" names something else (a misdirected request or DNS rebinding).");
        }

        if (ctx.Request.Headers.Origin is { Count: > 0 } origins && !IsSameOrigin(ctx, hostName, origins.ToString()))
        {
            throw new ApiError(403, "FORBIDDEN",
                $"The emulator's admin API refuses cross-origin requests: Origin \"{origins}\" is not the emulator. Call it from a test, a script or curl, not from a web page.");
        }

        if (NeedsJson(ctx.Request) && !IsJson(ctx.Request.ContentType))
        {
            var given = string.IsNullOrEmpty(ctx.Request.ContentType) ? "no Content-Type" : $"Content-Type \"{ctx.Request.ContentType}\"";
            throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
                $"The emulator's admin API takes JSON only: send {ctx.Request.Method} {ctx.Request.Path} with Content-Type: application/json (the body may be empty); got {given}.");
        }
    }

    /// <summary>
    /// POST, PUT and PATCH change state, so they need JSON even without a body: a cross-site form or a no-preflight
    /// <c>fetch</c> cannot send <c>application/json</c>. Any other request with a body needs it too.
    /// </summary>
    private static bool NeedsJson(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) ||
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) &&
        parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static bool IsSameOrigin(HttpContext ctx, string hostName, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
        string.Equals(uri.Scheme, ctx.Request.Scheme, StringComparison.OrdinalIgnoreCase) &&
        uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0 &&
        IsEmulatorAddress(ctx, hostName, uri.Host, uri.Port);

    /// <summary>
    /// The emulator's own address: <c>localhost</c>, a loopback address, the address the connection arrived on, or the
    /// host name it was told to listen on; always on the port it listens on. An IP literal cannot be rebound to
    /// another server, and a name other than these is somebody else's.
    /// </summary>
    private static bool IsEmulatorAddress(HttpContext ctx, string listenHost, string host, int port)
    {
        if (port != ctx.Connection.LocalPort || host.Length == 0)
        {
            return false;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.Equals(listenHost.Trim('[', ']'), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) &&
               (IPAddress.IsLoopback(address) || address.Equals(ctx.Connection.LocalIpAddress));
    }
}
