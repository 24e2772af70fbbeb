using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spoke.Webhooks.Events;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Signatures;
using Spoke.Webhooks.Telemetry;

namespace Spoke.Webhooks.Receiver;

/// <summary>
/// One webhook request: refuse headers that can never verify (401, body unread), reserve the body's bytes from the
/// shared budget (503 when spent), read the body once into pooled segments, verify the signature (401), parse it (400),
/// commit its events to the inbox, and only then answer 200. Nothing is stored for a refused request.
/// </summary>
internal sealed class WebhookReceiver
{
    private readonly InboxWriter _writer;
    private readonly TimeProvider _time;
    private readonly HubSpotWebhookOptions _options;
    private readonly IReadOnlyList<string> _secrets;
    private readonly ILogger _logger;
    private readonly BodyBudget _budget;

    public WebhookReceiver(InboxWriter writer, TimeProvider time, IOptions<HubSpotWebhookOptions> options, BodyBudget budget, ILogger<WebhookReceiver> logger)
    {
        _budget = budget;
        _writer = writer;
        _time = time;
        _options = options.Value;
        _secrets = _options.AllSecrets();
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        using var activity = WebhookTelemetry.ActivitySource.StartActivity("webhook receive", ActivityKind.Server);
        // Our limit decides (with its clear 413), not the server's default (Kestrel: 30 MB), whichever is smaller.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            // Room past our limit to read an oversized body to its end, so the sender gets the 413 instead of a reset.
            sizeLimit.MaxRequestBodySize = (long)_options.MaxBodyBytes + OversizeDrainBytes;
        }

        if (request.ContentLength > _options.MaxBodyBytes)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, "too_large", $"The body is larger than {_options.MaxBodyBytes} bytes.").ConfigureAwait(false);
            return;
        }

        var headers = request.Headers;
        var signed = new HubSpotSignatureRequest
        {
            Method = request.Method,
            Uri = SignedUri(context, _options.PublicBaseUrl),
            Signature = NullIfEmpty(headers[HubSpotSignatureRequest.SignatureHeader]),
            SignatureVersion = NullIfEmpty(headers[HubSpotSignatureRequest.VersionHeader]),
            SignatureV3 = NullIfEmpty(headers[HubSpotSignatureRequest.SignatureV3Header]),
            Timestamp = NullIfEmpty(headers[HubSpotSignatureRequest.TimestampHeader]),
        };

        // What can never verify (no usable signature for the accepted versions, a v3 timestamp outside the window) is
        // refused before a byte of the body is read: an unauthenticated caller costs us no body memory.
        var screened = HubSpotSignature.CheckHeaders(signed, _secrets, _time.GetUtcNow(), _options.Tolerance, _options.AcceptedSignatureVersions);
        if (!screened.IsValid)
        {
            Log.SignatureRejected(_logger, screened.Failure.ToString(), screened.Message);
            await RejectUnreadAsync(context, StatusCodes.Status401Unauthorized, screened.Failure.ToString(), screened.Message).ConfigureAwait(false);
            return;
        }

        using var body = new PooledBody(_budget);
        if (request.ContentLength is > 0 and var declared && !body.TryReserve(declared))
        {
            await RejectBusyAsync(context).ConfigureAwait(false);
            return;
        }

        // A body that stalls (all but its last byte, then nothing) would hold its share of the budget for as long as the
        // sender likes: give it a deadline on our clock. HubSpot gives up on a delivery after 5 s anyway.
        using var deadline = new CancellationTokenSource(_options.BodyReadTimeout, _time);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, context.RequestAborted);
        BodyRead outcome;
        try
        {
            outcome = await ReadBodyAsync(request, body, _options.MaxBodyBytes, reading.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            body.Dispose();
            Log.BodyReadTimedOut(_logger, _options.BodyReadTimeout.TotalSeconds);
            await RejectUnreadAsync(context, StatusCodes.Status408RequestTimeout, "slow_body",
                $"The body did not arrive within {_options.BodyReadTimeout.TotalSeconds:0.###} seconds (BodyReadTimeout).").ConfigureAwait(false);
            return;
        }

        if (outcome == BodyRead.TooLarge)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, "too_large", $"The body is larger than {_options.MaxBodyBytes} bytes.").ConfigureAwait(false);
            return;
        }

        if (outcome == BodyRead.OverBudget)
        {
            await RejectBusyAsync(context).ConfigureAwait(false);
            return;
        }

        var content = body.Sequence;
        var verdict = HubSpotSignature.Verify(signed, content, _secrets, _time.GetUtcNow(), _options.Tolerance, _options.AcceptedSignatureVersions);
        if (!verdict.IsValid)
        {
            Log.SignatureRejected(_logger, verdict.Failure.ToString(), verdict.Message);
            await RejectAsync(context, StatusCodes.Status401Unauthorized, verdict.Failure.ToString(), verdict.Message).ConfigureAwait(false);
            return;
        }

        if (!WebhookEventParser.TryParse(content, out var events, out var error))
        {
            Log.MalformedBody(_logger, error);
            await RejectAsync(context, StatusCodes.Status400BadRequest, "malformed_body", $"Malformed webhook body: {error}.").ConfigureAwait(false);
            return;
        }

        body.Dispose(); // the events hold their own copies: the budget is free again while the commit waits
        var inserted = events.Count == 0 ? 0 : await _writer.AppendAsync(events, context.RequestAborted).ConfigureAwait(false);
        WebhookTelemetry.Received.Add(events.Count);
        if (events.Count > inserted)
        {
            WebhookTelemetry.Duplicates.Add(events.Count - inserted);
        }

        Log.Stored(_logger, events.Count, inserted, events.Count - inserted);
        activity?.SetTag("hubspot.webhook.events", events.Count);
        context.Response.StatusCode = StatusCodes.Status200OK;
        WebhookTelemetry.AckLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// The URI HubSpot signed: scheme, host and the raw request target (undecoded, query order kept), or
    /// <see cref="HubSpotWebhookOptions.PublicBaseUrl"/> in place of scheme and host behind a proxy.
    /// </summary>
    internal static string SignedUri(HttpContext context, Uri? publicBaseUrl)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            target = (request.PathBase + request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        }
        else if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (publicBaseUrl is null)
            {
                return target; // absolute-form request target: already the full URI
            }

            var absolute = new Uri(target);
            target = absolute.PathAndQuery;
        }

        var root = publicBaseUrl is not null
            ? publicBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : request.Scheme + "://" + request.Host.Value;
        return root + target;
    }

    private enum BodyRead
    {
        Complete,
        TooLarge,
        OverBudget,
    }

    private static async Task<BodyRead> ReadBodyAsync(HttpRequest request, PooledBody body, int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            // A declared length was reserved up front; a body without one (chunked) is charged a segment at a time.
            if (!body.TryGetMemory(out var memory))
            {
                return BodyRead.OverBudget;
            }

            var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return BodyRead.Complete;
            }

            body.Advance(read);
            if (body.Length > max)
            {
                await DrainAsync(request, cancellationToken).ConfigureAwait(false);
                return BodyRead.TooLarge;
            }
        }
    }

    /// <summary>
    /// Reads (and drops) what is left of a body that went past the limit, up to <see cref="OversizeDrainBytes"/>: a
    /// sender still writing when we answer would otherwise see its connection reset rather than our 413.
    /// </summary>
    private static async Task DrainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(8 * 1024);
        try
        {
            while (await request.Body.ReadAsync(scratch, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the drain allowance too: the server closes the connection; nothing was stored either way.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>How far past <see cref="HubSpotWebhookOptions.MaxBodyBytes"/> an oversized body is read before the connection is dropped.</summary>
    private const int OversizeDrainBytes = 1024 * 1024;

    private static async Task RejectAsync(HttpContext context, int status, string reason, string message)
    {
        WebhookTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// A refusal before the body was read: <c>Connection: close</c>, so the server drops the connection instead of
    /// reading (and buffering) the rest of a body nobody will look at.
    /// </summary>
    private static Task RejectUnreadAsync(HttpContext context, int status, string reason, string message)
    {
        context.Response.Headers.Connection = "close";
        return RejectAsync(context, status, reason, message);
    }

    /// <summary>503 when the bodies in flight already hold <see cref="HubSpotWebhookOptions.MaxBodyBytesInFlight"/>: HubSpot retries a 5xx.</summary>
    private Task RejectBusyAsync(HttpContext context)
    {
        Log.BodyBudgetExhausted(_logger, _budget.Capacity);
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return RejectUnreadAsync(context, StatusCodes.Status503ServiceUnavailable, "busy",
            $"Too many request bodies in flight (together at most {_budget.Capacity} bytes): retry after {RetryAfterSeconds} seconds.");
    }

    private const string RetryAfterSeconds = "5";

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0];
}
