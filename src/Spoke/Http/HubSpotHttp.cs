using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Spoke.Auth;
using Spoke.Errors;
using Spoke.RateLimiting;
using Spoke.Telemetry;

namespace Spoke.Http;

/// <summary>
/// The one way every area client talks to HubSpot. Each call runs through one pipeline, whether the client was built
/// with <c>new</c> or by DI: total timeout → retry (429s always, except <c>DAILY</c>; 5xx, timeouts and transport errors
/// when re-sending is safe) → circuit breaker → per attempt: rate-limit gate slot, token, per-attempt timeout, send, JSON
/// through source-generated metadata, and every non-success answer turned into the <see cref="HubSpotApiException"/> family.
/// One span per call and metrics per attempt (<see cref="HubSpotTelemetry"/>).
/// </summary>
internal sealed class HubSpotHttp
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly HubSpotClientOptions _options;
    private readonly IAccessTokenProvider _tokens;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;

    /// <summary>Set for app-level APIs (timeline templates): they send <c>?hapikey=</c> and no bearer token.</summary>
    private string? _developerApiKey;

    public HubSpotHttp(HttpClient http, HubSpotClientOptions options, IAccessTokenProvider tokens)
    {
        _http = http;
        _options = options;
        _tokens = tokens;
        _logger = options.LoggerFactory?.CreateLogger("Spoke.HubSpotClient") ?? NullLogger.Instance;
        // No state given: this client's budget and breaker are its own, never another client's by accident.
        var state = options.RateLimitState ?? new HubSpotRateLimitState();
        Gate = options.ProactiveRateLimiting ? state.GateFor(tokens.BudgetKey, options) : null;
        _pipeline = HubSpotResilience.Build(options, state.BreakerFor(tokens.BudgetKey, options.TimeProvider), Gate is not null, _logger);
        Usage = new RateLimitUsageMeter(options.TimeProvider);
    }

    /// <summary>The same pipeline and gate on other options (a burst reserve of its own), counting its own usage.</summary>
    private HubSpotHttp(HubSpotHttp source, HubSpotClientOptions options)
    {
        _http = source._http;
        _options = options;
        _tokens = source._tokens;
        _logger = source._logger;
        _pipeline = source._pipeline;
        _developerApiKey = source._developerApiKey;
        Gate = source.Gate;
        Usage = new RateLimitUsageMeter(options.TimeProvider);
    }

    /// <summary>This pipeline (same gate, breaker and transport) leaving <paramref name="share"/> of the burst window unused.</summary>
    public HubSpotHttp WithBurstBudgetReserve(double share)
    {
        var options = _options.Clone();
        options.BurstBudgetReserve = share;
        return new HubSpotHttp(this, options);
    }

    /// <summary>This pipeline's own sends (every attempt), for <see cref="HubSpotClient.RateLimitUsage"/>.</summary>
    internal RateLimitUsageMeter Usage { get; }

    /// <summary>What this pipeline spent of its budget's current window.</summary>
    public HubSpotRateLimitUsage RateLimitUsage()
    {
        var interval = Gate?.BurstInterval ?? RateLimitGate.DefaultBurstInterval;
        var (requests, searches) = Usage.Count(interval);
        return Gate is null
            ? new HubSpotRateLimitUsage(requests, searches, 0, 0, requests, interval)
            : new HubSpotRateLimitUsage(requests, searches, Gate.BurstLimit, Gate.ReservedSlots(_options.BurstBudgetReserve), Gate.BurstWindowUsed, interval);
    }

    public HubSpotClientOptions Options => _options;

    /// <summary>The same pipeline, authenticated with the developer API key instead of a token.</summary>
    public HubSpotHttp WithDeveloperApiKey(string developerApiKey) =>
        new(_http, _options, _tokens) { _developerApiKey = developerApiKey };

    /// <summary>The shared gate of this client's budget; null when proactive rate limiting is off.</summary>
    internal RateLimitGate? Gate { get; }

    public async Task<TResponse> SendAsync<TResponse>(HubSpotOperation operation, string path, JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken) =>
        (await SendCoreAsync(operation, path, null, responseType, cancellationToken).ConfigureAwait(false))!;

    public async Task<TResponse> SendAsync<TBody, TResponse>(HubSpotOperation operation, string path, TBody body, JsonTypeInfo<TBody> bodyType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        (await SendCoreAsync(operation, path, JsonSerializer.SerializeToUtf8Bytes(body, bodyType), responseType, cancellationToken).ConfigureAwait(false))!;

    /// <summary>A call whose answer has no body worth reading (204).</summary>
    public Task SendAsync(HubSpotOperation operation, string path, CancellationToken cancellationToken) =>
        SendCoreAsync<object>(operation, path, null, null, cancellationToken);

    /// <summary>A call with a body whose answer has no body worth reading (204).</summary>
    public Task SendAsync<TBody>(HubSpotOperation operation, string path, TBody body, JsonTypeInfo<TBody> bodyType, CancellationToken cancellationToken) =>
        SendCoreAsync<object>(operation, path, JsonSerializer.SerializeToUtf8Bytes(body, bodyType), null, cancellationToken);

    /// <param name="operation">What the call is: its method, its path template (named in traces and logs) and whether it may be retried.</param>
    /// <param name="path">The path and query actually sent, relative to the base address.</param>
    /// <param name="body">The request body, serialized once so every attempt re-sends the same bytes.</param>
    /// <param name="responseType">How to read the answer's body; null when the answer has none worth reading.</param>
    /// <param name="cancellationToken">Cancels the call, including waits for the rate-limit gate and between retries.</param>
    private Task<TResponse?> SendCoreAsync<TResponse>(HubSpotOperation operation, string path, byte[]? body,
        JsonTypeInfo<TResponse>? responseType, CancellationToken cancellationToken) =>
        SendContentCoreAsync(operation, path, body is null ? null : _ => Task.FromResult<HttpContent>(new ByteArrayContent(body) { Headers = { ContentType = JsonMediaType } }),
            responseType, cancellationToken);

    /// <summary>
    /// A call whose body is not JSON (an import's multipart upload): <paramref name="content"/> makes a fresh body for
    /// each attempt (re-opening its streams), so nothing is buffered whole and a retry sends the same bytes again.
    /// </summary>
    public async Task<TResponse> SendContentAsync<TResponse>(HubSpotOperation operation, string path, Func<CancellationToken, Task<HttpContent>> content,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        (await SendContentCoreAsync(operation, path, content, responseType, cancellationToken).ConfigureAwait(false))!;

    private async Task<TResponse?> SendContentCoreAsync<TResponse>(HubSpotOperation operation, string path, Func<CancellationToken, Task<HttpContent>>? body,
        JsonTypeInfo<TResponse>? responseType, CancellationToken cancellationToken)
    {
        var method = operation.Method;
        var call = new CallState(HubSpotCall.IdempotentAssumed && !operation.IsIdempotent ? operation with { IsIdempotent = true } : operation);
        using var activity = HubSpotTelemetry.Source.StartActivity($"HubSpot {method.Method} {call.Operation.PathTemplate}", ActivityKind.Client);
        activity?.SetTag(HubSpotTelemetry.MethodTag, method.Method);
        activity?.SetTag(HubSpotTelemetry.TemplateTag, call.Operation.PathTemplate);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HubSpotResilience.CallKey, call);
        try
        {
            var result = await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Self.AttemptAsync(ctx, state.Path, state.Body, state.ResponseType),
                context, (Self: this, Path: path, Body: body, ResponseType: responseType)).ConfigureAwait(false);
            Finish(activity, call, null);
            return result;
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var error = new HubSpotTransportException(
                string.Create(CultureInfo.InvariantCulture,
                    $"HubSpot {method.Method} {call.Operation.PathTemplate} did not finish within the total timeout of {_options.TotalTimeout} ({call.Attempts} attempts)."),
                call.MayHaveReachedHubSpot, HubSpotTransportException.TimeoutCategory, call.LastError ?? ex);
            Finish(activity, call, error);
            throw error;
        }
        catch (BrokenCircuitException ex)
        {
            var error = new HubSpotTransportException(
                $"HubSpot {method.Method} {call.Operation.PathTemplate} was not sent: the circuit breaker is open after repeated server or network failures.",
                call.MayHaveReachedHubSpot, HubSpotTransportException.CircuitOpenCategory, ex);
            Finish(activity, call, error);
            throw error;
        }
        catch (Exception ex)
        {
            Finish(activity, call, ex);
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One attempt: a gate slot, a fresh request (token fetched now), the per-attempt timeout, the answer.</summary>
    private async ValueTask<TResponse?> AttemptAsync<TResponse>(ResilienceContext context, string path, Func<CancellationToken, Task<HttpContent>>? body,
        JsonTypeInfo<TResponse>? responseType)
    {
        var call = HubSpotResilience.Call(context);
        var operation = call.Operation;
        var lease = Gate is null ? null : await Gate.AcquireAsync(operation.IsSearch, _options.BurstBudgetReserve, context.CancellationToken).ConfigureAwait(false);
        call.Attempts++;
        using var attemptTimeout = new CancellationTokenSource(_options.AttemptTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, attemptTimeout.Token);
        var started = _options.TimeProvider.GetTimestamp();
        HttpResponseMessage? response = null;
        Exception? failure = null;
        try
        {
            // The key is added only here, so paths handed around (and logged as templates) never carry it.
            var target = _developerApiKey is null
                ? path
                : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}hapikey={Uri.EscapeDataString(_developerApiKey)}";
            var token = _developerApiKey is null ? await TokenAsync(null, linked.Token).ConfigureAwait(false) : null;
            var renewable = token is null ? null : _tokens as IRenewableAccessTokenProvider;
            while (true)
            {
                using var request = new HttpRequestMessage(operation.Method, new Uri(_options.BaseUri, target));
                if (body is not null)
                {
                    request.Content = await body(linked.Token).ConfigureAwait(false);
                }

                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                }
                catch (HttpRequestException ex)
                {
                    var neverSent = HubSpotTransportException.NeverSent(ex);
                    call.MayHaveReachedHubSpot |= !neverSent;
                    throw new HubSpotTransportException(
                        $"HubSpot {operation.Method.Method} {operation.PathTemplate}: {(neverSent ? "could not connect" : "the connection failed")} ({ex.HttpRequestError}).",
                        !neverSent, HubSpotTransportException.TransportCategory, ex);
                }

                // An OAuth token refused: the provider checks it (a 401 is not proof of expiry) and renews it at most once
                // per call; the request is sent again only with a different token. A 401 executes nothing, so re-sending is safe.
                if (response.StatusCode != HttpStatusCode.Unauthorized || renewable is null || call.RenewedToken)
                {
                    break;
                }

                call.RenewedToken = true;
                var renewed = await TokenAsync(token, linked.Token).ConfigureAwait(false);
                if (string.Equals(renewed, token, StringComparison.Ordinal))
                {
                    break;
                }

                response.Dispose();
                response = null;
                token = renewed;
            }

            // A 429 was refused before executing; any other answer means the request reached HubSpot.
            call.MayHaveReachedHubSpot |= response.StatusCode != HttpStatusCode.TooManyRequests;
            call.Status = (int)response.StatusCode;
            call.CorrelationId = response.Headers.TryGetValues("X-HubSpot-Correlation-Id", out var ids) ? ids.FirstOrDefault() : null;
            Observe(response);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
                var error = HubSpotApiException.FromResponse(response.StatusCode, text, RetryAfter(response),
                    response.StatusCode == HttpStatusCode.TooManyRequests ? HubSpotRateLimitInfo.FromHeaders(response.Headers) : null, call.CorrelationId);
                call.CorrelationId = error.CorrelationId ?? call.CorrelationId;
                var rateLimit = error as HubSpotRateLimitException;
                if (rateLimit is not null)
                {
                    HubSpotTelemetry.RateLimited.Add(1, new KeyValuePair<string, object?>(HubSpotTelemetry.PolicyTag, rateLimit.PolicyName));
                }

                // Error answers carry the budget headers too: learn from every answer, not only successes.
                lease?.Complete(response, rateLimit);

                throw error;
            }

            lease?.Complete(response);
            if (responseType is null || response.StatusCode == HttpStatusCode.NoContent)
            {
                return default;
            }

            return await response.Content.ReadFromJsonAsync(responseType, linked.Token).ConfigureAwait(false);
        }
        catch (TokenProviderFailure ex)
        {
            // The provider's own error (a token store that failed, a revoked installation) surfaces as it is: it is not
            // HubSpot's answer, and not a transport error to retry.
            failure = ex.InnerException!;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        catch (OperationCanceledException ex) when (attemptTimeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            call.MayHaveReachedHubSpot = true;
            failure = new HubSpotTransportException(
                string.Create(CultureInfo.InvariantCulture,
                    $"HubSpot {operation.Method.Method} {operation.PathTemplate}: no answer within the attempt timeout of {_options.AttemptTimeout}."),
                true, HubSpotTransportException.TimeoutCategory, ex);
            throw failure;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The answer broke off mid-body.
            call.MayHaveReachedHubSpot = true;
            failure = new HubSpotTransportException($"HubSpot {operation.Method.Method} {operation.PathTemplate}: the answer broke off.",
                true, HubSpotTransportException.TransportCategory, ex);
            throw failure;
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            lease?.Dispose();
            Usage.Record(operation.IsSearch);
            Record(call, response, failure, _options.TimeProvider.GetElapsedTime(started));
            call.LastError = failure ?? call.LastError;
            response?.Dispose();
        }
    }

    /// <summary>The token to send: the provider's current one, or (after a 401 on <paramref name="rejected"/>) its renewed one.</summary>
    private async ValueTask<string> TokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        try
        {
            return rejected is null
                ? await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false)
                : await ((IRenewableAccessTokenProvider)_tokens).RenewAsync(rejected, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new TokenProviderFailure(ex);
        }
    }

    /// <summary>Carries a token provider's exception past the attempt's transport-error handling.</summary>
    private sealed class TokenProviderFailure(Exception inner) : Exception(inner.Message, inner);

    /// <summary>
    /// Streams a file from a link HubSpot handed out (an export's download URL) into <paramref name="destination"/>.
    /// The link is pre-signed and usually on another host (a file store), so no token is ever sent with it; only https
    /// links are followed, or links to the API's own host (the emulator serves its downloads itself).
    /// </summary>
    public async Task DownloadAsync(Uri link, Stream destination, CancellationToken cancellationToken)
    {
        var sameHost = Uri.Compare(link, _options.BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        if (!link.IsAbsoluteUri || (link.Scheme != Uri.UriSchemeHttps && !sameHost))
        {
            throw new ArgumentException("A download link must be an absolute https URL (the result of a completed export).", nameof(link));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, link);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new HubSpotTransportException($"Downloading the export file failed ({ex.HttpRequestError}).", true, HubSpotTransportException.TransportCategory, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw HubSpotApiException.FromResponse(response.StatusCode, text, null);
            }

            await response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Metrics and a debug line for one attempt.</summary>
    private void Record(CallState call, HttpResponseMessage? response, Exception? failure, TimeSpan elapsed)
    {
        var operation = call.Operation;
        var status = response is null ? 0 : (int)response.StatusCode;
        var tags = new TagList
        {
            { HubSpotTelemetry.MethodTag, operation.Method.Method },
            { HubSpotTelemetry.TemplateTag, operation.PathTemplate },
            { HubSpotTelemetry.StatusTag, status },
        };
        HubSpotTelemetry.Requests.Add(1, tags);
        HubSpotTelemetry.Duration.Record(elapsed.TotalSeconds, tags);
        if (failure is not null && failure is not OperationCanceledException)
        {
            tags.Add(HubSpotTelemetry.CategoryTag, HubSpotResilience.Category(failure));
            HubSpotTelemetry.Errors.Add(1, tags);
        }

        HubSpotLog.Answered(_logger, operation.Method.Method, operation.PathTemplate, status, (long)elapsed.TotalMilliseconds, call.Attempts,
            call.CorrelationId);
    }

    private static void Observe(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("X-HubSpot-RateLimit-Remaining", out var values) &&
            long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining))
        {
            HubSpotTelemetry.RateLimitRemaining.Record(remaining, new KeyValuePair<string, object?>(HubSpotTelemetry.WindowTag, "burst"));
        }

        if (response.Headers.TryGetValues("X-HubSpot-RateLimit-Daily-Remaining", out var daily) &&
            long.TryParse(daily.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var dailyRemaining))
        {
            HubSpotTelemetry.RateLimitRemaining.Record(dailyRemaining, new KeyValuePair<string, object?>(HubSpotTelemetry.WindowTag, "daily"));
        }
    }

    /// <summary>Closes the call's span and logs a final failure.</summary>
    private void Finish(Activity? activity, CallState call, Exception? error)
    {
        if (activity is not null)
        {
            activity.SetTag(HubSpotTelemetry.AttemptTag, call.Attempts);
            if (call.Status is { } status)
            {
                activity.SetTag(HubSpotTelemetry.StatusTag, status);
            }

            if (call.CorrelationId is { } correlationId)
            {
                activity.SetTag(HubSpotTelemetry.CorrelationTag, correlationId);
            }

            if (error is not null)
            {
                activity.SetTag(HubSpotTelemetry.CategoryTag, HubSpotResilience.Category(error));
                activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            }
        }

        if (error is null or OperationCanceledException)
        {
            return;
        }

        var operation = call.Operation;
        var category = HubSpotResilience.Category(error);
        if (!operation.IsIdempotent && call.MayHaveReachedHubSpot && HubSpotResilience.CountsAgainstCircuit(error))
        {
            HubSpotLog.NotResent(_logger, operation.Method.Method, operation.PathTemplate, category, call.CorrelationId);
        }

        HubSpotLog.Failed(_logger, operation.Method.Method, operation.PathTemplate, category, call.Status ?? 0, call.Attempts, call.CorrelationId);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _options.TimeProvider.GetUtcNow(),
            _ => null,
        };
}
