using System.Net;
using System.Text.Json;

namespace Spoke.Errors;

/// <summary>One entry of an error's <c>errors[]</c>: what was wrong with which input.</summary>
/// <param name="Message">What was wrong, in HubSpot's words.</param>
/// <param name="Code">HubSpot's <c>code</c>, e.g. <c>PROPERTY_DOESNT_EXIST</c> or <c>INVALID_EMAIL</c>; null when none was sent.</param>
/// <param name="In">HubSpot's <c>in</c>: where the problem is, e.g. the property name; null when none was sent.</param>
/// <param name="SubCategory">HubSpot's <c>subCategory</c> of this entry; null when none was sent.</param>
/// <param name="Context">HubSpot's <c>context</c> map of this entry (e.g. <c>requiredGranularScopes</c>); empty when none.</param>
public sealed record HubSpotErrorDetail(string Message, string? Code, string? In, string? SubCategory,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Context);

/// <summary>
/// Every failure HubSpot answers with, in one type: status, category, sub-category, message, correlation id and
/// per-error context. Subtypes exist only where callers act differently: <see cref="HubSpotRateLimitException"/> and
/// <see cref="HubSpotAuthenticationException"/>.
/// </summary>
public class HubSpotApiException : Exception
{
    /// <summary>The same, from an <see cref="HttpStatusCode"/>.</summary>
    public HubSpotApiException(HttpStatusCode status, string message, string? category = null, string? subCategory = null,
        string? correlationId = null, IReadOnlyList<HubSpotErrorDetail>? errors = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? context = null, Exception? inner = null)
        : this((int)status, message, category, subCategory, correlationId, errors, context, inner)
    {
    }

    /// <summary>
    /// An error HubSpot answered (or, for <see cref="HubSpotTransportException"/>, no answer). Spoke throws these itself;
    /// construct one in tests of code that handles them.
    /// </summary>
    /// <param name="status">The HTTP status HubSpot answered; 0 when no answer came back.</param>
    /// <param name="message">HubSpot's <c>message</c>, or what went wrong when there was no answer.</param>
    /// <param name="category">HubSpot's <c>category</c>, e.g. <c>VALIDATION_ERROR</c>; null when none was sent.</param>
    /// <param name="subCategory">HubSpot's <c>subCategory</c>; null when none was sent.</param>
    /// <param name="correlationId">HubSpot's <c>correlationId</c>; null when none was sent.</param>
    /// <param name="errors">HubSpot's <c>errors[]</c>; null for none.</param>
    /// <param name="context">HubSpot's <c>context</c> map; null for none.</param>
    /// <param name="inner">The exception that caused this one, e.g. the <see cref="HttpRequestException"/> of a broken connection; null for none.</param>
    public HubSpotApiException(int status, string message, string? category = null, string? subCategory = null,
        string? correlationId = null, IReadOnlyList<HubSpotErrorDetail>? errors = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? context = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        Category = category;
        SubCategory = subCategory;
        CorrelationId = correlationId;
        Errors = errors ?? [];
        Context = context ?? new Dictionary<string, IReadOnlyList<string>>();
    }

    /// <summary>The HTTP status, e.g. <c>404</c>; 0 for a <see cref="HubSpotTransportException"/> (no answer).</summary>
    public int Status { get; }

    /// <summary>HubSpot's category, e.g. <c>VALIDATION_ERROR</c>, <c>OBJECT_NOT_FOUND</c>, <c>CONFLICT</c>.</summary>
    public string? Category { get; }

    /// <summary>HubSpot's finer category where it sends one, e.g. <c>OBJECT_ALREADY_EXISTS</c>.</summary>
    public string? SubCategory { get; }

    /// <summary>Quote this to HubSpot support; it is safe to log.</summary>
    public string? CorrelationId { get; }

    /// <summary>HubSpot's per-field details (<c>errors[]</c>): which input or property was wrong and why; empty when none.</summary>
    public IReadOnlyList<HubSpotErrorDetail> Errors { get; }

    /// <summary>HubSpot's <c>context</c> map (e.g. the ids or property names an error is about); empty when none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Context { get; }

    /// <summary>
    /// For a 409 <c>CONFLICT</c> on create (a contact with that email exists: "Contact already exists. Existing ID: N"),
    /// the id of the record that already holds the value; null otherwise. Update that record instead, or upsert.
    /// </summary>
    public string? ExistingObjectId => Status == 409 ? ExistingIdIn(Message) : null;

    private static string? ExistingIdIn(string message)
    {
        const string marker = "Existing ID:";
        var at = message.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var digits = message.AsSpan(at + marker.Length).TrimStart();
        var length = 0;
        while (length < digits.Length && char.IsAsciiDigit(digits[length]))
        {
            length++;
        }

        return length == 0 ? null : digits[..length].ToString();
    }

    /// <summary>
    /// Builds the right exception from a non-success answer; non-JSON and empty bodies are handled (the message says
    /// which, and the correlation id then comes from the <c>X-HubSpot-Correlation-Id</c> header).
    /// </summary>
    /// <param name="status">The answer's HTTP status.</param>
    /// <param name="body">The answer's body as text; null or empty when it had none.</param>
    /// <param name="retryAfter">The answer's <c>Retry-After</c>, carried by a <see cref="HubSpotRateLimitException"/>; null when absent.</param>
    /// <param name="limits">The rate-limit headers of the answer, carried by a <see cref="HubSpotRateLimitException"/>.</param>
    /// <param name="headerCorrelationId">The answer's <c>X-HubSpot-Correlation-Id</c>, used when the body has none.</param>
    public static HubSpotApiException FromResponse(HttpStatusCode status, string? body, TimeSpan? retryAfter,
        HubSpotRateLimitInfo? limits = null, string? headerCorrelationId = null)
    {
        var parsed = ErrorBody.Parse(body);
        var message = parsed.Message ?? (string.IsNullOrWhiteSpace(body)
            ? $"HubSpot answered {(int)status} {status} with no body."
            : $"HubSpot answered {(int)status} {status} with a body that is not HubSpot's error JSON.");
        var correlationId = parsed.CorrelationId ?? headerCorrelationId;
        return (int)status switch
        {
            429 => new HubSpotRateLimitException(message, parsed.PolicyName, retryAfter, correlationId, parsed.Category ?? parsed.ErrorType)
            {
                Limits = limits ?? HubSpotRateLimitInfo.None,
            },
            401 or 403 => new HubSpotAuthenticationException(status, message, parsed.Category, correlationId, parsed.Errors),
            _ => new HubSpotApiException(status, message, parsed.Category, parsed.SubCategory, correlationId, parsed.Errors, parsed.Context),
        };
    }
}

/// <summary>A 429: which policy was hit and when to try again. Spoke's gate and retries handle these for you.</summary>
public sealed class HubSpotRateLimitException(string message, string? policyName, TimeSpan? retryAfter, string? correlationId, string? category)
    : HubSpotApiException(429, message, category ?? "RATE_LIMITS", null, correlationId)
{
    /// <summary><c>TEN_SECONDLY_ROLLING</c>, <c>SECONDLY</c> (search) or <c>DAILY</c>.</summary>
    public string? PolicyName { get; } = policyName;

    /// <summary>From <c>Retry-After</c> when HubSpot sent one; null otherwise (Spoke then waits out the policy's window).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The budget HubSpot reported with the 429 (<c>X-HubSpot-RateLimit-*</c> headers); fields it did not send are null.</summary>
    public HubSpotRateLimitInfo Limits { get; init; } = HubSpotRateLimitInfo.None;
}

/// <summary>
/// HubSpot's rate-limit headers: the rolling window's <see cref="Max"/>, <see cref="Remaining"/> and
/// <see cref="Interval"/> (<c>X-HubSpot-RateLimit-Max</c>, <c>-Remaining</c>, <c>-Interval-Milliseconds</c>), and the
/// daily budget (<c>X-HubSpot-RateLimit-Daily</c>, <c>-Daily-Remaining</c>). Null where the answer did not say.
/// </summary>
/// <param name="Max">Requests allowed per rolling window (<c>X-HubSpot-RateLimit-Max</c>).</param>
/// <param name="Remaining">Requests left in the current window (<c>X-HubSpot-RateLimit-Remaining</c>).</param>
/// <param name="Interval">The window's length (<c>X-HubSpot-RateLimit-Interval-Milliseconds</c>), e.g. 10 seconds.</param>
/// <param name="DailyMax">Requests allowed per day (<c>X-HubSpot-RateLimit-Daily</c>).</param>
/// <param name="DailyRemaining">Requests left today (<c>X-HubSpot-RateLimit-Daily-Remaining</c>).</param>
public sealed record HubSpotRateLimitInfo(long? Max, long? Remaining, TimeSpan? Interval, long? DailyMax, long? DailyRemaining)
{
    /// <summary>An answer that carried no rate-limit headers.</summary>
    public static readonly HubSpotRateLimitInfo None = new(null, null, null, null, null);

    /// <summary>Reads the headers of an answer.</summary>
    public static HubSpotRateLimitInfo FromHeaders(System.Net.Http.Headers.HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        long? Read(string name) =>
            headers.TryGetValues(name, out var values) &&
            long.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? value
                : null;

        return new HubSpotRateLimitInfo(Read("X-HubSpot-RateLimit-Max"), Read("X-HubSpot-RateLimit-Remaining"),
            Read("X-HubSpot-RateLimit-Interval-Milliseconds") is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Read("X-HubSpot-RateLimit-Daily"), Read("X-HubSpot-RateLimit-Daily-Remaining"));
    }
}

/// <summary>A 401 (bad or expired token) or 403 (missing scopes: see <see cref="RequiredScopes"/>).</summary>
public sealed class HubSpotAuthenticationException(HttpStatusCode status, string message, string? category, string? correlationId,
    IReadOnlyList<HubSpotErrorDetail> errors) : HubSpotApiException(status, message, category, null, correlationId, errors)
{
    /// <summary>The scopes HubSpot said the call needs (403 <c>MISSING_SCOPES</c>).</summary>
    public IReadOnlyList<string> RequiredScopes { get; } =
        [.. errors.SelectMany(e => e.Context.TryGetValue("requiredGranularScopes", out var s) ? s : [])];
}

/// <summary>HubSpot's error JSON, read leniently: every field is optional.</summary>
internal sealed record ErrorBody(string? Message, string? Category, string? SubCategory, string? CorrelationId, string? PolicyName,
    string? ErrorType, IReadOnlyList<HubSpotErrorDetail> Errors, IReadOnlyDictionary<string, IReadOnlyList<string>> Context)
{
    private static readonly ErrorBody Empty = new(null, null, null, null, null, null, [], new Dictionary<string, IReadOnlyList<string>>());

    public static ErrorBody Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return Empty;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return FromElement(doc.RootElement);
        }
        catch (JsonException)
        {
            return Empty;
        }
    }

    public static ErrorBody FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Empty;
        }

        string? S(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Object or JsonValueKind.Array => v.GetRawText(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => v.GetRawText(),
            } : null;

        var errors = new List<HubSpotErrorDetail>();
        if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
            {
                errors.Add(new HubSpotErrorDetail(S(e, "message") ?? "", S(e, "code"), S(e, "in"), S(e, "subCategory"), ReadContext(e)));
            }
        }

        return new ErrorBody(S(root, "message"), S(root, "category"), S(root, "subCategory"), S(root, "correlationId"),
            S(root, "policyName"), S(root, "errorType"), errors, ReadContext(root));
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadContext(JsonElement e)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (e.TryGetProperty("context", out var ctx) && ctx.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in ctx.EnumerateObject())
            {
                result[p.Name] = p.Value.ValueKind == JsonValueKind.Array
                    ? [.. p.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())]
                    : [p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()];
            }
        }

        return result;
    }
}
