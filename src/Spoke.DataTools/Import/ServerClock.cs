namespace Spoke.DataTools.Import;

/// <summary>
/// HubSpot's clock as seen from here. Every answer stamps the records it wrote (<c>updatedAt</c>) no later than the moment
/// the answer arrived, so server minus local is at least <c>updatedAt − answered</c>: the largest such figure is a lower
/// bound of the offset, and a local instant plus it is never later than the server's instant then. The journal keeps it,
/// so a resumed import knows it before its first answer.
/// </summary>
internal sealed class ServerClock(long? offsetMilliseconds)
{
    private long _offset = offsetMilliseconds ?? long.MinValue;

    /// <summary>The offset learned so far (ms), or null before any answer.</summary>
    public long? OffsetMilliseconds => Interlocked.Read(ref _offset) is var o && o != long.MinValue ? o : null;

    public void Observe(DateTimeOffset serverStamp, DateTimeOffset answeredLocally)
    {
        if (serverStamp == default)
        {
            return;
        }

        var candidate = (long)Math.Floor((serverStamp - answeredLocally).TotalMilliseconds);
        long current;
        do
        {
            current = Interlocked.Read(ref _offset);
            if (candidate <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _offset, candidate, current) != current);
    }

    /// <summary>The server's time at a local instant (never later than it was); the local instant itself before any answer.</summary>
    public DateTimeOffset ServerTimeOf(DateTimeOffset local) =>
        OffsetMilliseconds is { } offset ? local + TimeSpan.FromMilliseconds(offset) : local;
}
