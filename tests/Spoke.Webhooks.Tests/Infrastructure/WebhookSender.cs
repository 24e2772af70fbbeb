using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Spoke.Webhooks.Signatures;

namespace Spoke.Webhooks.Tests.Infrastructure;

/// <summary>Builds HubSpot-shaped events and posts them signed (v3, plus v1 like HubSpot's webhooks API) to a receiver.</summary>
internal static class WebhookSender
{
    public static JsonObject Event(string type, long objectId, long occurredAt, long eventId = 1, int attempt = 0, string? property = null, string? value = null, string? objectTypeId = null)
    {
        var e = new JsonObject
        {
            ["eventId"] = eventId, ["subscriptionId"] = 42, ["portalId"] = 123, ["appId"] = 456, ["occurredAt"] = occurredAt,
            ["subscriptionType"] = type, ["attemptNumber"] = attempt, ["objectId"] = objectId, ["changeSource"] = "CRM",
        };
        if (property is not null)
        {
            e["propertyName"] = property;
            e["propertyValue"] = value;
        }

        if (type.EndsWith(".creation", StringComparison.Ordinal))
        {
            e["changeFlag"] = "NEW";
        }

        if (objectTypeId is not null)
        {
            e["objectTypeId"] = objectTypeId;
        }

        return e;
    }

    public static string Body(params JsonObject[] events) => new JsonArray([.. events.Select(e => e.DeepClone())]).ToJsonString();

    public static HttpRequestMessage Signed(Uri endpoint, string body, string secret, DateTimeOffset now)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(HubSpotSignatureRequest.SignatureV3Header, HubSpotSignature.ComputeV3(secret, "POST", endpoint.AbsoluteUri, bytes, timestamp));
        request.Headers.Add(HubSpotSignatureRequest.TimestampHeader, timestamp);
        request.Headers.Add(HubSpotSignatureRequest.SignatureHeader, HubSpotSignature.ComputeV1(secret, bytes));
        request.Headers.Add(HubSpotSignatureRequest.VersionHeader, "v1");
        return request;
    }
}
