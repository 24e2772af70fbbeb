using System.Globalization;

namespace Spoke.Emulator.Faults;

/// <summary>What the active rules decided for one request.</summary>
/// <param name="Delay">Latency to add before executing (sum of firing latency rules).</param>
/// <param name="Terminal">The status/rateLimit/drop/timeout rule that answers, the oldest one when several fire.</param>
/// <param name="WriteTimestamp">The frozen timestamp writes must carry (sameTimestamp).</param>
internal readonly record struct FaultPlan(TimeSpan Delay, FaultRule? Terminal, DateTimeOffset? WriteTimestamp)
{
    public bool IsEmpty => Delay == TimeSpan.Zero && Terminal is null && WriteTimestamp is null;
}

/// <summary>
/// The fault rules of one emulator (<c>emulator.Faults</c>, <c>/_emulator/faults</c>). Every active rule whose route
/// matches sees each request in arrival order and draws from its own <c>Random(seed)</c>, so a given seed and request
/// sequence gives the same faults. Time (durations, sameTimestamp) is the emulator clock's.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly List<ActiveRule> _rules = [];
    private readonly EmulatorClock _clock;
    private readonly AsyncLocal<DateTimeOffset?> _writeTimestamp = new();
    private int _nextId = 1;

    internal FaultInjector(EmulatorClock clock) => _clock = clock;

    /// <summary>Adds a rule; returns it with its id, creation time and seed filled in.</summary>
    /// <exception cref="ArgumentException">The rule is invalid (bad route regex, probability outside 0..1, …).</exception>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(rule));
        }

        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var added = rule with
            {
                Id = "fault-" + (_nextId++).ToString(CultureInfo.InvariantCulture),
                CreatedAt = now,
                Seed = rule.Seed ?? Random.Shared.Next(),
                At = rule.Kind == FaultKind.SameTimestamp ? (rule.At ?? now).ToUniversalTime() : rule.At,
            };
            _rules.Add(new ActiveRule(added));
            return added;
        }
    }

    /// <summary>Removes one rule; false when no rule has that id.</summary>
    public bool Remove(string id)
    {
        lock (_gate)
        {
            return _rules.RemoveAll(r => r.Rule.Id == id) > 0;
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>The rules in creation order, with what each has done so far.</summary>
    public IReadOnlyList<FaultRuleStatus> List()
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            return _rules.Select(r => r.Status(now)).ToList();
        }
    }

    /// <summary>The write timestamp a sameTimestamp rule imposes on the current request, if any.</summary>
    internal DateTimeOffset? CurrentWriteTimestamp() => _writeTimestamp.Value;

    internal void SetWriteTimestamp(DateTimeOffset? at) => _writeTimestamp.Value = at;

    /// <summary>Lets every active matching rule see the request and collects what fires.</summary>
    internal FaultPlan Evaluate(string method, string path)
    {
        var now = _clock.GetUtcNow();
        var delay = TimeSpan.Zero;
        FaultRule? terminal = null;
        DateTimeOffset? writeTimestamp = null;
        lock (_gate)
        {
            foreach (var active in _rules)
            {
                if (!active.IsActive(now) || !active.Pattern.Matches(method, path) || !active.Draw())
                {
                    continue;
                }

                switch (active.Rule.Kind)
                {
                    case FaultKind.Latency:
                        delay += active.DrawLatency();
                        break;
                    case FaultKind.SameTimestamp:
                        writeTimestamp ??= active.Rule.At;
                        break;
                    default:
                        terminal ??= active.Rule;
                        break;
                }
            }
        }

        var cap = TimeSpan.FromMilliseconds(FaultRule.MaxHoldMs);
        return new FaultPlan(delay > cap ? cap : delay, terminal, writeTimestamp);
    }

    private sealed class ActiveRule(FaultRule rule)
    {
        private readonly Random _random = new(rule.Seed!.Value);

        public FaultRule Rule { get; } = rule;
        public RoutePattern Pattern { get; } = new(rule.Route);
        public int Matched { get; private set; }
        public int Fired { get; private set; }

        // A duration that reaches past DateTimeOffset's end means "until deleted"; adding it would overflow on every request.
        private DateTimeOffset? ExpiresAt => Rule.DurationMs is { } ms
            ? ms < (DateTimeOffset.MaxValue - Rule.CreatedAt!.Value).TotalMilliseconds ? Rule.CreatedAt.Value.AddMilliseconds(ms) : DateTimeOffset.MaxValue
            : null;

        public bool IsActive(DateTimeOffset now) =>
            (Rule.Count is not { } count || Matched < count) && (ExpiresAt is not { } end || now < end);

        /// <summary>Counts the request against the rule and decides whether it fires.</summary>
        public bool Draw()
        {
            Matched++;
            var fires = Rule.Probability >= 1 || (Rule.Probability > 0 && _random.NextDouble() < Rule.Probability);
            if (fires)
            {
                Fired++;
            }

            return fires;
        }

        public TimeSpan DrawLatency()
        {
            double ms;
            if (Rule.Latency is not { } d)
            {
                ms = Rule.LatencyMs ?? 0;
            }
            else if (d.Distribution == LatencyShape.Normal)
            {
                // Box–Muller: one standard normal draw from two uniform ones.
                var u1 = 1.0 - _random.NextDouble();
                var u2 = _random.NextDouble();
                var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                ms = Math.Clamp(d.MeanMs!.Value + (z * (d.StdDevMs ?? 0)), d.MinMs ?? 0, d.MaxMs ?? FaultRule.MaxHoldMs);
            }
            else
            {
                var min = d.MinMs ?? 0;
                ms = min + (_random.NextDouble() * (d.MaxMs!.Value - min));
            }

            return TimeSpan.FromMilliseconds(Math.Clamp(ms, 0, FaultRule.MaxHoldMs));
        }

        public FaultRuleStatus Status(DateTimeOffset now) => new(Rule, Matched, Fired, IsActive(now), ExpiresAt);
    }
}
