using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spoke.Emulator.Errors;

namespace Spoke.Emulator.OAuth;

/// <summary>
/// HubSpot's OAuth error body, which differs from the CRM one: the error code is <c>status</c> itself
/// (<c>{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token"}</c>), and newer answers add OAuth's
/// <c>error</c> and <c>error_description</c> (docs/hubspot-api.md §9).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "Named for HubSpot's error body it answers with; thrown only inside the emulator.")]
internal sealed class OAuthError(int statusCode, string status, string error, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string Status { get; } = status;

    public string Error { get; } = error;

    public static OAuthError BadAuthCode(string message) => new(400, "BAD_AUTH_CODE", "invalid_grant", message);

    public static OAuthError BadRefreshToken() => new(400, "BAD_REFRESH_TOKEN", "invalid_grant", "missing or unknown refresh token");

    public static OAuthError BadRedirectUri(string message) => new(400, "BAD_REDIRECT_URI", "invalid_grant", message);

    public static OAuthError BadClientId() => new(400, "BAD_CLIENT_ID", "invalid_client", "missing or unknown client id");

    /// <summary>The code for a wrong secret is UNVERIFIED (HubSpot documents none); BAD_CLIENT_SECRET is the likeliest.</summary>
    public static OAuthError BadClientSecret() => new(400, "BAD_CLIENT_SECRET", "invalid_client", "missing or invalid client secret");

    public static OAuthError BadGrantType(string? given) => new(400, "BAD_GRANT_TYPE", "unsupported_grant_type",
        given is null or "" ? "missing grant_type: send authorization_code or refresh_token" : $"grant_type \"{Clip(given)}\" is not supported: send authorization_code or refresh_token");

    public static OAuthError BadRequest(string message) => new(400, "BAD_REQUEST", "invalid_request", message);

    public static OAuthError NotFound(string message) => new(404, "NOT_FOUND", "invalid_request", message);

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCode;
        context.Response.ContentType = "application/json;charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Http.JsonIO.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("status", Status);
            w.WriteString("message", Message);
            w.WriteString("correlationId", ApiError.CorrelationId(context));
            w.WriteString("error", Error);
            w.WriteString("error_description", Message);
            w.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Echoes at most a few characters of caller input (never a whole token).</summary>
    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
