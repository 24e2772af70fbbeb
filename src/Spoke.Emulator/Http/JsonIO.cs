using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spoke.Emulator.Errors;

namespace Spoke.Emulator.Http;

/// <summary>Reading request bodies and writing JSON answers without reflection.</summary>
internal static class JsonIO
{
    /// <summary>HubSpot escapes only what JSON requires; so do we (quotes as \", not \u0022).</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = false, MaxDepth = 64 };

    /// <summary>Reads the body as JSON; an empty body is <c>{}</c>. Bad JSON → HubSpot's 400.</summary>
    public static async Task<JsonDocument> ReadAsync(HttpContext context, int? maxChars = null)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (maxChars is { } max && buffer.Length > max && System.Text.Encoding.UTF8.GetCharCount(buffer.GetBuffer(), 0, (int)buffer.Length) > max)
        {
            throw ApiError.Validation($"The request body is too long: {buffer.Length} characters; the limit is {max}.",
                context: ApiError.Ctx("maxCharacters", max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (buffer.Length == 0)
        {
            return JsonDocument.Parse("{}");
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        // The JSON reader passes malformed UTF-8 inside strings through; reading such a string later throws. Refuse it here,
        // once, for every endpoint (invalid bytes, overlong forms and UTF-8-encoded surrogates alike).
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            throw ApiError.Validation(
                $"Invalid input JSON: the request body is not valid UTF-8 (first bad byte at offset {InvalidUtf8Offset(bytes.Span)}). Send the body as UTF-8.",
                context: ApiError.Ctx("encoding", "UTF-8"));
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ApiError(400, "VALIDATION_ERROR",
                $"Invalid input JSON on line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message}");
        }

        // An escaped lone surrogate ("\ud800") is valid JSON text but no Unicode string: GetString throws on it and the
        // writer refuses it. Find it before any endpoint reads the field (the byte scan keeps ordinary bodies off the walk).
        if (MayHoldEscapedSurrogate(bytes.Span) && FindInvalidString(doc.RootElement, "") is { } field)
        {
            doc.Dispose();
            throw ApiError.Validation(
                $"Invalid input JSON: {(field.Length == 0 ? "the body" : $"\"{field}\"")} holds an invalid string: a lone UTF-16 surrogate escape (\\uD800-\\uDFFF without its pair). Strings must be valid Unicode.",
                context: ApiError.Ctx("field", field));
        }

        return doc;
    }

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> bytes)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return status == OperationStatus.Done ? bytes.Length : read;
    }

    /// <summary>True when the body holds <c>\uD8..</c>–<c>\uDF..</c> (any case): the only way to spell a surrogate in valid UTF-8 JSON.</summary>
    private static bool MayHoldEscapedSurrogate(ReadOnlySpan<byte> bytes)
    {
        for (var i = bytes.IndexOf("\\u"u8); i >= 0 && i + 3 < bytes.Length; i = NextEscape(bytes, i))
        {
            if (bytes[i + 2] is (byte)'d' or (byte)'D' && bytes[i + 3] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
            {
                return true;
            }
        }

        return false;

        static int NextEscape(ReadOnlySpan<byte> bytes, int i)
        {
            var next = bytes[(i + 1)..].IndexOf("\\u"u8);
            return next < 0 ? -1 : i + 1 + next;
        }
    }

    /// <summary>The path (<c>inputs[0].properties.firstname</c>) of the first name or string that is not valid Unicode, or null.</summary>
    private static string? FindInvalidString(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsValidString(element) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalidString(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path.Length == 0 ? "(a field name)" : $"{path}.(a field name)";
                    }

                    if (FindInvalidString(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsValidString(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Reads the body and requires a JSON object.</summary>
    public static async Task<JsonDocument> ReadObjectAsync(HttpContext context, int? maxChars = null)
    {
        var doc = await ReadAsync(context, maxChars).ConfigureAwait(false);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw ApiError.InvalidJson("the request body must be a JSON object.");
        }

        return doc;
    }

    /// <summary>An <see cref="IResult"/> that writes JSON produced by <paramref name="write"/>.</summary>
    public static IResult Json(int status, Action<Utf8JsonWriter> write, IReadOnlyDictionary<string, string>? headers = null) =>
        new JsonWriterResult(status, write, headers);

    public static IResult Json(Action<Utf8JsonWriter> write) => new JsonWriterResult(200, write, null);

    public static IResult NoContent() => Microsoft.AspNetCore.Http.Results.StatusCode(204);

    /// <summary>HubSpot's unpaged collection body: <c>{"results":[…]}</c>.</summary>
    public static IResult Results<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> writeItem) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("results");
        foreach (var item in items)
        {
            writeItem(w, item);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Reads an optional string field.</summary>
    public static string? String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Reads an optional field of any kind.</summary>
    public static JsonElement Field(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) ? v : default;

    /// <summary>Reads an id that HubSpot accepts as a string or a number.</summary>
    public static string? IdString(this JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

    /// <summary>Requires an array field named <paramref name="name"/> (e.g. batch <c>inputs</c>).</summary>
    public static JsonElement RequireArray(this JsonElement element, string name)
    {
        var v = element.Field(name);
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.Validation($"Invalid input JSON: \"{name}\" is required and must be an array.",
                context: ApiError.Ctx("field", name));
        }

        return v;
    }

    private sealed class JsonWriterResult(int status, Action<Utf8JsonWriter> write, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            using (var w = new Utf8JsonWriter(buffer, WriterOptions))
            {
                write(w);
            }

            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json;charset=utf-8";
            if (headers is not null)
            {
                foreach (var (k, v) in headers)
                {
                    httpContext.Response.Headers[k] = v;
                }
            }

            httpContext.Response.ContentLength = buffer.WrittenCount;
            await httpContext.Response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
