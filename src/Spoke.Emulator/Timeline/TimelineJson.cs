using System.Text.Json;
using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Timeline;

/// <summary>Writes templates, tokens and events in HubSpot's shapes (<c>TimelineEventTemplate</c>, <c>TimelineEventResponse</c>).</summary>
internal static class TimelineJson
{
    public static void WriteTemplate(Utf8JsonWriter w, EventTemplate t)
    {
        w.WriteStartObject();
        w.WriteString("id", RecordJson.Id(t.Id));
        w.WriteString("name", t.Name);
        w.WriteString("objectType", t.ObjectType);
        if (t.HeaderTemplate is not null)
        {
            w.WriteString("headerTemplate", t.HeaderTemplate);
        }

        if (t.DetailTemplate is not null)
        {
            w.WriteString("detailTemplate", t.DetailTemplate);
        }

        w.WriteStartArray("tokens");
        foreach (var token in t.Tokens)
        {
            WriteToken(w, token);
        }

        w.WriteEndArray();
        w.WriteString("createdAt", RecordJson.Time(t.CreatedAt));
        w.WriteString("updatedAt", RecordJson.Time(t.UpdatedAt));
        w.WriteEndObject();
    }

    public static void WriteToken(Utf8JsonWriter w, TemplateToken token)
    {
        w.WriteStartObject();
        w.WriteString("name", token.Name);
        w.WriteString("label", token.Label);
        w.WriteString("type", token.Type);
        if (token.Type == TokenTypes.Enumeration)
        {
            w.WriteStartArray("options");
            foreach (var o in token.Options)
            {
                w.WriteStartObject();
                w.WriteString("label", o.Label);
                w.WriteString("value", o.Value);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (token.ObjectPropertyName is not null)
        {
            w.WriteString("objectPropertyName", token.ObjectPropertyName);
        }

        w.WriteString("createdAt", RecordJson.Time(token.CreatedAt));
        w.WriteString("updatedAt", RecordJson.Time(token.UpdatedAt));
        w.WriteEndObject();
    }

    public static void WriteEvent(Utf8JsonWriter w, TimelineEvent e)
    {
        w.WriteStartObject();
        w.WriteString("id", e.Id);
        w.WriteString("eventTemplateId", RecordJson.Id(e.EventTemplateId));
        w.WriteStartObject("tokens");
        foreach (var (name, value) in e.Tokens)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
        w.WriteString("objectId", RecordJson.Id(e.ObjectId));
        if (e.Email is not null)
        {
            w.WriteString("email", e.Email);
        }

        if (e.Utk is not null)
        {
            w.WriteString("utk", e.Utk);
        }

        if (e.Domain is not null)
        {
            w.WriteString("domain", e.Domain);
        }

        w.WriteString("timestamp", RecordJson.Time(e.Timestamp));
        if (e.ExtraDataJson is not null)
        {
            w.WritePropertyName("extraData");
            w.WriteRawValue(e.ExtraDataJson);
        }

        if (e.TimelineIFrameJson is not null)
        {
            w.WritePropertyName("timelineIFrame");
            w.WriteRawValue(e.TimelineIFrameJson);
        }

        w.WriteString("objectType", e.ObjectType);
        w.WriteString("createdAt", RecordJson.Time(e.CreatedAt));
        w.WriteEndObject();
    }

    /// <summary>Compact JSON text of any element (for values stored as sent).</summary>
    public static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(w);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
