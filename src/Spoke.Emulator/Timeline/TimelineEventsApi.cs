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
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Timeline;

/// <summary>
/// Timeline events (docs/hubspot-api.md §3.8): created with a bearer token holding the <c>timeline</c> scope, each on one record of
/// its template's object type, with token values checked against the template's tokens. Tokens that name an
/// <c>objectPropertyName</c> also write that property on the record.
/// </summary>
internal static class TimelineEventsApi
{
    public const string Scope = "timeline";

    public static readonly IReadOnlyList<string> Prefixes = ["/integrators/timeline/v3/events", "/integrators/timeline/2026-03/events"];

    public static void MapTimelineEventsApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapPost("", (Delegate)Create);
        g.MapPost("/batch/create", (Delegate)BatchCreate);
        g.MapGet("/{eventTemplateId}/{eventId}", Get);
    }

    private static async Task<IResult> Create(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        using var _ = portal.Write();
        grant.Require(Scope);
        var e = Prepare(portal, doc.RootElement)();
        return JsonIO.Json(201, w => TimelineJson.WriteEvent(w, e));
    }

    /// <summary>Each input stands alone: the valid ones are created, the others reported (207 when any failed).</summary>
    private static async Task<IResult> BatchCreate(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal);
        var started = portal.Now;
        using var _ = portal.Write();
        grant.Require(Scope);
        var created = new List<TimelineEvent>();
        var errors = new List<ApiError>();
        foreach (var input in inputs)
        {
            try
            {
                created.Add(Prepare(portal, input)());
            }
            catch (ApiError error)
            {
                var context = new Dictionary<string, IReadOnlyList<string>>(error.Context);
                if (input.String("id") is { } id)
                {
                    context["id"] = [id];
                }

                errors.Add(new ApiError(error.StatusCode, error.Category, error.Message) { Errors = error.Errors, Context = context });
            }
        }

        return Batch.Result(ctx, started, portal.Now, 201, created, errors, TimelineJson.WriteEvent);
    }

    private static IResult Get(HttpContext ctx, PortalState portal, TokenGrant grant, string eventTemplateId, string eventId)
    {
        using var _ = portal.Read();
        grant.Require(Scope);
        var e = long.TryParse(eventTemplateId, NumberStyles.None, CultureInfo.InvariantCulture, out var templateId)
            ? portal.Timeline.FindEvent(templateId, eventId)
            : null;
        return e is null
            ? throw new ApiError(404, "OBJECT_NOT_FOUND", $"Event {eventId} of template {eventTemplateId} does not exist.") { Context = ApiError.Ctx("eventId", eventId) }
            : JsonIO.Json(w => TimelineJson.WriteEvent(w, e));
    }

    /// <summary>Validates one event completely and returns the step that stores it (and stamps its record).</summary>
    private static Func<TimelineEvent> Prepare(PortalState portal, JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.InvalidJson("each event must be an object.");
        }

        var templateIdText = input.Field("eventTemplateId").IdString() ?? throw ApiError.Validation("An event needs an \"eventTemplateId\".", context: ApiError.Ctx("field", "eventTemplateId"));
        var template = long.TryParse(templateIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var tid) ? portal.Timeline.FindTemplate(tid) : null;
        if (template is null)
        {
            throw new ApiError(404, "OBJECT_NOT_FOUND", $"Event template {templateIdText} does not exist.") { Context = ApiError.Ctx("eventTemplateId", templateIdText) };
        }

        var type = portal.FindType(template.ObjectTypeId) ?? throw ApiError.Validation($"The object type {template.ObjectTypeId} of template {template.Id} no longer exists.");
        var rawId = input.Field("id").IdString();
        if (string.IsNullOrEmpty(rawId))
        {
            throw ApiError.Validation("An event needs an \"id\", unique per event template (\"{{uuid}}\" inside it is replaced by a fresh UUID).",
                context: ApiError.Ctx("field", "id"));
        }

        var eventId = rawId.Replace("{{uuid}}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        if (portal.Timeline.FindEvent(template.Id, eventId) is not null)
        {
            throw ApiError.Conflict($"An event with id {eventId} already exists for event template {template.Id}.");
        }

        var tokens = ReadTokens(template, input.Field("tokens"));
        var stamped = StampedProperties(portal, type, template, tokens);
        var timestamp = ReadTimestamp(input, portal.Now);
        var extraData = input.Field("extraData");
        var iframe = input.Field("timelineIFrame");
        if (iframe.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null) &&
            (iframe.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(iframe.String("url")) || string.IsNullOrEmpty(iframe.String("linkLabel")) || string.IsNullOrEmpty(iframe.String("headerLabel"))))
        {
            throw ApiError.Validation("timelineIFrame needs url, linkLabel, headerLabel, width and height.", context: ApiError.Ctx("field", "timelineIFrame"));
        }

        var email = input.String("email");
        var utk = input.String("utk");
        var domain = input.String("domain");
        var stampRecord = ResolveRecord(portal, type, input, email, domain, stamped);
        return () =>
        {
            var record = stampRecord();
            var now = portal.Now;
            var e = new TimelineEvent
            {
                Id = eventId,
                EventTemplateId = template.Id,
                ObjectType = template.ObjectType,
                ObjectId = record.Id,
                Email = email,
                Utk = utk,
                Domain = domain,
                Tokens = tokens,
                Timestamp = timestamp,
                CreatedAt = now,
                ExtraDataJson = extraData.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : TimelineJson.Compact(extraData),
                TimelineIFrameJson = iframe.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : TimelineJson.Compact(iframe),
            };
            // The store's pending events make the write scope commit it (a row, not the metadata document).
            portal.Timeline.AddEvent(e);
            return e;
        };
    }

    /// <summary>
    /// Finds the event's record and returns the step that writes the stamped properties on it. Contacts may be named
    /// by email (a contact is created when none has it, as HubSpot documents; with objectId, the email is set on that
    /// contact); companies by domain. Every check runs before anything is written.
    /// </summary>
    private static Func<CrmRecord> ResolveRecord(PortalState portal, ObjectType type, JsonElement input, string? email, string? domain,
        Dictionary<string, string> stamped)
    {
        var writer = new RecordWriter(portal);
        var store = portal.Store(type);
        var objectId = input.Field("objectId").IdString();
        var isContact = type.TypeId == "0-1";
        if (!string.IsNullOrEmpty(objectId))
        {
            var record = portal.Store(type).Lookup(objectId, null, archived: false)
                         ?? throw new ApiError(404, "OBJECT_NOT_FOUND", $"No {type.Singular} with id {objectId} exists.") { Context = ApiError.Ctx("objectId", objectId) };
            var values = new Dictionary<string, string>(stamped, StringComparer.Ordinal);
            if (isContact && !string.IsNullOrEmpty(email) && !string.Equals(record.Get("email"), email, StringComparison.OrdinalIgnoreCase))
            {
                values["email"] = email;
            }

            return Update(writer, type, record, values);
        }

        if (isContact && !string.IsNullOrEmpty(email))
        {
            if (store.FindByUnique("email", email) is { } contact)
            {
                return Update(writer, type, contact, stamped);
            }

            var prepared = writer.PrepareCreate(type, new Dictionary<string, string>(stamped, StringComparer.Ordinal) { ["email"] = email });
            return () => writer.CommitCreate(type, prepared);
        }

        if (type.TypeId == "0-2" && !string.IsNullOrEmpty(domain))
        {
            var company = store.All().FirstOrDefault(r => !r.Archived && string.Equals(r.Get("domain"), domain, StringComparison.OrdinalIgnoreCase))
                          ?? throw new ApiError(404, "OBJECT_NOT_FOUND", $"No company with domain {domain} exists.") { Context = ApiError.Ctx("domain", domain) };
            return Update(writer, type, company, stamped);
        }

        if (isContact && !string.IsNullOrEmpty(input.String("utk")))
        {
            throw ApiError.Validation("The emulator can't resolve a utk (usertoken) to a contact: send objectId or email with the event.",
                context: ApiError.Ctx("field", "utk"));
        }

        throw ApiError.Validation(isContact
                ? "A contact event needs objectId, email or utk."
                : type.TypeId == "0-2" ? "A company event needs objectId or domain." : $"A {type.Singular} event needs objectId.",
            context: ApiError.Ctx("field", "objectId"));
    }

    private static Func<CrmRecord> Update(RecordWriter writer, ObjectType type, CrmRecord record, Dictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return () => record;
        }

        var prepared = writer.PrepareUpdate(type, record, values);
        return () =>
        {
            writer.CommitUpdate(type, record, prepared);
            return record;
        };
    }

    /// <summary>Reads token values: every name must be a token of the template and every value fit its type.</summary>
    private static Dictionary<string, string> ReadTokens(EventTemplate template, JsonElement tokens)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tokens.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return result;
        }

        if (tokens.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.InvalidJson("\"tokens\" must be an object of token names to values.");
        }

        var problems = new List<ErrorDetail>();
        foreach (var p in tokens.EnumerateObject())
        {
            var value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            var token = template.FindToken(p.Name);
            var problem = token is null
                ? $"Token \"{p.Name}\" is not defined on event template {template.Id}."
                : value is null ? $"Token \"{p.Name}\" needs a string, number or boolean value."
                : CheckValue(token, value);
            if (problem is not null)
            {
                problems.Add(new ErrorDetail(problem, token is null ? "UNKNOWN_TOKEN" : "INVALID_TOKEN_VALUE", "tokens",
                    new Dictionary<string, IReadOnlyList<string>> { ["tokenName"] = [p.Name] }));
                continue;
            }

            result[p.Name] = value!;
        }

        if (problems.Count > 0)
        {
            throw ApiError.Validation($"Invalid event tokens: {string.Join(" ", problems.Select(d => d.Message))}", problems,
                new Dictionary<string, IReadOnlyList<string>> { ["tokenName"] = [.. problems.Select(d => d.Context!["tokenName"][0])] });
        }

        return result;
    }

    private static string? CheckValue(TemplateToken token, string value) => token.Type switch
    {
        TokenTypes.Number when !decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) =>
            $"Token \"{token.Name}\" is a number token; \"{value}\" is not a number.",
        TokenTypes.Date when !PropertyValues.TryParseInstant(value, out _) =>
            $"Token \"{token.Name}\" is a date token; \"{value}\" is neither epoch milliseconds nor an ISO-8601 date.",
        TokenTypes.Enumeration when !token.Options.Exists(o => o.Value == value) =>
            $"Token \"{token.Name}\" is an enumeration token; \"{value}\" is not one of its options [{string.Join(", ", token.Options.Select(o => o.Value))}].",
        _ => null,
    };

    /// <summary>The record properties that tokens with an <c>objectPropertyName</c> write, converted for the property's type.</summary>
    private static Dictionary<string, string> StampedProperties(PortalState portal, ObjectType type, EventTemplate template, Dictionary<string, string> tokens)
    {
        var catalog = portal.Catalog(type);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in tokens)
        {
            if (template.FindToken(name) is not { ObjectPropertyName: { } propertyName } token)
            {
                continue;
            }

            var stored = value;
            if (token.Type == TokenTypes.Date && PropertyValues.TryParseInstant(value, out var at))
            {
                stored = catalog.Find(propertyName)?.Type == "date"
                    ? at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : PropertyValues.FormatInstant(at);
            }

            values[propertyName] = stored;
        }

        return values;
    }

    private static DateTimeOffset ReadTimestamp(JsonElement input, DateTimeOffset now)
    {
        var raw = input.Field("timestamp");
        var text = raw.ValueKind switch
        {
            JsonValueKind.String => raw.GetString(),
            JsonValueKind.Number => raw.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            return now;
        }

        return PropertyValues.TryParseInstant(text, out var at)
            ? at
            : throw ApiError.Validation($"timestamp \"{text}\" is not an ISO-8601 date-time or epoch milliseconds.", context: ApiError.Ctx("field", "timestamp"));
    }
}
