using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Spoke.Errors;
using Spoke.Telemetry;

namespace Spoke.Http;

/// <summary>What one call has gone through so far; travels in the Polly context.</summary>
internal sealed class CallState(HubSpotOperation operation)
{
    public HubSpotOperation Operation { get; } = operation;
    public int Attempts { get; set; }
    public int? Status { get; set; }
    public string? CorrelationId { get; set; }
    public Exception? LastError { get; set; }

    /// <summary>True once any attempt may have reached HubSpot (it was sent and no answer says it was refused).</summary>
    public bool MayHaveReachedHubSpot { get; set; }

    /// <summary>True once a 401 made the token provider renew the token: a call re-sends after a 401 only once.</summary>
    public bool RenewedToken { get; set; }
}

/// <summary>
/// The Polly v8 pipeline around each call: total timeout → retry → circuit breaker → (the attempt: rate-limit gate,
/// per-attempt timeout, send). The attempt itself lives in <see cref="HubSpotHttp"/>, the one send path.
/// </summary>
internal static class HubSpotResilience
{
    public static readonly ResiliencePropertyKey<CallState> CallKey = new("spoke.call");

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <param name="options">The timeouts and retry settings of the client.</param>
    /// <param name="breaker">The circuit breaker of the budget, shared by every client of it.</param>
    /// <param name="gated">A rate-limit gate paces the attempts: it, not the retry delay, waits out a 429 without <c>Retry-After</c>.</param>
    /// <param name="logger">Where each retry is logged.</param>
    public static ResiliencePipeline Build(HubSpotClientOptions options, ResiliencePipeline breaker, bool gated, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider, Name = "Spoke.HubSpot" };
        if (options.TotalTimeout > TimeSpan.Zero && options.TotalTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(new TimeoutStrategyOptions { Timeout = Clamp(options.TotalTimeout) });
        }

        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay < TimeSpan.Zero ? TimeSpan.Zero : options.RetryBaseDelay,
                MaxDelay = MaxBackoff,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && ShouldRetry(ex, Call(args.Context).Operation)),
                DelayGenerator = args => ValueTask.FromResult(RateLimitDelay(args.Outcome.Exception, gated)),
                OnRetry = args =>
                {
                    var call = Call(args.Context);
                    var error = args.Outcome.Exception;
                    HubSpotLog.Retrying(logger, call.Operation.Method.Method, call.Operation.PathTemplate, Category(error), call.Status ?? 0,
                        call.Attempts, call.CorrelationId, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        builder.AddPipeline(breaker);
        return builder.Build();
    }

    /// <summary>
    /// 429s are retried (HubSpot refused them before executing) except <c>DAILY</c>; 5xx, timeouts and transport errors
    /// only when the call is idempotent or provably never reached HubSpot.
    /// </summary>
    public static bool ShouldRetry(Exception error, HubSpotOperation operation) => error switch
    {
        HubSpotRateLimitException rateLimit => rateLimit.PolicyName != "DAILY",
        HubSpotTransportException { Category: HubSpotTransportException.CircuitOpenCategory } => false,
        HubSpotTransportException transport => operation.IsIdempotent || !transport.MayHaveReachedHubSpot,
        HubSpotApiException api => (int)api.Status >= 500 && operation.IsIdempotent,
        _ => false,
    };

    /// <summary>
    /// A 429 waits for <c>Retry-After</c> plus up to 10% jitter. Without one, a gated call retries at once and the gate holds
    /// it until the server's window frees a slot (it knows the window's send times); an ungated call knows none, so it waits
    /// the policy's whole window (1 s for <c>SECONDLY</c>, else the default 10 s). Null = exponential backoff.
    /// </summary>
    private static TimeSpan? RateLimitDelay(Exception? error, bool gated)
    {
        if (error is not HubSpotRateLimitException rateLimit)
        {
            return null;
        }

        var hasRetryAfter = rateLimit.RetryAfter is { } after && after > TimeSpan.Zero;
        if (!hasRetryAfter && gated)
        {
            return TimeSpan.Zero;
        }

        var wait = hasRetryAfter
            ? rateLimit.RetryAfter!.Value
            : rateLimit.PolicyName == "SECONDLY" ? TimeSpan.FromSeconds(1) : rateLimit.Limits.Interval ?? RateLimiting.RateLimitGate.DefaultBurstInterval;
        return wait + (wait * (Random.Shared.NextDouble() * 0.1));
    }

    /// <summary>Opens on a run of 5xx, timeouts and transport errors; 429s never count (the gate and retry handle them).</summary>
    internal static ResiliencePipeline BuildBreaker(TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time, Name = "Spoke.HubSpot.CircuitBreaker" }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 20,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(15),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && CountsAgainstCircuit(ex)),
            })
            .Build();

    internal static bool CountsAgainstCircuit(Exception error) => error switch
    {
        HubSpotRateLimitException => false,
        HubSpotTransportException t => t.Category != HubSpotTransportException.CircuitOpenCategory,
        HubSpotApiException api => (int)api.Status >= 500,
        _ => false,
    };

    public static string Category(Exception? error) => error switch
    {
        HubSpotRateLimitException => "rate_limit",
        HubSpotTransportException { Category: HubSpotTransportException.TimeoutCategory } => "timeout",
        HubSpotTransportException { Category: HubSpotTransportException.CircuitOpenCategory } => "circuit_open",
        HubSpotTransportException => "transport",
        HubSpotApiException api when (int)api.Status >= 500 => "server",
        HubSpotApiException => "client",
        TimeoutRejectedException => "timeout",
        BrokenCircuitException => "circuit_open",
        null => "none",
        _ => "other",
    };

    public static CallState Call(ResilienceContext context) => context.Properties.GetValue(CallKey, null!);

    private static TimeSpan Clamp(TimeSpan timeout) =>
        timeout < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : timeout > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : timeout;
}
