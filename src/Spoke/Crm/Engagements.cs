namespace Spoke.Crm;

/// <summary>
/// Property names of the engagement types (notes, tasks, calls, emails, meetings), and builders that make the one property
/// HubSpot requires on every engagement create, <c>hs_timestamp</c> (when the activity happened or is due), impossible to
/// forget. Associate an engagement with its records on create: <see cref="CrmCreateInput.AssociateWith"/>.
/// </summary>
public static class Engagements
{
    /// <summary><c>hs_timestamp</c>: required on every engagement create.</summary>
    public const string Timestamp = "hs_timestamp";

    /// <summary>The <c>hubspot_owner_id</c> property.</summary>
    public const string OwnerId = "hubspot_owner_id";

    /// <summary>The <c>hs_note_body</c> property.</summary>
    public const string NoteBody = "hs_note_body";

    /// <summary>The <c>hs_task_subject</c> property.</summary>
    public const string TaskSubject = "hs_task_subject";
    /// <summary>The <c>hs_task_body</c> property.</summary>
    public const string TaskBody = "hs_task_body";
    /// <summary>The <c>hs_task_status</c> property.</summary>
    public const string TaskStatus = "hs_task_status";
    /// <summary>The <c>hs_task_priority</c> property.</summary>
    public const string TaskPriority = "hs_task_priority";
    /// <summary>The <c>hs_task_type</c> property.</summary>
    public const string TaskType = "hs_task_type";

    /// <summary>The <c>hs_call_title</c> property.</summary>
    public const string CallTitle = "hs_call_title";
    /// <summary>The <c>hs_call_body</c> property.</summary>
    public const string CallBody = "hs_call_body";
    /// <summary>The <c>hs_call_duration</c> property.</summary>
    public const string CallDuration = "hs_call_duration";
    /// <summary>The <c>hs_call_direction</c> property.</summary>
    public const string CallDirection = "hs_call_direction";
    /// <summary>The <c>hs_call_status</c> property.</summary>
    public const string CallStatus = "hs_call_status";

    /// <summary>The <c>hs_email_subject</c> property.</summary>
    public const string EmailSubject = "hs_email_subject";
    /// <summary>The <c>hs_email_text</c> property.</summary>
    public const string EmailText = "hs_email_text";
    /// <summary>The <c>hs_email_html</c> property.</summary>
    public const string EmailHtml = "hs_email_html";
    /// <summary>The <c>hs_email_direction</c> property.</summary>
    public const string EmailDirection = "hs_email_direction";
    /// <summary>The <c>hs_email_status</c> property.</summary>
    public const string EmailStatus = "hs_email_status";

    /// <summary>The <c>hs_meeting_title</c> property.</summary>
    public const string MeetingTitle = "hs_meeting_title";
    /// <summary>The <c>hs_meeting_body</c> property.</summary>
    public const string MeetingBody = "hs_meeting_body";
    /// <summary>The <c>hs_meeting_start_time</c> property.</summary>
    public const string MeetingStartTime = "hs_meeting_start_time";
    /// <summary>The <c>hs_meeting_end_time</c> property.</summary>
    public const string MeetingEndTime = "hs_meeting_end_time";
    /// <summary>The <c>hs_meeting_location</c> property.</summary>
    public const string MeetingLocation = "hs_meeting_location";
    /// <summary>The <c>hs_meeting_outcome</c> property.</summary>
    public const string MeetingOutcome = "hs_meeting_outcome";

    /// <summary>A note (<c>Crm.Notes</c>) made at <paramref name="timestamp"/>.</summary>
    public static PropertyBag Note(DateTimeOffset timestamp, string body) =>
        new PropertyBag().Set(Timestamp, timestamp).Set(NoteBody, Required(body));

    /// <summary>A task (<c>Crm.Tasks</c>) due at <paramref name="timestamp"/>.</summary>
    public static PropertyBag Task(DateTimeOffset timestamp, string subject, string? body = null) =>
        Optional(new PropertyBag().Set(Timestamp, timestamp).Set(TaskSubject, Required(subject)), TaskBody, body);

    /// <summary>A call (<c>Crm.Calls</c>) made at <paramref name="timestamp"/>.</summary>
    public static PropertyBag Call(DateTimeOffset timestamp, string? title = null, string? body = null) =>
        Optional(Optional(new PropertyBag().Set(Timestamp, timestamp), CallTitle, title), CallBody, body);

    /// <summary>A logged email (<c>Crm.Emails</c>) sent or received at <paramref name="timestamp"/>.</summary>
    public static PropertyBag Email(DateTimeOffset timestamp, string subject, string? text = null) =>
        Optional(new PropertyBag().Set(Timestamp, timestamp).Set(EmailSubject, Required(subject)), EmailText, text);

    /// <summary>A meeting (<c>Crm.Meetings</c>) at <paramref name="timestamp"/>, from <paramref name="start"/> to <paramref name="end"/> when given.</summary>
    public static PropertyBag Meeting(DateTimeOffset timestamp, string title, DateTimeOffset? start = null, DateTimeOffset? end = null)
    {
        var bag = new PropertyBag().Set(Timestamp, timestamp).Set(MeetingTitle, Required(title));
        if (start is { } s)
        {
            bag.Set(MeetingStartTime, s);
        }

        if (end is { } e)
        {
            bag.Set(MeetingEndTime, e);
        }

        return bag;
    }

    private static string Required(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }

    private static PropertyBag Optional(PropertyBag bag, string property, string? value) => value is null ? bag : bag.Set(property, value);
}
