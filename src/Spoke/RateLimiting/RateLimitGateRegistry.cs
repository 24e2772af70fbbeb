using System.Collections.Concurrent;

namespace Spoke.RateLimiting;

/// <summary>
/// The process-wide gates, one per budget key: every client in the process that acts for the same portal and app shares
/// one gate, and clients with different keys never share one. The first client to use a key sets the gate's starting
/// budget, search pacing, reserve and clock; later clients share what the gate has learned since.
/// </summary>
internal static class RateLimitGateRegistry
{
    private static readonly ConcurrentDictionary<string, RateLimitGate> Gates = new(StringComparer.Ordinal);

    public static RateLimitGate For(string budgetKey, HubSpotClientOptions options) =>
        Gates.GetOrAdd(budgetKey, static (key, o) => new RateLimitGate(key, o.ExpectedBurstLimit ?? o.RateLimitTier.BurstLimit(),
            o.DailyBudgetReserve, o.TimeProvider, o.SearchRateLimiting.PacedFromTheStart(o.BaseUri)), options);
}
