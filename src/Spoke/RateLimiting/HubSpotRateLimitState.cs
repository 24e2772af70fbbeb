using System.Collections.Concurrent;
using Polly;
using Spoke.Http;

namespace Spoke.RateLimiting;

/// <summary>
/// The rate-limit gates and circuit breakers that clients of one portal and app share, one of each per budget key and
/// clock. Clients given the same instance (through <see cref="HubSpotClientOptions.RateLimitState"/>) share the budget
/// HubSpot counts for their token and trip one breaker together; clients with different instances share nothing.
/// <c>AddHubSpotClient</c> registers one instance as a singleton, so every client from one container shares it and two
/// hosts in one process do not. A client built with no instance gets one of its own; pass <see cref="Shared"/> (or one
/// instance of your own) to every client of a token built by hand, so they pace against one budget.
/// </summary>
/// <remarks>
/// Thread-safe. A gate or breaker runs on the <see cref="HubSpotClientOptions.TimeProvider"/> of the first client that
/// asked for it, and is only ever served to clients on that same clock: a client on another clock (a fake one in a test)
/// gets a gate and breaker of its own. The first client of a key also sets the gate's starting budget, search pacing and
/// daily reserve; later clients share what the gate has learned since. Holds nothing that needs disposing.
/// </remarks>
public sealed class HubSpotRateLimitState
{
    private readonly ConcurrentDictionary<(string BudgetKey, TimeProvider Time), RateLimitGate> _gates = new();
    private readonly ConcurrentDictionary<(string BudgetKey, TimeProvider Time), ResiliencePipeline> _breakers = new();

    /// <summary>
    /// One instance for the whole process, opt-in: give it to clients built by hand that should share a token's budget
    /// (what every client did before this type existed). Never used unless passed explicitly.
    /// </summary>
    public static HubSpotRateLimitState Shared { get; } = new();

    internal RateLimitGate GateFor(string budgetKey, HubSpotClientOptions options) =>
        _gates.GetOrAdd((budgetKey, options.TimeProvider), static (key, o) => new RateLimitGate(key.BudgetKey,
            o.ExpectedBurstLimit ?? BurstLimitFor(key.BudgetKey, o.RateLimitTier), o.DailyBudgetReserve, key.Time,
            o.SearchRateLimiting.PacedFromTheStart(o.BaseUri)), options);

    /// <summary>An OAuth installation's budget is HubSpot's public-app limit (110 per 10 s, docs §7), whatever the portal's tier.</summary>
    internal static int BurstLimitFor(string budgetKey, HubSpotRateLimitTier tier) =>
        budgetKey.StartsWith("oauth:", StringComparison.Ordinal) ? 110 : tier.BurstLimit();

    internal ResiliencePipeline BreakerFor(string budgetKey, TimeProvider time) =>
        _breakers.GetOrAdd((budgetKey, time), static key => HubSpotResilience.BuildBreaker(key.Time));
}
