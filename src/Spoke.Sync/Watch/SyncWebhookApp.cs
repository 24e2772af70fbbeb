using System.Text;
using System.Text.Json.Nodes;
using Spoke.Errors;

namespace Spoke.Sync.Watch;

/// <summary>
/// Sets up a HubSpot developer app's webhooks for a watch through HubSpot's webhooks API (<c>/webhooks/v3/{appId}</c>,
/// authenticated by the developer API key): the target URL, and subscriptions to every change of the mirrored types —
/// creation, deletion, merge, restore, association changes, and a property change subscription per property (HubSpot
/// has no "any property" subscription), up to HubSpot's 1,000 per app. What has no subscription is left to the passes.
/// </summary>
public static class SyncWebhookApp
{
    /// <summary>HubSpot's limit on one app's subscriptions.</summary>
    public const int MaxSubscriptions = 1000;

    private static readonly Dictionary<string, string> Prefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["contacts"] = "contact", ["companies"] = "company", ["deals"] = "deal", ["tickets"] = "ticket", ["products"] = "product", ["line_items"] = "line_item",
    };

    // HubSpot refuses these (their changes are not sent as events), and refreshes its own calculated values without one.
    private static readonly HashSet<string> Unsubscribable = new(StringComparer.Ordinal) { "hs_lastmodifieddate", "num_unique_conversion_events" };

    /// <summary>
    /// Points the app's target URL at <paramref name="targetUrl"/> and subscribes it (active) to the changes of
    /// <paramref name="types"/> (standard types by name; custom objects by their <c>2-…</c> id), skipping subscriptions
    /// the app already has. Returns how many subscriptions the app has for them afterwards.
    /// </summary>
    public static async Task<int> SubscribeAsync(HubSpotClient client, Uri apiBase, long appId, string developerApiKey, Uri targetUrl, IEnumerable<string> types,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(apiBase);
        ArgumentException.ThrowIfNullOrEmpty(developerApiKey);
        ArgumentNullException.ThrowIfNull(targetUrl);
        ArgumentNullException.ThrowIfNull(types);
        using var http = new HttpClient { BaseAddress = apiBase };
        string App(string suffix) => $"/webhooks/v3/{appId}{suffix}?hapikey={Uri.EscapeDataString(developerApiKey)}";
        await SendAsync(http, HttpMethod.Put, App("/settings"), new JsonObject { ["targetUrl"] = targetUrl.AbsoluteUri, ["throttling"] = new JsonObject { ["maxConcurrentRequests"] = 10 } }, cancellationToken).ConfigureAwait(false);

        var existing = new HashSet<string>(StringComparer.Ordinal);
        var listed = await SendAsync(http, HttpMethod.Get, App("/subscriptions"), null, cancellationToken).ConfigureAwait(false);
        foreach (var s in listed?["results"]?.AsArray() ?? [])
        {
            existing.Add(Key((string?)s?["eventType"], (string?)s?["propertyName"], (string?)s?["objectTypeId"]));
        }

        var wanted = new List<(string EventType, string? Property, string? ObjectTypeId)>();
        foreach (var type in types.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var (prefix, objectTypeId) = Prefixes.TryGetValue(type, out var p) ? (p, (string?)null) : type.StartsWith("2-", StringComparison.Ordinal) ? ("object", type) : ((string?)null, (string?)null);
            if (prefix is null)
            {
                continue; // engagements and the like have no webhooks: the passes cover them
            }

            foreach (var change in new[] { "creation", "deletion", "merge", "restore", "associationChange" })
            {
                if (!(prefix == "product" && change == "associationChange"))
                {
                    wanted.Add(($"{prefix}.{change}", null, objectTypeId));
                }
            }

            try
            {
                await foreach (var property in client.Properties.ListAsync(type, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (!property.Calculated && !Unsubscribable.Contains(property.Name))
                    {
                        wanted.Add(($"{prefix}.propertyChange", property.Name, objectTypeId));
                    }
                }
            }
            catch (HubSpotApiException e) when (e.Status is 403 or 404)
            {
                // A type the token may not read: its events would be ignored anyway.
            }
        }

        // Record-level subscriptions first, so the limit only ever drops property subscriptions.
        wanted = [.. wanted.OrderBy(w => w.Property is null ? 0 : 1)];
        var count = 0;
        foreach (var (eventType, property, objectTypeId) in wanted)
        {
            if (existing.Contains(Key(eventType, property, objectTypeId)))
            {
                count++;
                continue;
            }

            if (existing.Count >= MaxSubscriptions)
            {
                break;
            }

            var body = new JsonObject { ["eventType"] = eventType, ["active"] = true };
            if (property is not null)
            {
                body["propertyName"] = property;
            }

            if (objectTypeId is not null)
            {
                body["objectTypeId"] = objectTypeId;
            }

            await SendAsync(http, HttpMethod.Post, App("/subscriptions"), body, cancellationToken).ConfigureAwait(false);
            existing.Add(Key(eventType, property, objectTypeId));
            count++;
        }

        return count;
    }

    private static string Key(string? eventType, string? property, string? objectTypeId) => $"{eventType}|{property}|{objectTypeId}";

    private static async Task<JsonNode?> SendAsync(HttpClient http, HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // The path carries the developer key: only the method, the path before '?' and HubSpot's answer are quoted.
            throw new HubSpotApiException((int)response.StatusCode, $"{method} {path.Split('?')[0]} answered {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
