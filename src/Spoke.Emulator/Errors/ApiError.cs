using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Spoke.Emulator.Errors;

/// <summary>One entry of an error body's <c>errors[]</c>.</summary>
internal sealed record ErrorDetail(string Message, string? Code = null, string? In = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Context = null, string? SubCategory = null);

/// <summary>
/// Thrown by endpoint code to answer with HubSpot's error body
/// (<c>status, message, correlationId, category, subCategory?, errors[], context, links</c>; docs/hubspot-api.md §5).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "Named for HubSpot's error body it answers with; thrown only inside the emulator.")]
internal sealed class ApiError : Exception
{
    public ApiError(int statusCode, string category, string message) : base(message)
    {
        StatusCode = statusCode;
        Category = category;
    }

    public int StatusCode { get; }
    public string Category { get; }
    public string? SubCategory { get; init; }
    public IReadOnlyList<ErrorDetail> Errors { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Context { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Extra top-level fields, e.g. <c>policyName</c> and <c>errorType</c> on a 429.</summary>
    public IReadOnlyDictionary<string, string>? Extra { get; init; }

    /// <summary>When false the body omits <c>category</c> (429 bodies carry <c>errorType</c> instead).</summary>
    public bool IncludeCategory { get; init; } = true;

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public static ApiError Validation(string message, IReadOnlyList<ErrorDetail>? errors = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? context = null) =>
        new(400, "VALIDATION_ERROR", message) { Errors = errors ?? [], Context = context ?? Empty };

    public static ApiError NotFound(string message) => new(404, "OBJECT_NOT_FOUND", message);

    public static ApiError Conflict(string message) => new(409, "CONFLICT", message);

    /// <summary>HubSpot's answer to an object type it cannot resolve.</summary>
    public static ApiError UnknownObjectType(string objectType) =>
        Validation($"Unable to infer object type from: {objectType}");

    /// <summary>The body of an unreadable or mistyped JSON request.</summary>
    public static ApiError InvalidJson(string detail) =>
        Validation($"Invalid input JSON on line 1, column 1: {detail}");

    internal static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Empty =
        new Dictionary<string, IReadOnlyList<string>>();

    internal static IReadOnlyDictionary<string, IReadOnlyList<string>> Ctx(string key, params string[] values) =>
        new Dictionary<string, IReadOnlyList<string>> { [key] = values };

    /// <summary>Writes this error as HubSpot's JSON body.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCode;
        context.Response.ContentType = "application/json;charset=utf-8";
        if (Headers is not null)
        {
            foreach (var (name, value) in Headers)
            {
                context.Response.Headers[name] = value;
            }
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Http.JsonIO.WriterOptions))
        {
            WriteBody(w, CorrelationId(context));
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes the error object (used at top level and inside batch <c>errors[]</c>).</summary>
    public void WriteBody(Utf8JsonWriter w, string correlationId)
    {
        w.WriteStartObject();
        w.WriteString("status", "error");
        w.WriteString("message", Message);
        w.WriteString("correlationId", correlationId);
        if (Extra is not null)
        {
            foreach (var (k, v) in Extra)
            {
                w.WriteString(k, v);
            }
        }

        if (IncludeCategory)
        {
            w.WriteString("category", Category);
            if (SubCategory is not null)
            {
                w.WriteString("subCategory", SubCategory);
            }

            if (Errors.Count > 0)
            {
                w.WriteStartArray("errors");
                foreach (var e in Errors)
                {
                    WriteDetail(w, e);
                }

                w.WriteEndArray();
            }

            if (Context.Count > 0)
            {
                w.WritePropertyName("context");
                WriteContext(w, Context);
            }

            w.WriteStartObject("links");
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    internal static void WriteDetail(Utf8JsonWriter w, ErrorDetail e)
    {
        w.WriteStartObject();
        w.WriteString("message", e.Message);
        if (e.In is not null)
        {
            w.WriteString("in", e.In);
        }

        if (e.Code is not null)
        {
            w.WriteString("code", e.Code);
        }

        if (e.SubCategory is not null)
        {
            w.WriteString("subCategory", e.SubCategory);
        }

        if (e.Context is not null)
        {
            w.WritePropertyName("context");
            WriteContext(w, e.Context);
        }

        w.WriteEndObject();
    }

    internal static void WriteContext(Utf8JsonWriter w, IReadOnlyDictionary<string, IReadOnlyList<string>> ctx)
    {
        w.WriteStartObject();
        foreach (var (k, values) in ctx)
        {
            w.WriteStartArray(k);
            foreach (var v in values)
            {
                w.WriteStringValue(v);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>One correlation id per request, created on first use.</summary>
    public static string CorrelationId(HttpContext context)
    {
        if (context.Items.TryGetValue("correlationId", out var existing) && existing is string id)
        {
            return id;
        }

        id = Guid.NewGuid().ToString();
        context.Items["correlationId"] = id;
        return id;
    }
}
