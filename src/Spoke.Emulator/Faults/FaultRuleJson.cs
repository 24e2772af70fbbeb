using System.Globalization;
using System.Text.Json;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Faults;

/// <summary>Fault rules as JSON for <c>/_emulator/faults</c>.</summary>
internal static class FaultRuleJson
{
    private static readonly string[] Kinds = ["latency", "status", "rateLimit", "drop", "timeout", "sameTimestamp"];

    public static FaultRule Read(JsonElement body)
    {
        var kindText = body.String("kind");
        if (kindText is null || !Enum.TryParse<FaultKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            throw ApiError.Validation($"\"kind\" must be one of {string.Join(", ", Kinds)}; got \"{kindText}\".",
                context: ApiError.Ctx("kind", kindText ?? ""));
        }

        var route = body.Field("route");
        if (route.ValueKind is not (JsonValueKind.String or JsonValueKind.Undefined))
        {
            throw ApiError.Validation("\"route\" must be a string.");
        }

        var rule = new FaultRule
        {
            Kind = kind,
            Route = body.String("route") ?? "*",
            LatencyMs = Int(body, "latencyMs"),
            Latency = ReadLatency(body.Field("latency")),
            Status = Int(body, "status") ?? 500,
            Probability = Number(body, "probability") ?? 1,
            Count = Int(body, "count"),
            DurationMs = Long(body, "durationMs"),
            Seed = Int(body, "seed"),
            AfterExecute = Bool(body, "afterExecute") ?? false,
            TimeoutMs = Int(body, "timeoutMs") ?? 30_000,
            At = Instant(body.Field("at")),
            Policy = body.String("policy")?.ToUpperInvariant() ?? "TEN_SECONDLY_ROLLING",
        };
        if (rule.Problem() is { } problem)
        {
            throw ApiError.Validation(problem);
        }

        return rule;
    }

    public static void Write(Utf8JsonWriter w, FaultRuleStatus status)
    {
        var rule = status.Rule;
        w.WriteStartObject();
        w.WriteString("id", rule.Id);
        w.WriteString("route", rule.Route);
        w.WriteString("kind", Kinds[(int)rule.Kind]);
        switch (rule.Kind)
        {
            case FaultKind.Latency when rule.Latency is { } d:
                w.WriteStartObject("latency");
                w.WriteString("distribution", d.Distribution == LatencyShape.Normal ? "normal" : "uniform");
                Optional(w, "minMs", d.MinMs);
                Optional(w, "maxMs", d.MaxMs);
                Optional(w, "meanMs", d.MeanMs);
                Optional(w, "stdDevMs", d.StdDevMs);
                w.WriteEndObject();
                break;
            case FaultKind.Latency:
                w.WriteNumber("latencyMs", rule.LatencyMs ?? 0);
                break;
            case FaultKind.Status:
                w.WriteNumber("status", rule.Status);
                break;
            case FaultKind.RateLimit:
                w.WriteString("policy", rule.Policy);
                break;
            case FaultKind.Timeout:
                w.WriteNumber("timeoutMs", rule.TimeoutMs);
                break;
            case FaultKind.SameTimestamp when rule.At is { } at:
                w.WriteString("at", RecordJson.Time(at));
                break;
        }

        if (rule.Kind is FaultKind.Status or FaultKind.Drop or FaultKind.Timeout)
        {
            w.WriteBoolean("afterExecute", rule.AfterExecute);
        }

        w.WriteNumber("probability", rule.Probability);
        if (rule.Count is { } count)
        {
            w.WriteNumber("count", count);
        }

        if (rule.DurationMs is { } duration)
        {
            w.WriteNumber("durationMs", duration);
        }

        w.WriteNumber("seed", rule.Seed ?? 0);
        if (rule.CreatedAt is { } created)
        {
            w.WriteString("createdAt", RecordJson.Time(created));
        }

        if (status.ExpiresAt is { } expires)
        {
            w.WriteString("expiresAt", RecordJson.Time(expires));
        }

        w.WriteBoolean("active", status.Active);
        w.WriteNumber("matched", status.Matched);
        w.WriteNumber("fired", status.Fired);
        w.WriteEndObject();
    }

    private static LatencyDistribution? ReadLatency(JsonElement e)
    {
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Validation("\"latency\" must be an object: {\"distribution\": \"uniform\"|\"normal\", \"minMs\", \"maxMs\", \"meanMs\", \"stdDevMs\"}.");
        }

        var shape = e.String("distribution") ?? "uniform";
        if (!Enum.TryParse<LatencyShape>(shape, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            throw ApiError.Validation($"\"latency.distribution\" must be uniform or normal; got \"{shape}\".");
        }

        return new LatencyDistribution
        {
            Distribution = parsed,
            MinMs = Number(e, "minMs"),
            MaxMs = Number(e, "maxMs"),
            MeanMs = Number(e, "meanMs"),
            StdDevMs = Number(e, "stdDevMs"),
        };
    }

    /// <summary>An instant as an ISO-8601 string or epoch milliseconds; absent or null gives null.</summary>
    private static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static DateTimeOffset? Instant(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when e.TryGetInt64(out var ms) && ms >= MinUnixMs && ms <= MaxUnixMs:
                return DateTimeOffset.FromUnixTimeMilliseconds(ms);
            case JsonValueKind.String when DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at):
                return at;
            default:
                throw ApiError.Validation("\"at\" must be an ISO-8601 instant such as \"2026-01-15T09:30:00Z\" or epoch milliseconds.");
        }
    }

    private static double? Number(JsonElement e, string name)
    {
        var v = e.Field(name);
        return v.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.Number => v.GetDouble(),
            _ => throw ApiError.Validation($"\"{name}\" must be a number."),
        };
    }

    private static long? Long(JsonElement e, string name)
    {
        var v = e.Field(name);
        return v.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.Number when v.TryGetInt64(out var n) => n,
            _ => throw ApiError.Validation($"\"{name}\" must be an integer."),
        };
    }

    private static int? Int(JsonElement e, string name) =>
        Long(e, name) is { } n
            ? n is >= int.MinValue and <= int.MaxValue ? (int)n : throw ApiError.Validation($"\"{name}\" is out of range.")
            : null;

    private static bool? Bool(JsonElement e, string name)
    {
        var v = e.Field(name);
        return v.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiError.Validation($"\"{name}\" must be true or false."),
        };
    }

    private static void Optional(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }
}
