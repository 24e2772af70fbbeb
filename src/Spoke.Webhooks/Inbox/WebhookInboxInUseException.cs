namespace Spoke.Webhooks.Inbox;

/// <summary>Another receiver already owns this SQLite inbox file (two dispatchers on one file would run events twice).</summary>
public sealed class WebhookInboxInUseException : IOException
{
    /// <summary>The inbox at <paramref name="path"/> is locked by another receiver.</summary>
    public WebhookInboxInUseException(string path, Exception? inner = null)
        : base($"The webhook inbox {path} is in use by another receiver (its lock {path}.lock is held). Stop that receiver, " +
            "or give this one its own inbox file (spoke webhooks listen --inbox FILE, or SqlitePath); receivers that must share " +
            "one inbox use PostgreSQL.", inner)
    {
        InboxPath = path;
    }

    /// <summary>The inbox file that is in use.</summary>
    public string InboxPath { get; }
}
