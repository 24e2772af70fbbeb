using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Spoke.Webhooks.Events;

/// <summary>One parsed event with what the inbox stores about it.</summary>
internal sealed record ParsedWebhookEvent(HubSpotWebhookEvent Event, string DedupeKey, string ObjectKey, string Json);

/// <summary>Parses a delivery body (a JSON array of events); a body that is not one is refused with a reason.</summary>
internal static class WebhookEventParser
{
    public static bool TryParse(ReadOnlyMemory<byte> body, out List<ParsedWebhookEvent> events, out string error) =>
        TryParse(new ReadOnlySequence<byte>(body), out events, out error);

    public static bool TryParse(in ReadOnlySequence<byte> body, out List<ParsedWebhookEvent> events, out string error)
    {
        events = [];
        error = "";
        if (body.IsEmpty)
        {
            error = "the body is empty";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            error = $"the body is not JSON ({e.Message.Split('.')[0]})";
            return false;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                error = "the body must be a JSON array of events";
                return false;
            }

            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    error = $"event {index} is not a JSON object";
                    return false;
                }

                HubSpotWebhookEvent? parsed;
                try
                {
                    parsed = element.Deserialize(WebhookJsonContext.Default.HubSpotWebhookEvent);
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                {
                    error = $"event {index} has a field of the wrong type";
                    return false;
                }

                if (parsed is null || string.IsNullOrEmpty(parsed.SubscriptionType) || !parsed.SubscriptionType.Contains('.', StringComparison.Ordinal))
                {
                    error = $"event {index} has no subscriptionType (or eventType) such as \"contact.creation\"";
                    return false;
                }

                if (!element.TryGetProperty("eventId", out _) || !element.TryGetProperty("occurredAt", out _))
                {
                    error = $"event {index} lacks eventId or occurredAt";
                    return false;
                }

                events.Add(new ParsedWebhookEvent(parsed, DedupeKey(parsed), ObjectKey(parsed), element.GetRawText()));
                index++;
            }
        }

        return true;
    }

    /// <summary>
    /// The event's identity: SHA-256 over every identifying field but <c>attemptNumber</c> (a redelivery differs only
    /// there), because HubSpot's <c>eventId</c> alone "is not guaranteed to be unique". Stable across versions of this
    /// library: changing it would let a redelivery through as new.
    /// </summary>
    public static string DedupeKey(HubSpotWebhookEvent e)
    {
        var text = new StringBuilder(256);
        void Add(string name, string? value) => text.Append(name).Append('=').Append(value?.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        static string? Num(long? value) => value?.ToString(CultureInfo.InvariantCulture);
        Add("type", e.SubscriptionType);
        Add("portal", Num(e.PortalId));
        Add("app", Num(e.AppId));
        Add("subscription", Num(e.SubscriptionId));
        Add("event", Num(e.EventId));
        Add("occurred", Num(e.OccurredAtMs));
        Add("objectType", e.ObjectTypeId);
        Add("object", Num(e.ObjectId));
        Add("source", e.ChangeSource);
        Add("sourceId", e.SourceId);
        Add("property", e.PropertyName);
        Add("value", e.PropertyValue);
        Add("flag", e.ChangeFlag);
        Add("primary", Num(e.PrimaryObjectId));
        Add("merged", e.MergedObjectIds is null ? null : string.Join(',', e.MergedObjectIds));
        Add("new", Num(e.NewObjectId));
        Add("moved", Num(e.NumberOfPropertiesMoved));
        Add("association", e.AssociationType);
        Add("from", Num(e.FromObjectId));
        Add("to", Num(e.ToObjectId));
        Add("removed", e.AssociationRemoved?.ToString());
        Add("isPrimary", e.IsPrimaryAssociation?.ToString());
        Add("message", e.MessageId);
        Add("messageType", e.MessageType);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return "hs1-" + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>
    /// The object an event is about, so <c>object.*</c> events (with <c>objectTypeId</c>) order with the typed ones.
    /// An associationChange is about its <c>fromObjectId</c>, whose type is the left side of <c>associationType</c>
    /// (<c>CONTACT_TO_COMPANY</c> → a contact), not the subscription's type: a <c>company.associationChange</c>
    /// subscription also receives the CONTACT_TO_COMPANY direction, whose <c>objectId</c> is the contact's id.
    /// </summary>
    public static string ObjectKey(HubSpotWebhookEvent e)
    {
        if (e.AssociationType is { Length: > 0 } association && e.FromObjectId is { } fromId)
        {
            var separator = association.IndexOf("_TO_", StringComparison.Ordinal);
            var fromType = TypeId((separator > 0 ? association[..separator] : association).ToLowerInvariant());
            // A custom type's singular name has no fixed id; object.* events carry the from side's objectTypeId.
            var type = fromType.Contains('-', StringComparison.Ordinal) ? fromType : e.ObjectTypeId ?? fromType;
            return type + ":" + fromId.ToString(CultureInfo.InvariantCulture);
        }

        return (e.ObjectTypeId ?? TypeId(e.ObjectKind)) + ":" + e.ObjectId.ToString(CultureInfo.InvariantCulture);
    }

    private static string TypeId(string objectKind) => objectKind switch
    {
        "contact" => "0-1",
        "company" => "0-2",
        "deal" => "0-3",
        "ticket" => "0-5",
        "product" => "0-7",
        "line_item" => "0-8",
        var other => other,
    };
}
