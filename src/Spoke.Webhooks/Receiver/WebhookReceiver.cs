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
/// One webhook request: read the body once, verify the signature (401), parse it (400), commit its events to the
/// inbox, and only then answer 200. Nothing is stored for a refused request.
/// </summary>
internal sealed class WebhookReceiver
{
    private readonly InboxWriter _writer;
    private readonly TimeProvider _time;
    private readonly HubSpotWebhookOptions _options;
    private readonly IReadOnlyList<string> _secrets;
    private readonly ILogger _logger;

    public WebhookReceiver(InboxWriter writer, TimeProvider time, IOptions<HubSpotWebhookOptions> options, ILogger<WebhookReceiver> logger)
    {
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

        var read = await ReadBodyAsync(request, _options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (read is not { } body)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, "too_large", $"The body is larger than {_options.MaxBodyBytes} bytes.").ConfigureAwait(false);
            return;
        }

        var headers = request.Headers;
        var signed = new HubSpotSignatureRequest
        {
            Method = request.Method,
            Uri = SignedUri(context, _options.PublicBaseUrl),
            Body = body,
            Signature = NullIfEmpty(headers[HubSpotSignatureRequest.SignatureHeader]),
            SignatureVersion = NullIfEmpty(headers[HubSpotSignatureRequest.VersionHeader]),
            SignatureV3 = NullIfEmpty(headers[HubSpotSignatureRequest.SignatureV3Header]),
            Timestamp = NullIfEmpty(headers[HubSpotSignatureRequest.TimestampHeader]),
        };
        var verdict = HubSpotSignature.Verify(signed, _secrets, _time.GetUtcNow(), _options.Tolerance, _options.AcceptedSignatureVersions);
        if (!verdict.IsValid)
        {
            Log.SignatureRejected(_logger, verdict.Failure.ToString(), verdict.Message);
            await RejectAsync(context, StatusCodes.Status401Unauthorized, verdict.Failure.ToString(), verdict.Message).ConfigureAwait(false);
            return;
        }

        if (!WebhookEventParser.TryParse(body, out var events, out var error))
        {
            Log.MalformedBody(_logger, error);
            await RejectAsync(context, StatusCodes.Status400BadRequest, "malformed_body", $"Malformed webhook body: {error}.").ConfigureAwait(false);
            return;
        }

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

    private const int InitialBufferCap = 1024 * 1024;

    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        // A declared length only sizes the first buffer up to 1 MiB: an unsigned request can't make us allocate more
        // than it actually sends.
        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length && length <= max ? (int)Math.Min(length, InitialBufferCap) : 16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(8 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > max)
            {
                await DrainAsync(request, cancellationToken).ConfigureAwait(false);
                return null;
            }
        }
    }

    /// <summary>
    /// Reads (and drops) what is left of a body that went past the limit, up to <see cref="OversizeDrainBytes"/>: a
    /// sender still writing when we answer would otherwise see its connection reset rather than our 413.
    /// </summary>
    private static async Task DrainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var scratch = new byte[8 * 1024];
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

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0];
}
