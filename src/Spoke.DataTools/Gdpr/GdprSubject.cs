namespace Spoke.DataTools.Gdpr;

/// <summary>The person a GDPR request is about: a contact named by email or by record id.</summary>
public sealed class GdprSubject
{
    private GdprSubject(string? email, string? id)
    {
        Email = email;
        ContactId = id;
    }

    /// <summary>The email given (trimmed), or null when the contact is named by id. Personal data: never log or print it.</summary>
    public string? Email { get; }

    /// <summary>The record id given, or null when the contact is named by email.</summary>
    public string? ContactId { get; }

    /// <summary>A contact named by email (HubSpot compares emails ignoring case).</summary>
    /// <exception cref="ArgumentException">The value is empty or not an email.</exception>
    public static GdprSubject ByEmail(string email)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var trimmed = email.Trim();
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == trimmed.Length - 1 || trimmed.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("The email given is not an email address (name@domain).", nameof(email));
        }

        return new GdprSubject(trimmed, null);
    }

    /// <summary>A contact named by its HubSpot record id.</summary>
    /// <exception cref="ArgumentException">The value is not a record id (digits).</exception>
    public static GdprSubject ById(string contactId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        var trimmed = contactId.Trim();
        return trimmed.All(char.IsAsciiDigit)
            ? new GdprSubject(null, trimmed)
            : throw new ArgumentException($"\"{trimmed}\" is not a HubSpot record id (digits, e.g. 512159482605).", nameof(contactId));
    }

    /// <summary>The email as compared and hashed: trimmed and lower-cased (invariant).</summary>
    internal static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
