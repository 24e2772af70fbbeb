namespace Spoke.RateLimiting;

/// <summary>
/// What one client (<see cref="HubSpotClient.RateLimitUsage"/>) spent of its budget's current burst window: its own
/// requests answered in the last <see cref="Interval"/>, against the window's <see cref="Limit"/>. For progress
/// displays; pacing is the rate-limit gate's job.
/// </summary>
public sealed class HubSpotRateLimitUsage
{
    internal HubSpotRateLimitUsage(int used, int searches, int limit, int reserved, int windowUsed, TimeSpan interval)
    {
        Used = used;
        Searches = searches;
        Limit = limit;
        Reserved = reserved;
        WindowUsed = windowUsed;
        Interval = interval;
    }

    /// <summary>This client's requests (searches excluded: they have their own budget) in the window.</summary>
    public int Used { get; }

    /// <summary>This client's searches in the last second (HubSpot allows 5 per second per token).</summary>
    public int Searches { get; }

    /// <summary>Requests the portal allows per window, as the gate last learned it (0 with proactive rate limiting off).</summary>
    public int Limit { get; }

    /// <summary>Slots of the window this client leaves to other apps (<see cref="HubSpotClientOptions.BurstBudgetReserve"/>).</summary>
    public int Reserved { get; }

    /// <summary>Everything the gate counts in the window: this process's requests and other apps' spend it learned from
    /// <c>X-HubSpot-RateLimit-Remaining</c>.</summary>
    public int WindowUsed { get; }

    /// <summary>The window's length (10 s on HubSpot).</summary>
    public TimeSpan Interval { get; }

    /// <summary><see cref="Used"/> as a share (0..1) of <see cref="Limit"/>; 0 when no limit is known.</summary>
    public double Share => Limit > 0 ? Math.Min(1, (double)Used / Limit) : 0;
}

/// <summary>One client's own sends over the last burst interval and the last second (searches), for <see cref="HubSpotRateLimitUsage"/>.</summary>
internal sealed class RateLimitUsageMeter(TimeProvider time)
{
    private readonly object _lock = new();
    private readonly Queue<DateTimeOffset> _requests = new();
    private readonly Queue<DateTimeOffset> _searches = new();

    public void Record(bool search)
    {
        lock (_lock)
        {
            (search ? _searches : _requests).Enqueue(time.GetUtcNow());
            // Bounded: nothing older than a minute is ever asked for.
            Prune(_requests, TimeSpan.FromMinutes(1));
            Prune(_searches, TimeSpan.FromMinutes(1));
        }
    }

    public (int Requests, int Searches) Count(TimeSpan interval)
    {
        lock (_lock)
        {
            Prune(_requests, interval);
            Prune(_searches, TimeSpan.FromSeconds(1));
            return (_requests.Count, _searches.Count);
        }
    }

    private void Prune(Queue<DateTimeOffset> sends, TimeSpan interval)
    {
        var now = time.GetUtcNow();
        while (sends.Count > 0 && sends.Peek() + interval <= now)
        {
            sends.Dequeue();
        }
    }
}
