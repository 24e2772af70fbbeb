using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spoke.Emulator.Faults;
using Spoke.Emulator.Http;
using Spoke.Emulator.Webhooks;

namespace Spoke.Emulator.Admin;

/// <summary>The emulator's <c>GET /_emulator/health</c>.</summary>
public sealed record EmulatorHealth(string Status, long PortalId);

/// <summary>The app the emulator stands in for (<c>GET /_emulator/app</c>).</summary>
public sealed record EmulatorApp(long AppId, string DeveloperApiKey);

/// <summary>A token the emulator issued and the scopes it holds.</summary>
public sealed record EmulatorToken(string Token, IReadOnlyList<string> Scopes);

/// <summary>The emulator clock: its time and whether it is frozen.</summary>
public sealed record EmulatorClockState(DateTimeOffset Now, bool Frozen);

/// <summary>The rate-limit profile: <c>off</c>, <c>free</c>, <c>starter</c>, <c>professional</c> or <c>enterprise</c>, and its budgets.</summary>
public sealed record EmulatorRateLimits(string Tier, long? PerTenSeconds, long? PerDay);

/// <summary>What <c>/_emulator/webhooks/wait</c> and <c>/flush</c> answer: whether delivery went idle, and what is left.</summary>
public sealed record EmulatorWebhookBacklog(bool Idle, int Queued, int InFlight, int Scheduled);

/// <summary>An owner (user) the emulator added to the portal.</summary>
public sealed record EmulatorOwner(string Id, string Email, long UserId);

/// <summary>The emulator refused an admin request: its status and message.</summary>
public sealed class EmulatorAdminException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP status the admin API answered.</summary>
    public int Status { get; } = status;
}

/// <summary>
/// Typed access to a running emulator's admin API (<c>/_emulator/*</c>), for tests that talk to a <c>spoke emulator</c>
/// in another process (or to an in-process emulator's <see cref="HubSpotEmulator.BaseUri"/>): tokens, reset, clock, rate
/// limits, faults, search lag, owners, record restore, and webhook delivery. Every request with a body, and
/// every bodiless POST (sent as <c>{}</c>), is <c>application/json</c>.
/// </summary>
public sealed class EmulatorAdminClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _baseUri;

    /// <param name="baseUri">The emulator's address, e.g. <c>http://127.0.0.1:4010/</c>.</param>
    /// <param name="http">A client to send with (not disposed here); null makes one that is disposed with this object.</param>
    public EmulatorAdminClient(Uri baseUri, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        if (!baseUri.IsAbsoluteUri)
        {
            throw new ArgumentException($"The emulator's address must be absolute, e.g. http://127.0.0.1:4010/; got \"{baseUri}\".", nameof(baseUri));
        }

        _baseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _ownsHttp = http is null;
        _http = http ?? new HttpClient();
    }

    /// <summary>Disposes the HTTP client this admin client created (not one it was given).</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>Whether the emulator is up, and which portal it serves; throws when it does not answer.</summary>
    public async Task<EmulatorHealth> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, "health", null, cancellationToken).ConfigureAwait(false);
        return new(doc!.RootElement.GetProperty("status").GetString() ?? "", doc.RootElement.GetProperty("portalId").GetInt64());
    }

    /// <summary>The app the emulator stands in for: its id and developer API key.</summary>
    public async Task<EmulatorApp> GetAppAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, "app", null, cancellationToken).ConfigureAwait(false);
        return new(doc!.RootElement.GetProperty("appId").GetInt64(), doc.RootElement.GetProperty("developerApiKey").GetString() ?? "");
    }

    /// <summary>A new private-app token holding exactly <paramref name="scopes"/>; null gives every scope.</summary>
    public async Task<EmulatorToken> CreateTokenAsync(IEnumerable<string>? scopes = null, CancellationToken cancellationToken = default)
    {
        var body = scopes is null ? "{}" : Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("scopes");
            foreach (var scope in scopes)
            {
                w.WriteStringValue(scope);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        using var doc = await SendAsync(HttpMethod.Post, "tokens", body, cancellationToken).ConfigureAwait(false);
        var root = doc!.RootElement;
        return new(root.GetProperty("token").GetString() ?? "",
            [.. root.TryGetProperty("scopes", out var s) ? s.EnumerateArray().Select(v => v.GetString() ?? "") : []]);
    }

    /// <summary>Empties the portal (tokens and clock survive; rate-limit usage restarts).</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default) => SendEmptyAsync(HttpMethod.Post, "reset", "{}", cancellationToken);

    /// <summary>The rate-limit profile in force and its budgets.</summary>
    public Task<EmulatorRateLimits> GetRateLimitsAsync(CancellationToken cancellationToken = default) =>
        RateLimitsAsync(HttpMethod.Get, null, cancellationToken);

    /// <summary>Switches the rate-limit profile (<c>off</c>, <c>free</c>, <c>starter</c>, <c>professional</c>, <c>enterprise</c>); usage restarts.</summary>
    public Task<EmulatorRateLimits> SetRateLimitTierAsync(string tier, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tier);
        return RateLimitsAsync(HttpMethod.Put, Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("tier", tier);
            w.WriteEndObject();
        }), cancellationToken);
    }

    /// <summary>The emulator clock: now, and whether it is frozen.</summary>
    public Task<EmulatorClockState> GetClockAsync(CancellationToken cancellationToken = default) =>
        ClockAsync(HttpMethod.Get, "clock", null, cancellationToken);

    /// <summary>Moves the emulator clock forward (whole milliseconds; never backwards).</summary>
    public Task<EmulatorClockState> AdvanceClockAsync(TimeSpan by, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        return ClockAsync(HttpMethod.Post, "clock/advance", Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("milliseconds", (long)by.TotalMilliseconds);
            w.WriteEndObject();
        }), cancellationToken);
    }

    /// <summary>Stops the clock at <paramref name="at"/> (default: now); it then moves only when advanced.</summary>
    public Task<EmulatorClockState> FreezeClockAsync(DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        ClockAsync(HttpMethod.Post, "clock/freeze", Write(w =>
        {
            w.WriteStartObject();
            if (at is { } instant)
            {
                w.WriteString("at", instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            }

            w.WriteEndObject();
        }), cancellationToken);

    /// <summary>Lets a frozen clock run again from where it stands.</summary>
    public Task<EmulatorClockState> UnfreezeClockAsync(CancellationToken cancellationToken = default) =>
        ClockAsync(HttpMethod.Post, "clock/unfreeze", "{}", cancellationToken);

    /// <summary>Adds a fault rule (see the emulator README's fault table) and returns it as the emulator holds it, id included.</summary>
    public async Task<FaultRuleStatus> AddFaultAsync(FaultRule rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        using var doc = await SendAsync(HttpMethod.Post, "faults", Write(w => WriteRule(w, rule)), cancellationToken).ConfigureAwait(false);
        return ReadFaultStatus(doc!.RootElement);
    }

    /// <summary>Every fault rule in creation order, with how often each matched and fired.</summary>
    public async Task<IReadOnlyList<FaultRuleStatus>> ListFaultsAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, "faults", null, cancellationToken).ConfigureAwait(false);
        return [.. doc!.RootElement.GetProperty("results").EnumerateArray().Select(ReadFaultStatus)];
    }

    /// <summary>Removes the fault rule with this id.</summary>
    public Task RemoveFaultAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return SendEmptyAsync(HttpMethod.Delete, $"faults/{Uri.EscapeDataString(id)}", null, cancellationToken);
    }

    /// <summary>Removes every fault rule.</summary>
    public Task ClearFaultsAsync(CancellationToken cancellationToken = default) => SendEmptyAsync(HttpMethod.Delete, "faults", null, cancellationToken);

    /// <summary>How long a write takes to become searchable.</summary>
    public Task<TimeSpan> GetSearchLagAsync(CancellationToken cancellationToken = default) => SearchLagAsync(HttpMethod.Get, null, cancellationToken);

    /// <summary>How long writes stay invisible to search (emulator clock); zero makes them searchable at once.</summary>
    public Task<TimeSpan> SetSearchLagAsync(TimeSpan lag, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lag, TimeSpan.Zero);
        return SearchLagAsync(HttpMethod.Put, Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("milliseconds", (long)lag.TotalMilliseconds);
            w.WriteEndObject();
        }), cancellationToken);
    }

    /// <summary>Restores an archived record, as HubSpot's UI does (the public API has no restore).</summary>
    public Task RestoreRecordAsync(string objectType, string objectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectId);
        return SendEmptyAsync(HttpMethod.Post, $"records/{Uri.EscapeDataString(objectType)}/{Uri.EscapeDataString(objectId)}/restore", "{}", cancellationToken);
    }

    /// <summary>Adds an owner (a portal user) with this email; owners are otherwise read-only through HubSpot's API.</summary>
    public async Task<EmulatorOwner> CreateOwnerAsync(string email, string? firstName = null, string? lastName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        using var doc = await SendAsync(HttpMethod.Post, "owners", Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("email", email);
            if (firstName is not null)
            {
                w.WriteString("firstName", firstName);
            }

            if (lastName is not null)
            {
                w.WriteString("lastName", lastName);
            }

            w.WriteEndObject();
        }), cancellationToken).ConfigureAwait(false);
        var root = doc!.RootElement;
        return new(root.GetProperty("id").GetString() ?? "", root.GetProperty("email").GetString() ?? "", root.GetProperty("userId").GetInt64());
    }

    /// <summary>Deactivates an owner (it is then listed only with <c>archived=true</c>).</summary>
    public Task DeactivateOwnerAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerId);
        return SendEmptyAsync(HttpMethod.Delete, $"owners/{Uri.EscapeDataString(ownerId)}", null, cancellationToken);
    }

    /// <summary>The webhook delivery log (latest attempts, oldest first). It never holds bodies or secrets.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryAttempt>> GetWebhookDeliveriesAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, "webhooks/deliveries", null, cancellationToken).ConfigureAwait(false);
        return [.. doc!.RootElement.GetProperty("results").EnumerateArray().Select(ReadAttempt)];
    }

    /// <summary>Forgets the webhook delivery log (not the pending events).</summary>
    public Task ClearWebhookDeliveriesAsync(CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Delete, "webhooks/deliveries", null, cancellationToken);

    /// <summary>The webhook delivery fault switches in force.</summary>
    public Task<WebhookDeliveryFaults> GetWebhookFaultsAsync(CancellationToken cancellationToken = default) =>
        WebhookFaultsAsync(HttpMethod.Get, null, cancellationToken);

    /// <summary>Duplicate and out-of-order deliveries on demand; <c>new WebhookDeliveryFaults()</c> turns them off.</summary>
    public Task<WebhookDeliveryFaults> SetWebhookFaultsAsync(WebhookDeliveryFaults faults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faults);
        return WebhookFaultsAsync(HttpMethod.Put, Write(w => WebhooksAdminApi.WriteFaults(w, faults)), cancellationToken);
    }

    /// <summary>Waits (the emulator waits at most 30 s) until no delivery is queued, in flight or due; later retries stay scheduled.</summary>
    public Task<EmulatorWebhookBacklog> WaitForWebhooksAsync(CancellationToken cancellationToken = default) =>
        BacklogAsync("webhooks/wait", cancellationToken);

    /// <summary>Makes every scheduled retry due now (the clock does not move), then waits like <see cref="WaitForWebhooksAsync"/>.</summary>
    public Task<EmulatorWebhookBacklog> FlushWebhooksAsync(CancellationToken cancellationToken = default) =>
        BacklogAsync("webhooks/flush", cancellationToken);

    private async Task<EmulatorRateLimits> RateLimitsAsync(HttpMethod method, string? body, CancellationToken cancellationToken)
    {
        using var doc = await SendAsync(method, "rate-limits", body, cancellationToken).ConfigureAwait(false);
        var root = doc!.RootElement;
        return new(root.GetProperty("tier").GetString() ?? "", OptionalLong(root, "perTenSeconds"), OptionalLong(root, "perDay"));
    }

    private async Task<EmulatorClockState> ClockAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        using var doc = await SendAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        var root = doc!.RootElement;
        return new(root.GetProperty("now").GetDateTimeOffset(), root.GetProperty("frozen").GetBoolean());
    }

    private async Task<TimeSpan> SearchLagAsync(HttpMethod method, string? body, CancellationToken cancellationToken)
    {
        using var doc = await SendAsync(method, "search-lag", body, cancellationToken).ConfigureAwait(false);
        return TimeSpan.FromMilliseconds(doc!.RootElement.GetProperty("milliseconds").GetInt64());
    }

    private async Task<WebhookDeliveryFaults> WebhookFaultsAsync(HttpMethod method, string? body, CancellationToken cancellationToken)
    {
        using var doc = await SendAsync(method, "webhooks/faults", body, cancellationToken).ConfigureAwait(false);
        var root = doc!.RootElement;
        return new WebhookDeliveryFaults
        {
            Duplicates = ReadSwitch(root, "duplicates"),
            OutOfOrder = ReadSwitch(root, "outOfOrder"),
            Seed = root.TryGetProperty("seed", out var seed) ? seed.GetInt32() : null,
        };
    }

    private async Task<EmulatorWebhookBacklog> BacklogAsync(string path, CancellationToken cancellationToken)
    {
        using var doc = await SendAsync(HttpMethod.Post, path, "{}", cancellationToken).ConfigureAwait(false);
        var root = doc!.RootElement;
        return new(root.GetProperty("idle").GetBoolean(), root.GetProperty("queued").GetInt32(), root.GetProperty("inFlight").GetInt32(),
            root.GetProperty("scheduled").GetInt32());
    }

    private async Task SendEmptyAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(method, path, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one admin request; the answer's JSON, or null for an empty (204) answer. Refusals throw with the emulator's message.</summary>
    private async Task<JsonDocument?> SendAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUri, "_emulator/" + path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = Json;
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new EmulatorAdminException((int)response.StatusCode,
                $"The emulator refused {method} /_emulator/{path}: {(int)response.StatusCode} {MessageOf(text)}");
        }

        return string.IsNullOrWhiteSpace(text) ? null : JsonDocument.Parse(text);
    }

    private static string MessageOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() ?? "" : body;
        }
        catch (JsonException)
        {
            return body.Length > 500 ? body[..500] : body;
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static long? OptionalLong(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static string? OptionalString(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A rule in the form <c>POST /_emulator/faults</c> reads (only the fields that were set).</summary>
    private static void WriteRule(Utf8JsonWriter w, FaultRule rule)
    {
        w.WriteStartObject();
        w.WriteString("route", rule.Route);
        w.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(rule.Kind.ToString()));
        if (rule.LatencyMs is { } latencyMs)
        {
            w.WriteNumber("latencyMs", latencyMs);
        }

        if (rule.Latency is { } d)
        {
            w.WriteStartObject("latency");
            w.WriteString("distribution", d.Distribution == LatencyShape.Normal ? "normal" : "uniform");
            void Optional(string name, double? value)
            {
                if (value is { } v)
                {
                    w.WriteNumber(name, v);
                }
            }

            Optional("minMs", d.MinMs);
            Optional("maxMs", d.MaxMs);
            Optional("meanMs", d.MeanMs);
            Optional("stdDevMs", d.StdDevMs);
            w.WriteEndObject();
        }

        w.WriteNumber("status", rule.Status);
        w.WriteNumber("probability", rule.Probability);
        if (rule.Count is { } count)
        {
            w.WriteNumber("count", count);
        }

        if (rule.DurationMs is { } duration)
        {
            w.WriteNumber("durationMs", duration);
        }

        if (rule.Seed is { } seed)
        {
            w.WriteNumber("seed", seed);
        }

        w.WriteBoolean("afterExecute", rule.AfterExecute);
        w.WriteNumber("timeoutMs", rule.TimeoutMs);
        if (rule.At is { } at)
        {
            w.WriteString("at", at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }

        w.WriteString("policy", rule.Policy);
        w.WriteEndObject();
    }

    private static FaultRuleStatus ReadFaultStatus(JsonElement e)
    {
        // The emulator's own reader builds the rule; id, createdAt and the counters are the status around it.
        var rule = FaultRuleJson.Read(e) with
        {
            Id = OptionalString(e, "id"),
            CreatedAt = OptionalString(e, "createdAt") is { } created ? DateTimeOffset.Parse(created, CultureInfo.InvariantCulture) : null,
        };
        return new FaultRuleStatus(rule, e.GetProperty("matched").GetInt32(), e.GetProperty("fired").GetInt32(), e.GetProperty("active").GetBoolean(),
            OptionalString(e, "expiresAt") is { } expires ? DateTimeOffset.Parse(expires, CultureInfo.InvariantCulture) : null);
    }

    private static WebhookDeliveryAttempt ReadAttempt(JsonElement e) => new(
        e.GetProperty("sequence").GetInt64(),
        e.GetProperty("at").GetDateTimeOffset(),
        e.GetProperty("targetUrl").GetString() ?? "",
        [.. e.GetProperty("eventIds").EnumerateArray().Select(v => v.GetInt64())],
        e.GetProperty("attemptNumber").GetInt32(),
        e.GetProperty("outcome").GetString() ?? "",
        e.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number ? status.GetInt32() : null,
        OptionalString(e, "nextRetryAt") is { } next ? DateTimeOffset.Parse(next, CultureInfo.InvariantCulture) : null,
        e.GetProperty("gaveUp").GetBoolean(),
        e.GetProperty("duplicate").GetBoolean(),
        e.GetProperty("outOfOrder").GetBoolean(),
        e.GetProperty("elapsedMs").GetInt64());

    private static WebhookFaultSwitch? ReadSwitch(JsonElement root, string name) =>
        root.TryGetProperty(name, out var s) && s.ValueKind == JsonValueKind.Object
            ? new WebhookFaultSwitch
            {
                Probability = s.GetProperty("probability").GetDouble(),
                Count = s.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null,
            }
            : null;
}
