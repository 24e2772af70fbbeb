namespace Spoke.Errors;

/// <summary>
/// No usable answer came back: the connection failed, the attempt or the whole call timed out, or the circuit breaker
/// is open. <see cref="HubSpotApiException.Status"/> is 0. <see cref="MayHaveReachedHubSpot"/> tells whether a write
/// may have happened anyway (check before re-sending a create yourself).
/// </summary>
public sealed class HubSpotTransportException(string message, bool mayHaveReachedHubSpot, string category, Exception? inner = null)
    : HubSpotApiException(0, message, category, null, null, null, null, inner)
{
    /// <summary>Timeouts (<c>TIMEOUT</c>), network failures (<c>TRANSPORT_ERROR</c>), or an open circuit (<c>CIRCUIT_OPEN</c>).</summary>
    public const string TimeoutCategory = "TIMEOUT";

    /// <summary>The connection could not be made or broke off.</summary>
    public const string TransportCategory = "TRANSPORT_ERROR";

    /// <summary>Not sent: the circuit breaker is open after repeated server or network failures.</summary>
    public const string CircuitOpenCategory = "CIRCUIT_OPEN";

    /// <summary>False only when the request provably never left the client (e.g. connection refused).</summary>
    public bool MayHaveReachedHubSpot { get; } = mayHaveReachedHubSpot;

    internal static bool NeverSent(HttpRequestException ex) =>
        ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;
}
