namespace Spoke.Http;

/// <summary>
/// Per-call settings for the calls a caller makes inside a scope, on its async flow (the calls it awaits, and the chunks
/// of a batch it starts). Calls started elsewhere, before or after the scope are unaffected.
/// </summary>
public static class HubSpotCall
{
    private static readonly AsyncLocal<bool> Idempotent = new();

    /// <summary>
    /// Marks the calls made until the returned scope is disposed as safe to re-send, so a POST that Spoke treats as a
    /// create (never re-sent once it may have reached HubSpot) is retried after a 5xx, a timeout or a broken connection
    /// like a GET. Use it only for a call you know converges when repeated: a create guarded by a unique property, a
    /// label or association write, a POST your own data makes idempotent. Spoke cannot check the promise: a create that
    /// is not safe to repeat may then be made twice.
    /// <code>
    /// using (HubSpotCall.TreatAsIdempotent())
    /// {
    ///     await client.Associations.BatchCreateDefaultAsync("contacts", "companies", pairs, ct);
    /// }
    /// </code>
    /// </summary>
    public static IDisposable TreatAsIdempotent()
    {
        var previous = Idempotent.Value;
        Idempotent.Value = true;
        return new Scope(previous);
    }

    /// <summary>True inside a <see cref="TreatAsIdempotent"/> scope.</summary>
    internal static bool IdempotentAssumed => Idempotent.Value;

    private sealed class Scope(bool previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Idempotent.Value = previous;
            }
        }
    }
}
