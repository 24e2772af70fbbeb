using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Webhooks;

/// <summary>
/// <c>/_emulator/webhooks/...</c> (loopback only, like every admin route): the delivery log, delivery faults, flush,
/// and a stand-in for HubSpot's UI restore of an archived record (the public API has none).
/// </summary>
internal static class WebhooksAdminApi
{
    public static void MapWebhooksAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/_emulator/webhooks");
        g.MapGet("/deliveries", (WebhookDelivery delivery) => JsonIO.Results(delivery.Deliveries, WriteAttempt));
        g.MapDelete("/deliveries", (WebhookDelivery delivery) =>
        {
            delivery.ClearLog();
            return JsonIO.NoContent();
        });
        g.MapGet("/faults", (WebhookDelivery delivery) => JsonIO.Json(w => WriteFaults(w, delivery.Faults)));
        g.MapPut("/faults", async (HttpContext ctx, WebhookDelivery delivery) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
            var body = doc.RootElement;
            var faults = new WebhookDeliveryFaults
            {
                Duplicates = ReadSwitch(body, "duplicates"),
                OutOfOrder = ReadSwitch(body, "outOfOrder"),
                Seed = Int(body, "seed", "seed"),
            };
            try
            {
                delivery.Faults = faults;
            }
            catch (ArgumentException ex)
            {
                throw ApiError.Validation(ex.Message.Split(" (Parameter", 2)[0]);
            }

            return JsonIO.Json(w => WriteFaults(w, delivery.Faults));
        });
        // Waits (up to 30 s) for the queue to drain; retries scheduled for later stay scheduled.
        g.MapPost("/wait", (HttpContext ctx, WebhookDelivery delivery) => WaitAsync(ctx, delivery, retryNow: false));
        // Sends scheduled retries now (without moving the clock), then waits like /wait.
        g.MapPost("/flush", (HttpContext ctx, WebhookDelivery delivery) => WaitAsync(ctx, delivery, retryNow: true));
        app.MapPost("/_emulator/records/{objectType}/{objectId}/restore", (HttpContext ctx, string objectType, string objectId) =>
        {
            var portal = ctx.RequestServices.GetRequiredService<PortalState>();
            WebhookChangeSource.Set(WebhookChangeSource.CrmUi, null);
            using var _ = portal.Write();
            var type = portal.ResolveType(objectType);
            var store = portal.Store(type);
            var record = long.TryParse(objectId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? store.Find(id) : null;
            if (record is not { Archived: true, Deleted: false })
            {
                throw ApiError.NotFound($"No archived {type.Singular} {objectId} to restore.");
            }

            store.SetArchived(record, false, portal.Now);
            portal.Touch(store, record);
            return JsonIO.NoContent();
        });
    }

    private static async Task<IResult> WaitAsync(HttpContext ctx, WebhookDelivery delivery, bool retryNow)
    {
        if (retryNow)
        {
            delivery.RetryNow();
        }

        var idle = await delivery.WaitForIdleAsync(TimeSpan.FromSeconds(30), ctx.RequestAborted).ConfigureAwait(false);
        var (queued, inFlight, scheduled) = delivery.Backlog;
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("idle", idle);
            w.WriteNumber("queued", queued);
            w.WriteNumber("inFlight", inFlight);
            w.WriteNumber("scheduled", scheduled);
            w.WriteEndObject();
        });
    }

    private static WebhookFaultSwitch? ReadSwitch(JsonElement body, string name)
    {
        var e = body.Field(name);
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Validation($"{name} must be an object: {{\"probability\": 0.5, \"count\": 10}}.");
        }

        var p = e.Field("probability");
        var c = e.Field("count");
        return new WebhookFaultSwitch
        {
            Probability = p.ValueKind == JsonValueKind.Number ? (p.TryGetDouble(out var probability) ? probability : double.NaN) : 1,
            Count = Int(e, "count", $"{name}.count"),
        };
    }

    /// <summary>An optional whole-number field; a fraction or a number past int's range is a 400, not a FormatException.</summary>
    private static int? Int(JsonElement e, string field, string label)
    {
        var v = e.Field(field);
        if (v.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        return v.TryGetInt32(out var n) ? n : throw ApiError.Validation($"{label} must be a whole number between {int.MinValue} and {int.MaxValue}; got {v.GetRawText()}.");
    }

    /// <summary>The delivery-fault switches as the admin API reads and writes them (also the body <see cref="Admin.EmulatorAdminClient"/> sends).</summary>
    internal static void WriteFaults(Utf8JsonWriter w, WebhookDeliveryFaults faults)
    {
        w.WriteStartObject();
        WriteSwitch(w, "duplicates", faults.Duplicates);
        WriteSwitch(w, "outOfOrder", faults.OutOfOrder);
        if (faults.Seed is { } seed)
        {
            w.WriteNumber("seed", seed);
        }

        w.WriteEndObject();
    }

    private static void WriteSwitch(Utf8JsonWriter w, string name, WebhookFaultSwitch? s)
    {
        if (s is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("probability", s.Probability);
        if (s.Count is { } count)
        {
            w.WriteNumber("count", count);
        }

        w.WriteEndObject();
    }

    private static void WriteAttempt(Utf8JsonWriter w, WebhookDeliveryAttempt a)
    {
        w.WriteStartObject();
        w.WriteNumber("sequence", a.Sequence);
        w.WriteString("at", RecordJson.Time(a.At));
        w.WriteString("targetUrl", a.TargetUrl);
        w.WriteNumber("eventCount", a.EventCount);
        w.WriteStartArray("eventIds");
        foreach (var id in a.EventIds)
        {
            w.WriteNumberValue(id);
        }

        w.WriteEndArray();
        w.WriteNumber("attemptNumber", a.AttemptNumber);
        w.WriteString("outcome", a.Outcome);
        if (a.Status is { } status)
        {
            w.WriteNumber("status", status);
        }

        if (a.NextRetryAt is { } next)
        {
            w.WriteString("nextRetryAt", RecordJson.Time(next));
        }

        w.WriteBoolean("gaveUp", a.GaveUp);
        w.WriteBoolean("duplicate", a.Duplicate);
        w.WriteBoolean("outOfOrder", a.OutOfOrder);
        w.WriteNumber("elapsedMs", a.ElapsedMilliseconds);
        w.WriteEndObject();
    }
}
