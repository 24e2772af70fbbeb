using System.Globalization;
using Spoke.Errors;

namespace Spoke.RateLimiting;

/// <summary>
/// The proactive rate-limit gate of one budget (a portal and app, keyed by <see cref="Auth.IAccessTokenProvider.BudgetKey"/>),
/// shared by every client in the process that uses it. Callers take a slot before each attempt and hand it back with the
/// answer. Two rolling windows: the burst window (tier default until an answer, of any status, carries
/// <c>X-HubSpot-RateLimit-Max</c>, <c>-Interval-Milliseconds</c> and <c>-Remaining</c>; from then on what they say) and
/// search's 5 per second (from the start, or only once a search got a <c>SECONDLY</c> 429: search answers carry no headers).
/// After a 429 without <c>Retry-After</c> the server's window is full: the gate lets one call through for each of the sends
/// it knows of in that window as they age out, not a whole window later. Waiters are served first come, first served. A slot counts from when its answer arrived, not when it was sent: HubSpot counts arrivals, and an arrival is
/// never later than the answer, so the client's window always covers HubSpot's. Time (and every wait) comes from the
/// <see cref="TimeProvider"/>, so a fake clock drives the gate.
/// </summary>
internal sealed class RateLimitGate
{
    public static readonly TimeSpan DefaultBurstInterval = TimeSpan.FromSeconds(10);
    public const int SearchPerSecond = 5;

    /// <summary>The search window's size while no limit is known (it still records send times, to wait well after a 429).</summary>
    private const int Unlimited = int.MaxValue;

    /// <summary>How long a daily figure is trusted; after that one call is let through to read a fresh one (the day may
    /// have turned in the portal's time zone, which the client does not know).</summary>
    private static readonly TimeSpan DailyFigureLifetime = TimeSpan.FromMinutes(15);

    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly double _dailyReserve;
    private readonly Window _burst;
    private readonly Window _search;
    private long? _dailyLimit;
    private long _dailyRemaining;
    private long _sentSinceDailyFigure;
    private DateTimeOffset? _dailyFigureAt;
    private DateTimeOffset _lastStamp = DateTimeOffset.MinValue;

    /// <param name="key">The budget key (never a token).</param>
    /// <param name="burstLimit">Requests per burst window until HubSpot's headers say otherwise (the tier's default or the configured one).</param>
    /// <param name="dailyReserve">Share (0..1) of the daily budget left to other apps: at or below it, calls fail fast.</param>
    /// <param name="time">The clock every window and wait uses.</param>
    /// <param name="searchPaced">Searches keep to <see cref="SearchPerSecond"/> from the start; false: only once a search got a
    /// <c>SECONDLY</c> 429.</param>
    public RateLimitGate(string key, int burstLimit, double dailyReserve, TimeProvider time, bool searchPaced = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burstLimit, 1);
        Key = key;
        _time = time;
        _dailyReserve = Math.Clamp(dailyReserve, 0, 1);
        _burst = new Window(this, burstLimit, DefaultBurstInterval);
        _search = new Window(this, searchPaced ? SearchPerSecond : Unlimited, TimeSpan.FromSeconds(1));
    }

    /// <summary>The budget key (never a token).</summary>
    public string Key { get; }

    public TimeProvider Time => _time;

    /// <summary>Requests per burst window, as last learned.</summary>
    public int BurstLimit
    {
        get
        {
            lock (_lock)
            {
                return _burst.Max;
            }
        }
    }

    /// <summary>Searches per second the gate holds callers to; null while it has learned no search limit.</summary>
    public int? SearchLimit
    {
        get
        {
            lock (_lock)
            {
                return _search.Max == Unlimited ? null : _search.Max;
            }
        }
    }

    public TimeSpan BurstInterval
    {
        get
        {
            lock (_lock)
            {
                return _burst.Interval;
            }
        }
    }

    /// <summary>Callers queued for a slot (diagnostics and tests).</summary>
    public int Waiting(bool search)
    {
        lock (_lock)
        {
            return (search ? _search : _burst).Waiters.Count;
        }
    }

    /// <summary>Sends the burst window holds now (answered in the last interval, in flight, and other apps' spend booked from
    /// <c>X-HubSpot-RateLimit-Remaining</c>).</summary>
    public int BurstWindowUsed
    {
        get
        {
            lock (_lock)
            {
                var now = Now();
                _burst.Prune(now);
                return _burst.Completed.Count + _burst.InFlight;
            }
        }
    }

    /// <summary>Slots of the burst window a caller with <paramref name="burstReserve"/> leaves unused.</summary>
    public int ReservedSlots(double burstReserve)
    {
        lock (_lock)
        {
            return _burst.Reserved(burstReserve);
        }
    }

    /// <summary>Waits for a slot with no burst reserve (see the overload).</summary>
    public ValueTask<GateLease> AcquireAsync(bool search, CancellationToken cancellationToken) => AcquireAsync(search, 0, cancellationToken);

    /// <summary>Waits for a slot in the burst window (or the search window), first come, first served.</summary>
    /// <param name="search">A search: its own window (5 per second).</param>
    /// <param name="burstReserve">Share (0..1) of the burst window this caller leaves to other apps: it is granted a slot only
    /// while the window (everything counted in it: this process's sends and other apps' spend) stays below the rest.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="HubSpotRateLimitException">The daily budget is down to the reserve kept for other apps.</exception>
    public ValueTask<GateLease> AcquireAsync(bool search, double burstReserve, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var window = search ? _search : _burst;
        var reserve = search ? 0 : Math.Clamp(burstReserve, 0, 1);
        lock (_lock)
        {
            var now = Now();
            if (DailyRefusal(now) is { } refusal)
            {
                throw refusal;
            }

            if (!QueuedAhead(window, reserve) && window.HasRoom(now, reserve))
            {
                return ValueTask.FromResult(Grant(window, now));
            }

            var waiter = new Waiter(window, reserve);
            waiter.Node = window.Waiters.AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Cancel(token), waiter);
            }

            Schedule(window, now);
            return new ValueTask<GateLease>(waiter.Task);
        }
    }

    /// <summary>Someone waits whom this caller must not overtake: a waiter keeping the same reserve or a smaller one.</summary>
    private static bool QueuedAhead(Window window, double reserve)
    {
        for (var node = window.Waiters.First; node is not null; node = node.Next)
        {
            if (node.Value.Reserve <= reserve)
            {
                return true;
            }
        }

        return false;
    }

    private GateLease Grant(Window window, DateTimeOffset now)
    {
        window.Granted();
        if (_dailyFigureAt is not null)
        {
            _sentSinceDailyFigure++;
        }

        // What the window held when the slot was granted (this one included): see Learn.
        return new GateLease(this, window, window.Completed.Count + window.InFlight, window.Grants);
    }

    /// <summary>Hands a slot back; learns from the answer's headers, or from the 429 it got.</summary>
    internal void Complete(GateLease lease, HttpResponseMessage? response, HubSpotRateLimitException? rejection)
    {
        var window = lease.Window;
        lock (_lock)
        {
            var now = Now();
            window.InFlight--;
            window.Completed.Enqueue(Stamp(now));
            if (response is not null)
            {
                Learn(lease, response, now);
            }

            if (rejection is not null)
            {
                LearnRejection(window, rejection, now);
            }

            Pump(window);
        }
    }

    private void Learn(GateLease lease, HttpResponseMessage response, DateTimeOffset now)
    {
        if (Header(response, "X-HubSpot-RateLimit-Daily") is { } daily)
        {
            _dailyLimit = daily;
        }

        if (Header(response, "X-HubSpot-RateLimit-Daily-Remaining") is { } dailyRemaining)
        {
            _dailyRemaining = dailyRemaining;
            _dailyFigureAt = now;
            _sentSinceDailyFigure = 0;
        }

        if (lease.Window != _burst)
        {
            return;
        }

        if (Header(response, "X-HubSpot-RateLimit-Interval-Milliseconds") is > 0 and var intervalMs)
        {
            _burst.Interval = TimeSpan.FromMilliseconds(intervalMs);
        }

        if (Header(response, "X-HubSpot-RateLimit-Max") is > 0 and var max)
        {
            _burst.Max = (int)Math.Min(max, int.MaxValue);
        }

        if (Header(response, "X-HubSpot-RateLimit-Remaining") is { } remaining)
        {
            // HubSpot saw this many in its window when the request arrived. Ours among them are at most what the window
            // held at the grant (answered in the interval before it, or in flight) plus every slot granted since; the
            // window as it stands now would miss sends that aged out while a slow answer was on its way, and book our
            // own traffic twice. More than ours means another process spends the same budget: book the difference as
            // if it had just been spent.
            var serverUsed = _burst.Max - remaining;
            var ours = lease.HeldAtGrant + (_burst.Grants - lease.GrantsAtGrant);
            for (var i = ours; i < serverUsed && _burst.Completed.Count + _burst.InFlight < _burst.Max; i++)
            {
                _burst.Completed.Enqueue(Stamp(now));
            }
        }
    }

    private void LearnRejection(Window window, HubSpotRateLimitException rejection, DateTimeOffset now)
    {
        if (rejection.PolicyName == "DAILY")
        {
            _dailyRemaining = 0;
            _dailyFigureAt = now;
            _sentSinceDailyFigure = 0;
            return;
        }

        var target = rejection.PolicyName == "SECONDLY" ? window : _burst;
        if (target == _search && _search.Max == Unlimited)
        {
            // The server limits searches after all; its 429 names no figure, so take HubSpot's documented one.
            _search.Max = SearchPerSecond;
        }

        if (rejection.RetryAfter is { } after && after > TimeSpan.Zero)
        {
            Block(target, now + after);
        }
        else
        {
            target.Rejected(now);
        }
    }

    private static void Block(Window window, DateTimeOffset until)
    {
        if (until > window.BlockedUntil)
        {
            window.BlockedUntil = until;
        }
    }

    private HubSpotRateLimitException? DailyRefusal(DateTimeOffset now)
    {
        if (_dailyFigureAt is not { } at || now - at >= DailyFigureLifetime)
        {
            return null;
        }

        var left = _dailyRemaining - _sentSinceDailyFigure;
        var reserve = _dailyLimit is { } limit ? (long)Math.Ceiling(limit * _dailyReserve) : 0;
        if (left > reserve)
        {
            return null;
        }

        var message = reserve > 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"Spoke held this call back: the portal's daily API budget is down to {Math.Max(0, left)} requests, the reserve kept for other apps is {reserve}.")
            : "Spoke held this call back: the portal's daily API budget is used up.";
        return new HubSpotRateLimitException(message, "DAILY", null, null, "RATE_LIMITS")
        {
            Limits = new HubSpotRateLimitInfo(_burst.Max, null, _burst.Interval, _dailyLimit, Math.Max(0, left)),
        };
    }

    /// <summary>Grants queued waiters while there is room, then arms the timer for the next change.</summary>
    /// <remarks>First come, first served among callers keeping the same reserve; a caller keeping a smaller one is not held
    /// behind one whose larger reserve is what stops it (the window may have room for the first and not the second).</remarks>
    private void Pump(Window window)
    {
        var now = Now();
        var blockedAt = double.MaxValue;
        var node = window.Waiters.First;
        while (node is not null && blockedAt > 0)
        {
            var next = node.Next;
            var waiter = node.Value;
            if (waiter.Reserve < blockedAt)
            {
                if (!window.HasRoom(now, waiter.Reserve))
                {
                    blockedAt = waiter.Reserve;
                }
                else
                {
                    window.Waiters.Remove(node);
                    waiter.Node = null;
                    if (DailyRefusal(now) is { } refusal)
                    {
                        waiter.Fail(refusal);
                    }
                    else
                    {
                        waiter.Grant(Grant(window, now));
                    }
                }
            }

            node = next;
        }

        Schedule(window, now);
    }

    private void Schedule(Window window, DateTimeOffset now)
    {
        if (window.Waiters.Count == 0 || window.NextChange(now) is not { } next)
        {
            // Nobody waits, or every slot is in flight: a completion pumps.
            return;
        }

        var due = next - now;
        if (due < TimeSpan.FromMilliseconds(1))
        {
            due = TimeSpan.FromMilliseconds(1);
        }

        window.Timer ??= _time.CreateTimer(static state => ((Window)state!).OnTimer(), window, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        window.Timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private DateTimeOffset Now() => _time.GetUtcNow();

    /// <summary>Stamps never go backwards, so the window's queue stays in time order.</summary>
    private DateTimeOffset Stamp(DateTimeOffset now)
    {
        if (now > _lastStamp)
        {
            _lastStamp = now;
        }

        return _lastStamp;
    }

    private static long? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) &&
        long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    internal sealed class Window(RateLimitGate gate, int max, TimeSpan interval)
    {
        public int Max { get; set; } = max;
        public TimeSpan Interval { get; set; } = interval;
        public int InFlight { get; set; }
        public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.MinValue;
        public Queue<DateTimeOffset> Completed { get; } = new();
        public LinkedList<Waiter> Waiters { get; } = new();
        public ITimer? Timer { get; set; }
        public RateLimitGate Gate => gate;

        /// <summary>Sends recorded when the server last said the window was full, not yet aged out; 0 = no 429 pending.</summary>
        private int _sendsBeforeRejection;

        /// <summary>Slots freed since that 429 (one per aged-out send), minus the ones granted since.</summary>
        private int _freedSinceRejection;

        /// <summary>Slots left unused by a caller keeping <paramref name="reserve"/> of the window to other apps (at least one
        /// slot stays usable, so a tiny budget still moves).</summary>
        public int Reserved(double reserve) =>
            reserve <= 0 ? 0 : Math.Min(Max - 1, (int)Math.Ceiling(Max * reserve - 1e-9));

        public bool HasRoom(DateTimeOffset now, double reserve)
        {
            Prune(now);
            if (now < BlockedUntil || Completed.Count + InFlight >= Max - Reserved(reserve))
            {
                return false;
            }

            return _sendsBeforeRejection == 0 || _freedSinceRejection > 0;
        }

        /// <summary>Slots granted since the gate was made.</summary>
        public long Grants { get; private set; }

        public void Granted()
        {
            InFlight++;
            Grants++;
            if (_sendsBeforeRejection > 0)
            {
                _freedSinceRejection--;
            }
        }

        /// <summary>
        /// A 429 without <c>Retry-After</c> (its own answer already recorded): the server's window is full now, and frees a
        /// slot no later than each send recorded so far ages out (the server counted it at arrival, before the answer we
        /// stamped). The rejected call's own stamp is the last of them, so the window has certainly rolled one interval on.
        /// </summary>
        public void Rejected(DateTimeOffset now)
        {
            Prune(now);
            _sendsBeforeRejection = Completed.Count;
            _freedSinceRejection = 0;
        }

        public DateTimeOffset? NextChange(DateTimeOffset now)
        {
            Prune(now);
            if (BlockedUntil > now)
            {
                return BlockedUntil;
            }

            return Completed.Count > 0 ? Completed.Peek() + Interval : null;
        }

        public void OnTimer()
        {
            lock (gate._lock)
            {
                gate.Pump(this);
            }
        }

        public void Prune(DateTimeOffset now)
        {
            while (Completed.Count > 0 && Completed.Peek() + Interval <= now)
            {
                Completed.Dequeue();
                if (_sendsBeforeRejection > 0)
                {
                    _sendsBeforeRejection--;
                    _freedSinceRejection++;
                    if (_sendsBeforeRejection == 0)
                    {
                        // Everything the server had counted at the 429 has aged out: back to the plain window.
                        _freedSinceRejection = 0;
                    }
                }
            }
        }
    }

    internal sealed class Waiter(Window window, double reserve)
    {
        public double Reserve => reserve;

        private readonly TaskCompletionSource<GateLease> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
        public CancellationTokenRegistration Registration { get; set; }
        public Task<GateLease> Task => _done.Task;

        // Unregister, not Dispose: these run under the gate's lock, and Dispose would wait for a running Cancel
        // that is itself waiting for the lock.
        public void Grant(GateLease lease)
        {
            Registration.Unregister();
            if (!_done.TrySetResult(lease))
            {
                lease.Dispose();
            }
        }

        public void Fail(Exception error)
        {
            Registration.Unregister();
            _done.TrySetException(error);
        }

        public void Cancel(CancellationToken token)
        {
            lock (window.Gate._lock)
            {
                if (Node is null)
                {
                    return;
                }

                window.Waiters.Remove(Node);
                Node = null;
            }

            _done.TrySetCanceled(token);
        }
    }
}

/// <summary>One granted slot; hand it back with <see cref="Complete"/> (or <see cref="Dispose"/> when no answer came).</summary>
internal sealed class GateLease(RateLimitGate gate, RateLimitGate.Window window, int heldAtGrant, long grantsAtGrant) : IDisposable
{
    private int _completed;

    internal RateLimitGate.Window Window => window;

    /// <summary>Sends the window held when this slot was granted, this one included.</summary>
    internal int HeldAtGrant => heldAtGrant;

    /// <summary><see cref="RateLimitGate.Window.Grants"/> just after this slot was granted.</summary>
    internal long GrantsAtGrant => grantsAtGrant;

    public void Complete(HttpResponseMessage? response, HubSpotRateLimitException? rejection = null)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            gate.Complete(this, response, rejection);
        }
    }

    public void Dispose() => Complete(null);
}
