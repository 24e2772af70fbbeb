using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Webhooks;

/// <summary>
/// Delivers committed webhook events the way HubSpot does (docs/hubspot-api.md §8): POSTs of JSON arrays of at most
/// <see cref="FidelityOptions.WebhookMaxEventsPerRequest"/> events, at most
/// <see cref="FidelityOptions.WebhookMaxConcurrentRequests"/> in flight (the settings' <c>maxConcurrentRequests</c>
/// may lower it), signed v1 and v3, retried on connection failure, timeout and any 4xx/5xx up to
/// <see cref="FidelityOptions.WebhookMaxRetries"/> times with randomized, growing delays that stay within 24 hours of
/// emulator-clock time. Retries wait for the emulator clock: advancing it sends due retries at once. Undelivered
/// events live in memory only. Every attempt is in <see cref="Deliveries"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The emulator that owns it disposes it (HubSpotEmulator.DisposeAsync); a user of emulator.Webhooks must not.")]
public sealed class WebhookDelivery
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);
    private const int MaxLogEntries = 10_000;

    private readonly PortalState _portal;
    private readonly object _gate = new();
    private readonly LinkedList<WebhookEvent> _queue = new();
    private readonly List<PendingRequest> _scheduled = [];
    private readonly LinkedList<WebhookDeliveryAttempt> _log = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly HashSet<Task> _running = [];
    private WebhookDeliveryFaults _faults = new();
    private Random _random = new();
    private int? _duplicatesLeft;
    private int? _outOfOrderLeft;
    private int _inFlight;
    private long _sequence;
    // Bumped by a reset: requests in flight across it must not schedule retries into the fresh portal.
    private int _generation;
    private Task? _loop;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The HttpClient owns the handler (disposeHandler) and is disposed in DisposeAsync.")]
    internal WebhookDelivery(PortalState portal)
    {
        _portal = portal;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        portal.Webhooks.Committed += Enqueue;
        portal.Clock.Advanced += Wake;
        portal.WasReset += Clear;
    }

    /// <summary>Duplicate and out-of-order deliveries; cleared (to none) by a reset.</summary>
    public WebhookDeliveryFaults Faults
    {
        get
        {
            lock (_gate)
            {
                return _faults;
            }
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if ((value.Duplicates?.Problem("duplicates") ?? value.OutOfOrder?.Problem("outOfOrder")) is { } problem)
            {
                throw new ArgumentException(problem, nameof(value));
            }

            lock (_gate)
            {
                _faults = value with { Seed = value.Seed ?? Random.Shared.Next() };
                _random = new Random(_faults.Seed!.Value);
                _duplicatesLeft = value.Duplicates?.Count;
                _outOfOrderLeft = value.OutOfOrder?.Count;
            }
        }
    }

    /// <summary>Every attempt so far (the latest 10,000), oldest first.</summary>
    public IReadOnlyList<WebhookDeliveryAttempt> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Events waiting for their first request, requests in flight, and retries scheduled for later.</summary>
    public (int Queued, int InFlight, int Scheduled) Backlog
    {
        get
        {
            lock (_gate)
            {
                return (_queue.Count, _inFlight, _scheduled.Count);
            }
        }
    }

    /// <summary>True when nothing is queued, in flight, or due (retries scheduled for a later emulator time don't count).</summary>
    public bool IsIdle
    {
        get
        {
            var now = _portal.Now;
            lock (_gate)
            {
                return _queue.Count == 0 && _inFlight == 0 && !_scheduled.Exists(r => r.Due <= now);
            }
        }
    }

    /// <summary>Waits until <see cref="IsIdle"/>; false when <paramref name="timeout"/> (real time) passes first.</summary>
    public async Task<bool> WaitForIdleAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        while (!IsIdle)
        {
            if (watch.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Makes every scheduled retry due now (without moving the clock).</summary>
    public void RetryNow()
    {
        var now = _portal.Now;
        lock (_gate)
        {
            foreach (var r in _scheduled)
            {
                r.Due = now;
            }
        }

        Wake();
    }

    /// <summary>Empties the delivery log.</summary>
    public void ClearLog()
    {
        lock (_gate)
        {
            _log.Clear();
        }
    }

    internal void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    internal async ValueTask DisposeAsync()
    {
        _portal.Webhooks.Committed -= Enqueue;
        _portal.Clock.Advanced -= Wake;
        _portal.WasReset -= Clear;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }

    private void Enqueue(IReadOnlyList<WebhookEvent> events)
    {
        lock (_gate)
        {
            foreach (var e in events)
            {
                _queue.AddLast(e);
            }
        }

        Wake();
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Clear()
    {
        lock (_gate)
        {
            _queue.Clear();
            _scheduled.Clear();
            _log.Clear();
            _generation++;
        }

        Faults = new WebhookDeliveryFaults();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var wait = Dispatch();
            try
            {
                await _wake.WaitAsync(wait, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Starts every request the concurrency limit allows; returns how long to wait before looking again.</summary>
    private TimeSpan Dispatch()
    {
        string? target;
        int limit;
        string secret;
        using (_portal.Read())
        {
            target = _portal.Webhooks.Settings?.TargetUrl;
            limit = Math.Max(1, Math.Min(_portal.Webhooks.Settings?.MaxConcurrentRequests ?? int.MaxValue, _portal.Fidelity.WebhookMaxConcurrentRequests));
            secret = _portal.ClientSecret;
        }

        var now = _portal.Now;
        lock (_gate)
        {
            if (target is null)
            {
                // No settings: nowhere to deliver (HubSpot pauses the app's subscriptions); waiting events are dropped.
                _queue.Clear();
                _scheduled.Clear();
                return IdlePoll;
            }

            while (_inFlight < limit && Next(now) is { } request)
            {
                _inFlight++;
                var task = SendAsync(request, target, secret);
                _running.Add(task);
                _ = task.ContinueWith(t =>
                {
                    lock (_gate)
                    {
                        _running.Remove(t);
                    }
                }, TaskScheduler.Default);
            }

            if (_inFlight >= limit || _scheduled.Count == 0)
            {
                return IdlePoll;
            }

            var nextDue = _scheduled.Min(r => r.Due) - now;
            return nextDue < TimeSpan.Zero ? TimeSpan.Zero : nextDue < IdlePoll ? nextDue : IdlePoll;
        }
    }

    /// <summary>The next request to send: a due retry or duplicate first, then a new batch. Under the gate.</summary>
    private PendingRequest? Next(DateTimeOffset now)
    {
        var due = _scheduled.Where(r => r.Due <= now).OrderBy(r => r.Due).FirstOrDefault();
        if (due is not null)
        {
            _scheduled.Remove(due);
            return due;
        }

        if (_queue.Count == 0)
        {
            return null;
        }

        var size = Math.Max(1, _portal.Fidelity.WebhookMaxEventsPerRequest);
        var outOfOrder = Fires(_faults.OutOfOrder, ref _outOfOrderLeft);
        var events = new List<WebhookEvent>(Math.Min(size, _queue.Count));
        while (events.Count < size && _queue.Count > 0)
        {
            // Out of order: the newest waiting events go first, newest first.
            var node = outOfOrder ? _queue.Last! : _queue.First!;
            events.Add(node.Value);
            _queue.Remove(node);
        }

        return new PendingRequest(events, 0, now) { OutOfOrder = outOfOrder, Generation = _generation };
    }

    private bool Fires(WebhookFaultSwitch? fault, ref int? left)
    {
        if (fault is null || left is <= 0)
        {
            return false;
        }

        if (left is not null)
        {
            left--;
        }

        return _random.NextDouble() < fault.Probability;
    }

    private async Task SendAsync(PendingRequest request, string target, string secret)
    {
        await Task.Yield();
        var body = Serialize(request, _portal.Fidelity.WebhookEscapeNonAscii);
        var timestamp = _portal.Now.ToUnixTimeMilliseconds();
        var at = _portal.Now;
        var watch = Stopwatch.StartNew();
        string outcome;
        int? status = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            timeout.CancelAfter(Math.Max(1, _portal.Fidelity.WebhookTimeoutMilliseconds));
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, target)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
                };
                message.Headers.TryAddWithoutValidation("X-HubSpot-Signature", WebhookSignatures.V1(secret, body));
                message.Headers.TryAddWithoutValidation("X-HubSpot-Signature-Version", "v1");
                // v3 signs the URI as the request carries it (scheme and host lowercased, default port dropped, unsafe
                // characters escaped), which is what a receiver rebuilds from its request line and Host header.
                message.Headers.TryAddWithoutValidation("X-HubSpot-Signature-v3", WebhookSignatures.V3(secret, "POST", WebhookSignatures.V3Uri(message.RequestUri!.AbsoluteUri), body, timestamp));
                message.Headers.TryAddWithoutValidation("X-HubSpot-Request-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                message.Headers.UserAgent.ParseAdd("HubSpot Connect 2.0 (http://dev.hubspot.com/) (Spoke emulator)");
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                outcome = response.IsSuccessStatusCode ? "delivered" : "status";
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                outcome = "timeout";
            }
            catch (HttpRequestException)
            {
                outcome = "connection";
            }
            catch (OperationCanceledException)
            {
                outcome = "stopped";
            }
        }

        Completed(request, target, at, outcome, status, watch.ElapsedMilliseconds);
    }

    private void Completed(PendingRequest request, string target, DateTimeOffset at, string outcome, int? status, long elapsedMs)
    {
        var now = _portal.Now;
        lock (_gate)
        {
            _inFlight--;
            if (request.Generation != _generation)
            {
                return;
            }

            DateTimeOffset? nextRetry = null;
            var gaveUp = false;
            if (outcome != "delivered" && outcome != "stopped" && !request.Duplicate)
            {
                if (request.AttemptNumber < _portal.Fidelity.WebhookMaxRetries)
                {
                    // Retry n+1 waits FirstRetryDelay × 2^n, randomized ×0.75–1.25 (1 minute: ten retries within about 21 hours).
                    var delay = _portal.Fidelity.WebhookFirstRetryDelay * Math.Pow(2, request.AttemptNumber) * (0.75 + (0.5 * _random.NextDouble()));
                    nextRetry = now + delay;
                    _scheduled.Add(new PendingRequest(request.Events, request.AttemptNumber + 1, nextRetry.Value) { Generation = _generation });
                }
                else
                {
                    gaveUp = true;
                }
            }

            if (outcome == "delivered" && !request.Duplicate && Fires(_faults.Duplicates, ref _duplicatesLeft))
            {
                _scheduled.Add(new PendingRequest(request.Events, request.AttemptNumber, now) { Duplicate = true, Generation = _generation });
            }

            _log.AddLast(new WebhookDeliveryAttempt(++_sequence, at, target, [.. request.Events.Select(e => e.EventId)], request.AttemptNumber,
                outcome, status, nextRetry, gaveUp, request.Duplicate, request.OutOfOrder, elapsedMs));
            if (_log.Count > MaxLogEntries)
            {
                _log.RemoveFirst();
            }
        }

        Wake();
    }

    /// <summary>The body's UTF-8 bytes, produced once: the request sends them and both signatures hash them.</summary>
    private static byte[] Serialize(PendingRequest request, bool escapeNonAscii)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        // Like the API's responses: non-ASCII text as UTF-8, not \uXXXX escapes, which would triple a body's size
        // (WebhookEscapeNonAscii switches to the escapes: HubSpot's choice is UNVERIFIED).
        using (var w = new Utf8JsonWriter(buffer, escapeNonAscii ? default : Http.JsonIO.WriterOptions))
        {
            w.WriteStartArray();
            foreach (var e in request.Events)
            {
                e.Write(w, request.AttemptNumber);
            }

            w.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed class PendingRequest(IReadOnlyList<WebhookEvent> events, int attemptNumber, DateTimeOffset due)
    {
        public IReadOnlyList<WebhookEvent> Events { get; } = events;
        public int AttemptNumber { get; } = attemptNumber;
        public DateTimeOffset Due { get; set; } = due;
        public bool Duplicate { get; init; }
        public bool OutOfOrder { get; init; }
        public int Generation { get; init; }
    }
}
