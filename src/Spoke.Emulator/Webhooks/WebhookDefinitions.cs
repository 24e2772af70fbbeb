namespace Spoke.Emulator.Webhooks;

/// <summary>The app's webhook settings (docs/hubspot-api.md §3.10): where events go and how many requests may be in flight.</summary>
internal sealed class WebhookSettings
{
    public required string TargetUrl { get; set; }
    public int MaxConcurrentRequests { get; set; } = 10;

    /// <summary>Accepted and echoed (DOC:webhooks has it, the spec does not); it changes nothing.</summary>
    public string? Period { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>One webhook subscription (docs/hubspot-api.md §3.10): an event type, for propertyChange a property, for object.* a type.</summary>
internal sealed class WebhookSubscription
{
    public long Id { get; set; }
    public required string EventType { get; set; }
    public string? PropertyName { get; set; }
    public string? ObjectTypeId { get; set; }
    public string? EventTypeName { get; set; }
    public bool Active { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>The subscription types of docs/hubspot-api.md §8 and the object types they are about.</summary>
internal static class WebhookEventTypes
{
    public const string Creation = "creation";
    public const string Deletion = "deletion";
    public const string PropertyChange = "propertyChange";
    public const string AssociationChange = "associationChange";
    public const string Merge = "merge";
    public const string Restore = "restore";
    public const string PrivacyDeletion = "privacyDeletion";

    /// <summary>Prefix → object type id for the per-object subscription types.</summary>
    public static readonly IReadOnlyDictionary<string, string> ObjectPrefixes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["contact"] = "0-1", ["company"] = "0-2", ["deal"] = "0-3", ["ticket"] = "0-5", ["product"] = "0-7", ["line_item"] = "0-8",
    };

    private static readonly string[] ObjectActions = [Creation, Deletion, PropertyChange, AssociationChange, Merge, Restore];

    /// <summary>Every eventType the subscriptions API accepts (SPEC webhooks.v3 enum).</summary>
    public static readonly IReadOnlySet<string> All = Build();

    /// <summary>Properties HubSpot refuses propertyChange subscriptions for (docs/hubspot-api.md §8).</summary>
    public static readonly IReadOnlySet<string> UnsubscribableProperties = new HashSet<string>(StringComparer.Ordinal)
    {
        "num_unique_conversion_events", "hs_lastmodifieddate",
    };

    /// <summary>The action part: <c>contact.propertyChange</c> → <c>propertyChange</c>.</summary>
    public static string Action(string eventType) => eventType[(eventType.IndexOf('.', StringComparison.Ordinal) + 1)..];

    public static string Prefix(string eventType) => eventType[..Math.Max(0, eventType.IndexOf('.', StringComparison.Ordinal))];

    private static HashSet<string> Build()
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prefix in ObjectPrefixes.Keys.Append("object"))
        {
            foreach (var action in ObjectActions)
            {
                // Products have no associationChange (docs/hubspot-api.md §8).
                if (!(prefix == "product" && action == AssociationChange))
                {
                    all.Add(prefix + "." + action);
                }
            }
        }

        all.Add("contact.privacyDeletion");
        foreach (var action in new[] { "creation", "deletion", "privacyDeletion", "propertyChange", "newMessage" })
        {
            all.Add("conversation." + action);
        }

        all.Add("event.completed");
        return all;
    }
}
