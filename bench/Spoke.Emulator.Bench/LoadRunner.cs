using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Spoke.Emulator.Bench;

/// <summary>What one workload measured.</summary>
internal sealed record LoadResult(string Name, int Requests, int Errors, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name,-42} {Requests,7} req  {PerSecond,9:F0} req/s  p50 {P50Ms,7:F2} ms  p99 {P99Ms,7:F2} ms  errors {Errors}");
}

/// <summary>
/// A bounded closed-loop load generator on loopback: <c>concurrency</c> workers send <c>requests</c> calls in all,
/// each timed; then it stops. No open-ended loops.
/// </summary>
internal sealed class LoadRunner(Uri baseUri, string token) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false })
    {
        BaseAddress = baseUri,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<LoadResult> RunAsync(string name, int requests, int concurrency, Func<int, HttpRequestMessage> make, int? expectStatus = null)
    {
        var latencies = new double[requests];
        var next = -1;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                using var request = make(i);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var started = Stopwatch.GetTimestamp();
                using var response = await _http.SendAsync(request);
                await response.Content.CopyToAsync(Stream.Null);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (expectStatus is { } s ? (int)response.StatusCode != s : !response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        clock.Stop();
        Array.Sort(latencies);
        return new LoadResult(name, requests, errors, clock.Elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    public void Dispose() => _http.Dispose();
}
