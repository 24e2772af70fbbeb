using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Webhooks;

/// <summary>
/// Webhook settings and subscriptions of the emulator's app (docs/hubspot-api.md §3.10), authenticated with the developer API key
/// (<c>?hapikey=</c>), on <c>/webhooks/v3/{appId}</c> and the dated <c>/app-webhooks/{v}/{appId}</c>. A path naming
/// another app answers 404, as the timeline templates API does.
/// </summary>
internal static class WebhooksApi
{
    /// <summary>Subscriptions per app (DOC:webhooks).</summary>
    public const int MaxSubscriptionsPerApp = 1000;

    public static readonly string[] Prefixes = ["/webhooks/v3/{appId}", "/app-webhooks/2026-03/{appId}", "/app-webhooks/2026-09/{appId}"];

    public static void MapWebhooksApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapGet("/settings", GetSettings);
        g.MapPut("/settings", PutSettings);
        g.MapDelete("/settings", DeleteSettings);
        g.MapGet("/subscriptions", ListSubscriptions);
        g.MapPost("/subscriptions", CreateSubscription);
        g.MapPost("/subscriptions/batch/update", BatchUpdate);
        g.MapGet("/subscriptions/{subscriptionId}", GetSubscription);
        // The spec says PATCH; DOC:webhooks says PUT (docs/hubspot-api.md §3.10 CONFLICT): both work.
        g.MapPatch("/subscriptions/{subscriptionId}", UpdateSubscription);
        g.MapPut("/subscriptions/{subscriptionId}", UpdateSubscription);
        g.MapDelete("/subscriptions/{subscriptionId}", DeleteSubscription);
    }

    private static void CheckApp(HttpContext ctx, PortalState portal, string appId)
    {
        DeveloperKey.Require(ctx);
        if (!long.TryParse(appId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id != portal.AppId)
        {
            throw ApiError.NotFound($"App {appId} does not exist for this developer account (the emulator's app id is {portal.AppId}).");
        }
    }

    private static IResult GetSettings(HttpContext ctx, PortalState portal, string appId)
    {
        using var _ = portal.Read();
        CheckApp(ctx, portal, appId);
        var settings = portal.Webhooks.Settings ?? throw ApiError.NotFound($"App {appId} has no webhook settings yet: PUT them first.");
        return JsonIO.Json(w => WriteSettings(w, settings));
    }

    private static async Task<IResult> PutSettings(HttpContext ctx, PortalState portal, string appId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        CheckApp(ctx, portal, appId);
        var target = body.String("targetUrl");
        if (string.IsNullOrWhiteSpace(target) || !Uri.TryCreate(target, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw ApiError.Validation("targetUrl must be an absolute http(s) URL, e.g. \"https://example.com/webhooks\".");
        }

        var throttling = body.Field("throttling");
        if (throttling.ValueKind != JsonValueKind.Undefined && throttling.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Validation("throttling must be an object: {\"maxConcurrentRequests\": 10}.");
        }

        var max = 10;
        string? period = null;
        if (throttling.ValueKind == JsonValueKind.Object)
        {
            var m = throttling.Field("maxConcurrentRequests");
            if (m.ValueKind != JsonValueKind.Undefined && (!m.TryGetInt32(out max) || max < 1))
            {
                throw ApiError.Validation("throttling.maxConcurrentRequests must be a whole number of at least 1.");
            }

            period = throttling.String("period");
        }

        var now = portal.Now;
        var settings = portal.Webhooks.Settings;
        if (settings is null)
        {
            settings = new WebhookSettings { TargetUrl = target, CreatedAt = now };
            portal.Webhooks.Settings = settings;
        }
        else
        {
            settings.UpdatedAt = now;
        }

        settings.TargetUrl = target;
        settings.MaxConcurrentRequests = max;
        settings.Period = period;
        portal.Webhooks.SettingsChanged();
        return JsonIO.Json(w => WriteSettings(w, settings));
    }

    private static IResult DeleteSettings(HttpContext ctx, PortalState portal, string appId)
    {
        using var _ = portal.Write();
        CheckApp(ctx, portal, appId);
        // Subscriptions stay, paused: without a target nothing is sent (docs/hubspot-api.md §3.10).
        portal.Webhooks.Settings = null;
        return JsonIO.NoContent();
    }

    private static IResult ListSubscriptions(HttpContext ctx, PortalState portal, string appId)
    {
        using var _ = portal.Read();
        CheckApp(ctx, portal, appId);
        return JsonIO.Results(portal.Webhooks.Subscriptions, WriteSubscription);
    }

    private static async Task<IResult> CreateSubscription(HttpContext ctx, PortalState portal, string appId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        CheckApp(ctx, portal, appId);
        var webhooks = portal.Webhooks;
        if (webhooks.Subscriptions.Count >= MaxSubscriptionsPerApp)
        {
            throw ApiError.Validation($"Couldn't create another subscription. You've reached the maximum number allowed per application ({MaxSubscriptionsPerApp}).");
        }

        var eventType = body.String("eventType");
        if (eventType is null || !WebhookEventTypes.All.Contains(eventType))
        {
            throw ApiError.Validation($"eventType {(eventType is null ? "is required" : $"\"{eventType}\" is not a subscription type")}: use one of {string.Join(", ", WebhookEventTypes.All.Order(StringComparer.Ordinal))}.");
        }

        var objectTypeId = body.String("objectTypeId");
        ObjectType? type = null;
        if (eventType.StartsWith("object.", StringComparison.Ordinal))
        {
            type = objectTypeId is null ? null : portal.FindType(objectTypeId);
            if (type is null || type.TypeId != objectTypeId)
            {
                throw ApiError.Validation($"{eventType} needs objectTypeId, the id of an existing object type (e.g. \"2-1000001\"); got {(objectTypeId is null ? "none" : $"\"{objectTypeId}\"")}.");
            }
        }
        else if (WebhookEventTypes.ObjectPrefixes.TryGetValue(WebhookEventTypes.Prefix(eventType), out var typeId))
        {
            type = portal.FindType(typeId);
            objectTypeId = null;
        }

        var propertyName = body.String("propertyName");
        if (WebhookEventTypes.Action(eventType) == WebhookEventTypes.PropertyChange)
        {
            if (string.IsNullOrEmpty(propertyName))
            {
                throw ApiError.Validation($"{eventType} subscriptions need propertyName: the property whose changes you want.");
            }

            if (WebhookEventTypes.UnsubscribableProperties.Contains(propertyName))
            {
                throw ApiError.Validation($"Property {propertyName} can't be subscribed to: its changes are not sent as events.");
            }

            if (type is not null && portal.Catalog(type).Find(propertyName) is null)
            {
                throw ApiError.Validation($"Property {propertyName} does not exist on {type.Name}.");
            }
        }
        else
        {
            propertyName = null;
        }

        var active = body.Field("active");
        if (active.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False))
        {
            throw ApiError.Validation("active must be true or false.");
        }

        var subscription = new WebhookSubscription
        {
            Id = webhooks.NextSubscriptionId++,
            EventType = eventType,
            PropertyName = propertyName,
            ObjectTypeId = objectTypeId,
            EventTypeName = body.String("eventTypeName"),
            // Like subscriptions created in HubSpot's UI, a subscription starts paused unless active is sent.
            Active = active.ValueKind == JsonValueKind.True,
            CreatedAt = portal.Now,
        };
        webhooks.Subscriptions.Add(subscription);
        webhooks.SubscriptionsChanged();
        return JsonIO.Json(201, w => WriteSubscription(w, subscription));
    }

    private static IResult GetSubscription(HttpContext ctx, PortalState portal, string appId, string subscriptionId)
    {
        using var _ = portal.Read();
        CheckApp(ctx, portal, appId);
        var subscription = Find(portal, subscriptionId);
        return JsonIO.Json(w => WriteSubscription(w, subscription));
    }

    private static async Task<IResult> UpdateSubscription(HttpContext ctx, PortalState portal, string appId, string subscriptionId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        using var _ = portal.Write();
        CheckApp(ctx, portal, appId);
        var subscription = Find(portal, subscriptionId);
        SetActive(portal, subscription, ReadActive(doc.RootElement));
        return JsonIO.Json(w => WriteSubscription(w, subscription));
    }

    private static IResult DeleteSubscription(HttpContext ctx, PortalState portal, string appId, string subscriptionId)
    {
        using var _ = portal.Write();
        CheckApp(ctx, portal, appId);
        var subscription = Find(portal, subscriptionId);
        portal.Webhooks.Subscriptions.Remove(subscription);
        portal.Webhooks.SubscriptionsChanged();
        return JsonIO.NoContent();
    }

    private static async Task<IResult> BatchUpdate(HttpContext ctx, PortalState portal, string appId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = doc.RootElement.RequireArray("inputs");
        var started = portal.Now;
        using var _ = portal.Write();
        CheckApp(ctx, portal, appId);
        var updates = new List<(WebhookSubscription Subscription, bool Active)>();
        var errors = new List<ApiError>();
        foreach (var input in inputs.EnumerateArray())
        {
            var id = input.Field("id").IdString() ?? throw ApiError.Validation("Each input needs an id (the subscription id) and active.");
            var active = ReadActive(input);
            if (FindOrNull(portal, id) is { } subscription)
            {
                updates.Add((subscription, active));
            }
            else
            {
                errors.Add(new ApiError(404, "OBJECT_NOT_FOUND", $"Subscription {id} does not exist.") { Context = ApiError.Ctx("id", id) });
            }
        }

        foreach (var (subscription, active) in updates)
        {
            SetActive(portal, subscription, active);
        }

        return Batch.Result(ctx, started, portal.Now, 200, updates.Select(u => u.Subscription).ToList(), errors, WriteSubscription);
    }

    private static bool ReadActive(JsonElement body) => body.Field("active").ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ApiError.Validation("active is required and must be true or false."),
    };

    private static void SetActive(PortalState portal, WebhookSubscription subscription, bool active)
    {
        subscription.Active = active;
        subscription.UpdatedAt = portal.Now;
        portal.Webhooks.SubscriptionsChanged();
    }

    private static WebhookSubscription Find(PortalState portal, string subscriptionId) =>
        FindOrNull(portal, subscriptionId) ?? throw ApiError.NotFound($"Subscription {subscriptionId} does not exist.");

    private static WebhookSubscription? FindOrNull(PortalState portal, string subscriptionId) =>
        long.TryParse(subscriptionId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? portal.Webhooks.Subscriptions.Find(s => s.Id == id)
            : null;

    private static void WriteSettings(Utf8JsonWriter w, WebhookSettings settings)
    {
        w.WriteStartObject();
        w.WriteString("targetUrl", settings.TargetUrl);
        w.WriteStartObject("throttling");
        w.WriteNumber("maxConcurrentRequests", settings.MaxConcurrentRequests);
        if (settings.Period is not null)
        {
            w.WriteString("period", settings.Period);
        }

        w.WriteEndObject();
        w.WriteString("createdAt", RecordJson.Time(settings.CreatedAt));
        if (settings.UpdatedAt is { } updated)
        {
            w.WriteString("updatedAt", RecordJson.Time(updated));
        }

        w.WriteEndObject();
    }

    private static void WriteSubscription(Utf8JsonWriter w, WebhookSubscription s)
    {
        w.WriteStartObject();
        w.WriteString("id", s.Id.ToString(CultureInfo.InvariantCulture));
        w.WriteString("eventType", s.EventType);
        if (s.PropertyName is not null)
        {
            w.WriteString("propertyName", s.PropertyName);
        }

        if (s.ObjectTypeId is not null)
        {
            w.WriteString("objectTypeId", s.ObjectTypeId);
        }

        if (s.EventTypeName is not null)
        {
            w.WriteString("eventTypeName", s.EventTypeName);
        }

        w.WriteBoolean("active", s.Active);
        w.WriteString("createdAt", RecordJson.Time(s.CreatedAt));
        if (s.UpdatedAt is { } updated)
        {
            w.WriteString("updatedAt", RecordJson.Time(updated));
        }

        w.WriteEndObject();
    }
}
