namespace Spoke.Emulator.Faults;

/// <summary>What a fault rule does to the requests it hits.</summary>
public enum FaultKind
{
    /// <summary>Delays the request before it executes.</summary>
    Latency,

    /// <summary>Answers with a HubSpot-shaped 5xx body, without executing (or after executing, with <c>afterExecute</c>).</summary>
    Status,

    /// <summary>Answers 429 with HubSpot's rate-limit body, without executing.</summary>
    RateLimit,

    /// <summary>Aborts the connection, before executing (or after, with <c>afterExecute</c>).</summary>
    Drop,

    /// <summary>Holds the request until the client gives up (at most <c>timeoutMs</c>), then aborts.</summary>
    Timeout,

    /// <summary>Stamps every write with one frozen timestamp (createdate, lastmodifieddate, updatedAt).</summary>
    SameTimestamp,
}

/// <summary>The shape of a latency draw.</summary>
public enum LatencyShape
{
    /// <summary>Uniform in [min, max].</summary>
    Uniform,

    /// <summary>Normal(mean, stdDev), clamped to [min, max].</summary>
    Normal,
}

/// <summary>Latency drawn from a distribution: uniform in [min, max], or normal(mean, stdDev) clamped to [min, max].</summary>
public sealed record LatencyDistribution
{
    /// <summary>The shape of the draw (default uniform).</summary>
    public LatencyShape Distribution { get; init; } = LatencyShape.Uniform;

    /// <summary>The shortest delay, in milliseconds.</summary>
    public double? MinMs { get; init; }

    /// <summary>The longest delay, in milliseconds.</summary>
    public double? MaxMs { get; init; }

    /// <summary>The mean of a normal draw, in milliseconds.</summary>
    public double? MeanMs { get; init; }

    /// <summary>The standard deviation of a normal draw, in milliseconds.</summary>
    public double? StdDevMs { get; init; }
}

/// <summary>
/// One fault to inject: which requests (<see cref="Route"/>, a glob or a <c>^regex</c> on <c>"METHOD /path"</c>), what
/// happens to them (<see cref="Kind"/>), how often (<see cref="Probability"/>, drawn from <c>Random(Seed)</c>) and for
/// how long (<see cref="Count"/> matching requests, <see cref="DurationMs"/> of emulator time from creation).
/// </summary>
public sealed record FaultRule
{
    /// <summary>Hard ceiling on real time a rule may hold a request (latency, timeout).</summary>
    public const int MaxHoldMs = 120_000;

    /// <summary>Assigned when the rule is added.</summary>
    public string? Id { get; init; }

    /// <summary><c>"*"</c>, a glob such as <c>"POST /crm/v3/objects/*/batch/*"</c> (<c>*</c> spans anything, <c>?</c>
    /// one character; without a method it matches every method), or a regex starting with <c>^</c>.</summary>
    public string Route { get; init; } = "*";

    /// <summary>What the rule does to a matching request.</summary>
    public FaultKind Kind { get; init; }

    /// <summary>Fixed latency (kind latency).</summary>
    public int? LatencyMs { get; init; }

    /// <summary>Drawn latency (kind latency), instead of <see cref="LatencyMs"/>.</summary>
    public LatencyDistribution? Latency { get; init; }

    /// <summary>Status to answer (kind status): 500–599.</summary>
    public int Status { get; init; } = 500;

    /// <summary>Share of matching requests the rule fires on, 0..1.</summary>
    public double Probability { get; init; } = 1;

    /// <summary>Number of matching requests the rule applies to (whether or not the draw fires); null = unlimited.</summary>
    public int? Count { get; init; }

    /// <summary>Lifetime in emulator-clock milliseconds from creation; null = until deleted.</summary>
    public long? DurationMs { get; init; }

    /// <summary>Seed of the rule's own random sequence; one is chosen (and reported) when absent.</summary>
    public int? Seed { get; init; }

    /// <summary>Status, drop, timeout: execute the request first (the write happens), then fail.</summary>
    public bool AfterExecute { get; init; }

    /// <summary>Kind timeout: real time to hold the request at most before aborting it.</summary>
    public int TimeoutMs { get; init; } = 30_000;

    /// <summary>Kind sameTimestamp: the timestamp to stamp; the emulator clock at creation when absent.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>Kind rateLimit: <c>TEN_SECONDLY_ROLLING</c> (default), <c>SECONDLY</c> or <c>DAILY</c>.</summary>
    public string Policy { get; init; } = "TEN_SECONDLY_ROLLING";

    /// <summary>Emulator time the rule was added (assigned).</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Why the rule cannot be used, or null when it is valid.</summary>
    internal string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Route))
        {
            return "\"route\" must be \"*\", a glob such as \"POST /crm/v3/objects/*/batch/*\", or a regex starting with ^.";
        }

        if (RoutePattern.Problem(Route) is { } routeProblem)
        {
            return routeProblem;
        }

        if (double.IsNaN(Probability) || Probability is < 0 or > 1)
        {
            return "\"probability\" must be between 0 and 1.";
        }

        if (Count is <= 0)
        {
            return "\"count\" must be a positive integer.";
        }

        if (DurationMs is <= 0)
        {
            return "\"durationMs\" must be a positive integer.";
        }

        return Kind switch
        {
            FaultKind.Latency => LatencyProblem(),
            FaultKind.Status when Status is < 500 or > 599 => "\"status\" must be a 5xx status (500–599).",
            FaultKind.RateLimit when Policy is not ("TEN_SECONDLY_ROLLING" or "SECONDLY" or "DAILY") =>
                "\"policy\" must be TEN_SECONDLY_ROLLING, SECONDLY or DAILY.",
            FaultKind.Timeout when TimeoutMs is <= 0 or > MaxHoldMs => $"\"timeoutMs\" must be between 1 and {MaxHoldMs}.",
            _ => null,
        };
    }

    private string? LatencyProblem()
    {
        if (LatencyMs is null && Latency is null)
        {
            return "A latency rule needs \"latencyMs\" or \"latency\": {\"distribution\": \"uniform\"|\"normal\", ...}.";
        }

        if (LatencyMs is < 0 or > MaxHoldMs)
        {
            return $"\"latencyMs\" must be between 0 and {MaxHoldMs}.";
        }

        if (Latency is { } d)
        {
            if (d.MinMs is < 0 || d.MaxMs is < 0 || d.MeanMs is < 0 || d.StdDevMs is < 0)
            {
                return "Latency figures must not be negative.";
            }

            if (d.MinMs is { } min && d.MaxMs is { } max && min > max)
            {
                return "\"latency.minMs\" must not exceed \"latency.maxMs\".";
            }

            if (d.Distribution == LatencyShape.Uniform && d.MaxMs is null)
            {
                return "A uniform latency needs \"maxMs\" (and optionally \"minMs\").";
            }

            if (d.Distribution == LatencyShape.Normal && d.MeanMs is null)
            {
                return "A normal latency needs \"meanMs\" (and optionally \"stdDevMs\", \"minMs\", \"maxMs\").";
            }
        }

        return null;
    }
}

/// <summary>A rule with what it has done so far.</summary>
/// <param name="Rule">The rule as it was added.</param>
/// <param name="Matched">Matching requests the rule has seen while active.</param>
/// <param name="Fired">Of those, the ones it fired on.</param>
/// <param name="Active">False once its count is used up or its duration is over.</param>
/// <param name="ExpiresAt">When a rule with a duration stops (emulator clock); null when it has none.</param>
public sealed record FaultRuleStatus(FaultRule Rule, int Matched, int Fired, bool Active, DateTimeOffset? ExpiresAt);
