using System.Globalization;
using Spoke.Emulator.Errors;

namespace Spoke.Emulator.RateLimits;

/// <summary>The budget of one tier (docs/hubspot-api.md §7: private apps).</summary>
internal sealed record RateLimitProfile(string Name, int PerTenSeconds, int PerDay);

/// <summary>The verdict on one request: headers to send, or the 429 to answer with.</summary>
internal readonly record struct RateLimitDecision(ApiError? Rejection, IReadOnlyDictionary<string, string>? Headers);

/// <summary>
/// HubSpot's limits: a rolling 10-second window per private app (token), a daily budget per portal that resets at
/// midnight (UTC here; HubSpot uses the account's time zone), and search's 5 requests/second per token, which
/// sends no rate-limit headers. Rejected requests do not consume budget. Time comes from the emulator clock. With limits
/// off, every non-search answer still carries HubSpot's headers, advertising <see cref="UnenforcedPerTenSeconds"/> and
/// <see cref="UnenforcedPerDay"/>: a budget nothing enforces or counts, so a client that paces by the headers runs at full speed.
/// </summary>
internal sealed class RateLimiter(EmulatorClock clock, FidelityOptions fidelity)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Queue<long>> _burst = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<long>> _search = new(StringComparer.Ordinal);
    private DateOnly _day;
    private int _dailyUsed;
    private long _rejected;

    /// <summary>The burst budget advertised with limits off (never enforced, never counted: Remaining stays at it).</summary>
    public const int UnenforcedPerTenSeconds = 1_000_000;

    /// <summary>The daily budget advertised with limits off (never enforced, never counted).</summary>
    public const int UnenforcedPerDay = 1_000_000_000;

    /// <summary>The headers every non-search answer carries with limits off; built once, they never change.</summary>
    private static readonly IReadOnlyDictionary<string, string> UnenforcedHeaders = new Dictionary<string, string>
    {
        ["X-HubSpot-RateLimit-Daily"] = I(UnenforcedPerDay),
        ["X-HubSpot-RateLimit-Daily-Remaining"] = I(UnenforcedPerDay),
        ["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000",
        ["X-HubSpot-RateLimit-Max"] = I(UnenforcedPerTenSeconds),
        ["X-HubSpot-RateLimit-Remaining"] = I(UnenforcedPerTenSeconds),
        ["X-HubSpot-RateLimit-Secondly"] = I(UnenforcedPerTenSeconds / 10),
        ["X-HubSpot-RateLimit-Secondly-Remaining"] = I(UnenforcedPerTenSeconds / 10),
    };

    /// <summary>The same for OAuth requests, which HubSpot answers without the Daily headers.</summary>
    private static readonly IReadOnlyDictionary<string, string> UnenforcedOAuthHeaders =
        UnenforcedHeaders.Where(h => !h.Key.Contains("Daily", StringComparison.Ordinal)).ToDictionary();

    public RateLimitTier Tier { get; set; } = RateLimitTier.Off;

    public RateLimitProfile? Profile => Tier switch
    {
        RateLimitTier.Free => new("free", 100, 250_000),
        RateLimitTier.Starter => new("starter", 100, 250_000),
        RateLimitTier.Professional => new("professional", 190, fidelity.ProfessionalDailyLimit),
        RateLimitTier.Enterprise => new("enterprise", 190, 1_000_000),
        _ => null,
    };

    /// <summary>
    /// 429s the limiter has answered since the emulator started (every policy; fault-injected 429s are not counted).
    /// Never cleared, so a caller measures a run by the difference: benchmarks, and tests asserting no 429 was sent.
    /// </summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Forgets all usage (admin reset, tier switch).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _burst.Clear();
            _search.Clear();
            _dailyUsed = 0;
        }
    }

    /// <summary>The OAuth app budget per installation (docs/hubspot-api.md §7): 110 per 10 s, no daily limit.</summary>
    public const int OAuthPerTenSeconds = 110;

    /// <summary>Counts one request against <paramref name="token"/>'s budget. <paramref name="oauth"/>: the key is an
    /// OAuth installation, whose budget is 110 per 10 s with no daily limit and no Daily headers.</summary>
    public RateLimitDecision Check(string token, bool isSearch, bool oauth = false)
    {
        if (Profile is not { } profile)
        {
            // Search answers carry no rate-limit headers (HubSpot's wart), limits on or off.
            return isSearch ? default : new(null, oauth ? UnenforcedOAuthHeaders : UnenforcedHeaders);
        }

        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            if (today != _day)
            {
                _day = today;
                _dailyUsed = 0;
            }

            if (!oauth && _dailyUsed >= profile.PerDay)
            {
                var untilMidnight = (long)(today.AddDays(1).ToDateTime(TimeOnly.MinValue) - now.UtcDateTime).TotalSeconds + 1;
                return new(Reject("You have reached your daily limit.", "DAILY", untilMidnight), null);
            }

            if (isSearch)
            {
                var window = Window(_search, token, nowMs, 1_000);
                if (window.Count >= fidelity.SearchRequestsPerSecond)
                {
                    return new(Reject("You have reached your secondly limit.", "SECONDLY", RetrySeconds(window, nowMs, 1_000)), null);
                }

                window.Enqueue(nowMs);
                if (!oauth)
                {
                    // OAuth installations have no daily limit: their searches do not spend the private apps' daily budget.
                    _dailyUsed++;
                }

                return default;
            }

            var perTenSeconds = oauth ? OAuthPerTenSeconds : profile.PerTenSeconds;
            var burst = Window(_burst, token, nowMs, 10_000);
            if (burst.Count >= perTenSeconds)
            {
                return new(Reject("You have reached your ten_secondly_rolling limit.", "TEN_SECONDLY_ROLLING", RetrySeconds(burst, nowMs, 10_000)), null);
            }

            burst.Enqueue(nowMs);
            if (oauth)
            {
                return new(null, new Dictionary<string, string>
                {
                    ["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000",
                    ["X-HubSpot-RateLimit-Max"] = I(perTenSeconds),
                    ["X-HubSpot-RateLimit-Remaining"] = I(perTenSeconds - burst.Count),
                });
            }

            _dailyUsed++;
            var headers = new Dictionary<string, string>
            {
                ["X-HubSpot-RateLimit-Daily"] = I(profile.PerDay),
                ["X-HubSpot-RateLimit-Daily-Remaining"] = I(profile.PerDay - _dailyUsed),
                ["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000",
                ["X-HubSpot-RateLimit-Max"] = I(profile.PerTenSeconds),
                ["X-HubSpot-RateLimit-Remaining"] = I(profile.PerTenSeconds - burst.Count),
                ["X-HubSpot-RateLimit-Secondly"] = I(profile.PerTenSeconds / 10),
                ["X-HubSpot-RateLimit-Secondly-Remaining"] = I(Math.Max(0, profile.PerTenSeconds / 10 - burst.Count(t => t > nowMs - 1_000))),
            };
            return new(null, headers);
        }
    }

    private static Queue<long> Window(Dictionary<string, Queue<long>> windows, string key, long nowMs, long lengthMs)
    {
        if (!windows.TryGetValue(key, out var q))
        {
            windows[key] = q = new Queue<long>();
        }

        while (q.Count > 0 && q.Peek() <= nowMs - lengthMs)
        {
            q.Dequeue();
        }

        return q;
    }

    private static long RetrySeconds(Queue<long> window, long nowMs, long lengthMs) =>
        Math.Max(1, (long)Math.Ceiling((window.Peek() + lengthMs - nowMs) / 1000.0));

    private ApiError Reject(string message, string policy, long retryAfterSeconds)
    {
        Interlocked.Increment(ref _rejected);
        return Rejection(policy, retryAfterSeconds, fidelity.SendRetryAfterOn429, message);
    }

    /// <summary>
    /// HubSpot's 429 for <paramref name="policy"/> (<c>TEN_SECONDLY_ROLLING</c>, <c>SECONDLY</c>, <c>DAILY</c>): the body the
    /// limiter answers with, also used by fault injection.
    /// </summary>
    public static ApiError Rejection(string policy, long retryAfterSeconds, bool sendRetryAfter, string? message = null)
    {
        message ??= policy switch
        {
            "DAILY" => "You have reached your daily limit.",
            "SECONDLY" => "You have reached your secondly limit.",
            _ => "You have reached your ten_secondly_rolling limit.",
        };
        var headers = sendRetryAfter
            ? new Dictionary<string, string> { ["Retry-After"] = I(retryAfterSeconds) }
            : null;
        return new ApiError(429, "RATE_LIMITS", message)
        {
            IncludeCategory = false,
            Extra = new Dictionary<string, string>
            {
                ["errorType"] = "RATE_LIMIT",
                ["policyName"] = policy,
                ["requestId"] = Guid.NewGuid().ToString(),
            },
            Headers = headers,
        };
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
