namespace Spoke.Webhooks.Receiver;

/// <summary>
/// The bytes every request body in flight may hold together (<see cref="HubSpotWebhookOptions.MaxBodyBytesInFlight"/>):
/// the per-request limit alone lets many unauthenticated connections each hold a full body at once.
/// </summary>
internal sealed class BodyBudget(long capacity)
{
    private long _inUse;

    public long Capacity { get; } = capacity;

    /// <summary>Bytes reserved by bodies being read or checked right now.</summary>
    public long InUse => Interlocked.Read(ref _inUse);

    public bool TryReserve(long bytes)
    {
        while (true)
        {
            var current = Interlocked.Read(ref _inUse);
            if (current + bytes > Capacity)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inUse, current + bytes, current) == current)
            {
                return true;
            }
        }
    }

    public void Release(long bytes) => Interlocked.Add(ref _inUse, -bytes);
}
