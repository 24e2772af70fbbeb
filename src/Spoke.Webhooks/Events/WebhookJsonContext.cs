using System.Text.Json.Serialization;

namespace Spoke.Webhooks.Events;

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HubSpotWebhookEvent))]
[JsonSerializable(typeof(List<HubSpotWebhookEvent>))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
