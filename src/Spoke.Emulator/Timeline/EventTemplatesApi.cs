using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Timeline;

/// <summary>
/// Timeline event templates (docs/hubspot-api.md §3.8): app-level definitions, authenticated with the developer API key
/// (<c>?hapikey=</c>), under <c>/integrators/timeline/v3/{appId}/event-templates</c>.
/// </summary>
internal static partial class EventTemplatesApi
{
    /// <summary>Per-app and per-template ceilings (docs/hubspot-api.md §3.8, §14).</summary>
    public const int MaxTemplatesPerApp = 750;
    public const int MaxTokensPerTemplate = 500;

    /// <summary>Maps templates and events: the one entry point of the timeline feature.</summary>
    public static void MapTimelineApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/integrators/timeline/v3/{appId}/event-templates");
        g.MapGet("", List);
        g.MapPost("", Create);
        g.MapGet("/{eventTemplateId}", Get);
        g.MapPut("/{eventTemplateId}", Update);
        g.MapDelete("/{eventTemplateId}", Delete);
        g.MapPost("/{eventTemplateId}/tokens", AddToken);
        g.MapPut("/{eventTemplateId}/tokens/{tokenName}", UpdateToken);
        g.MapDelete("/{eventTemplateId}/tokens/{tokenName}", DeleteToken);
        foreach (var prefix in TimelineEventsApi.Prefixes)
        {
            app.MapTimelineEventsApi(prefix);
        }
    }

    private static IResult List(HttpContext ctx, PortalState portal, string appId)
    {
        using var _ = portal.Read();
        var app = App(ctx, portal, appId);
        var templates = portal.Timeline.Templates.Where(t => t.AppId == app).ToList();
        return JsonIO.Results(templates, (w, t) => TimelineJson.WriteTemplate(w, t));
    }

    private static IResult Get(HttpContext ctx, PortalState portal, string appId, string eventTemplateId)
    {
        using var _ = portal.Read();
        var template = Find(portal, App(ctx, portal, appId), eventTemplateId);
        return JsonIO.Json(w => TimelineJson.WriteTemplate(w, template));
    }

    private static async Task<IResult> Create(HttpContext ctx, PortalState portal, string appId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        var app = App(ctx, portal, appId);
        var name = RequireText(body, "name");
        var objectTypeName = RequireText(body, "objectType");
        var type = portal.FindType(objectTypeName) ?? portal.FindTypeLenient(objectTypeName);
        if (type is null || !(type.IsCustom || type.TypeId is "0-1" or "0-2" or "0-3" or "0-5"))
        {
            throw ApiError.Validation($"objectType \"{objectTypeName}\" is not supported: use contacts, companies, deals, tickets, or a custom object's fully qualified name.",
                context: ApiError.Ctx("objectType", objectTypeName));
        }

        if (portal.Timeline.Templates.Count(t => t.AppId == app) >= MaxTemplatesPerApp)
        {
            throw ApiError.Validation($"This app already has {MaxTemplatesPerApp} event templates, the most an app may have.");
        }

        var now = portal.Now;
        var template = new EventTemplate
        {
            Id = portal.Timeline.NextTemplateId,
            AppId = app,
            Name = name,
            ObjectTypeId = type.TypeId,
            ObjectType = type.IsCustom ? type.FullyQualifiedName ?? type.TypeId : type.Name,
            HeaderTemplate = body.String("headerTemplate"),
            DetailTemplate = body.String("detailTemplate"),
            Tokens = ReadTokens(portal, type, body.Field("tokens"), now),
            CreatedAt = now,
            UpdatedAt = now,
        };
        portal.Timeline.AddTemplate(template);
        return JsonIO.Json(201, w => TimelineJson.WriteTemplate(w, template));
    }

    /// <summary>Replaces name, header and detail templates, and (when given) all tokens; the object type is fixed.</summary>
    private static async Task<IResult> Update(HttpContext ctx, PortalState portal, string appId, string eventTemplateId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        var template = Find(portal, App(ctx, portal, appId), eventTemplateId);
        var type = portal.FindType(template.ObjectTypeId) ?? throw ApiError.Validation($"The object type {template.ObjectTypeId} of this template no longer exists.");
        var name = RequireText(body, "name");
        var now = portal.Now;
        var tokens = body.Field("tokens").ValueKind == JsonValueKind.Undefined ? null : ReadTokens(portal, type, body.Field("tokens"), now);
        template.Name = name;
        template.HeaderTemplate = body.String("headerTemplate");
        template.DetailTemplate = body.String("detailTemplate");
        if (tokens is not null)
        {
            // Tokens that keep their name keep their creation time.
            foreach (var t in tokens)
            {
                t.CreatedAt = template.FindToken(t.Name)?.CreatedAt ?? now;
            }

            template.Tokens = tokens;
        }

        portal.Timeline.Changed(template, now);
        return JsonIO.Json(w => TimelineJson.WriteTemplate(w, template));
    }

    private static IResult Delete(HttpContext ctx, PortalState portal, string appId, string eventTemplateId)
    {
        using var _ = portal.Write();
        var template = Find(portal, App(ctx, portal, appId), eventTemplateId);
        portal.Timeline.RemoveTemplate(template.Id);
        return JsonIO.NoContent();
    }

    private static async Task<IResult> AddToken(HttpContext ctx, PortalState portal, string appId, string eventTemplateId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        using var _ = portal.Write();
        var template = Find(portal, App(ctx, portal, appId), eventTemplateId);
        var type = portal.ResolveType(template.ObjectTypeId);
        var token = ReadToken(portal, type, doc.RootElement, portal.Now);
        if (template.FindToken(token.Name) is not null)
        {
            throw ApiError.Validation($"Template {template.Id} already has a token named \"{token.Name}\".", context: ApiError.Ctx("tokenName", token.Name));
        }

        if (template.Tokens.Count >= MaxTokensPerTemplate)
        {
            throw ApiError.Validation($"Template {template.Id} already has {MaxTokensPerTemplate} tokens, the most a template may have.");
        }

        template.Tokens.Add(token);
        portal.Timeline.Changed(template, portal.Now);
        return JsonIO.Json(w => TimelineJson.WriteToken(w, token));
    }

    /// <summary>Updates a token's label, options and property; its name and type are fixed.</summary>
    private static async Task<IResult> UpdateToken(HttpContext ctx, PortalState portal, string appId, string eventTemplateId, string tokenName)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        var template = Find(portal, App(ctx, portal, appId), eventTemplateId);
        var token = template.FindToken(tokenName) ?? throw TokenNotFound(template, tokenName);
        var type = portal.ResolveType(template.ObjectTypeId);
        var label = RequireText(body, "label");
        var options = token.Type == TokenTypes.Enumeration && body.Field("options").ValueKind != JsonValueKind.Undefined
            ? ReadOptions(body.Field("options"), tokenName)
            : token.Options;
        var propertyName = body.String("objectPropertyName");
        if (propertyName is not null)
        {
            RequireWritableProperty(portal, type, propertyName, tokenName);
        }

        token.Label = label;
        token.Options = options;
        token.ObjectPropertyName = propertyName ?? token.ObjectPropertyName;
        token.UpdatedAt = portal.Now;
        portal.Timeline.Changed(template, portal.Now);
        return JsonIO.Json(w => TimelineJson.WriteToken(w, token));
    }

    private static IResult DeleteToken(HttpContext ctx, PortalState portal, string appId, string eventTemplateId, string tokenName)
    {
        using var _ = portal.Write();
        var template = Find(portal, App(ctx, portal, appId), eventTemplateId);
        var token = template.FindToken(tokenName) ?? throw TokenNotFound(template, tokenName);
        template.Tokens.Remove(token);
        portal.Timeline.Changed(template, portal.Now);
        return JsonIO.NoContent();
    }

    /// <summary>Checks the developer key was used and the path names this emulator's app.</summary>
    private static long App(HttpContext ctx, PortalState portal, string appId)
    {
        DeveloperKey.Require(ctx);
        if (!long.TryParse(appId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id != portal.AppId)
        {
            throw ApiError.NotFound($"App {appId} does not exist for this developer account (the emulator's app id is {portal.AppId}).");
        }

        return id;
    }

    internal static EventTemplate Find(PortalState portal, long appId, string eventTemplateId)
    {
        var template = long.TryParse(eventTemplateId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? portal.Timeline.FindTemplate(id) : null;
        return template is not null && template.AppId == appId
            ? template
            : throw new ApiError(404, "OBJECT_NOT_FOUND", $"Event template {eventTemplateId} does not exist.") { Context = ApiError.Ctx("eventTemplateId", eventTemplateId) };
    }

    private static ApiError TokenNotFound(EventTemplate template, string tokenName) =>
        new(404, "OBJECT_NOT_FOUND", $"Template {template.Id} has no token named \"{tokenName}\".") { Context = ApiError.Ctx("tokenName", tokenName) };

    private static List<TemplateToken> ReadTokens(PortalState portal, ObjectType type, JsonElement tokens, DateTimeOffset now)
    {
        if (tokens.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return [];
        }

        if (tokens.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.InvalidJson("\"tokens\" must be an array.");
        }

        var result = tokens.EnumerateArray().Select(t => ReadToken(portal, type, t, now)).ToList();
        if (result.Count > MaxTokensPerTemplate)
        {
            throw ApiError.Validation($"A template takes at most {MaxTokensPerTemplate} tokens; got {result.Count}.");
        }

        var duplicate = result.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ApiError.Validation($"Token names must be unique within a template; \"{duplicate.Key}\" appears more than once.",
                context: ApiError.Ctx("tokenName", duplicate.Key));
        }

        return result;
    }

    private static TemplateToken ReadToken(PortalState portal, ObjectType type, JsonElement body, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.InvalidJson("each token must be an object with name, label and type.");
        }

        var name = RequireText(body, "name");
        if (!TokenName().IsMatch(name))
        {
            throw ApiError.Validation($"Token name \"{name}\" is not valid: use letters, digits, periods, dashes and underscores only.",
                context: ApiError.Ctx("tokenName", name));
        }

        var label = RequireText(body, "label");
        var tokenType = body.String("type");
        if (tokenType is null || !TokenTypes.All.Contains(tokenType))
        {
            throw ApiError.Validation($"Token \"{name}\" has type \"{tokenType}\"; a token's type is one of {string.Join(", ", TokenTypes.All)}.",
                context: ApiError.Ctx("tokenName", name));
        }

        var options = tokenType == TokenTypes.Enumeration ? ReadOptions(body.Field("options"), name) : [];
        var propertyName = body.String("objectPropertyName");
        if (propertyName is not null)
        {
            RequireWritableProperty(portal, type, propertyName, name);
        }

        return new TemplateToken
        {
            Name = name, Label = label, Type = tokenType, Options = options, ObjectPropertyName = propertyName, CreatedAt = now, UpdatedAt = now,
        };
    }

    private static List<TokenOption> ReadOptions(JsonElement options, string tokenName)
    {
        if (options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0)
        {
            throw ApiError.Validation($"Enumeration token \"{tokenName}\" needs at least one option ({{label, value}}).",
                context: ApiError.Ctx("tokenName", tokenName));
        }

        return [.. options.EnumerateArray().Select(o =>
        {
            var value = o.String("value");
            var label = o.String("label");
            return string.IsNullOrEmpty(value) || string.IsNullOrEmpty(label)
                ? throw ApiError.Validation($"Every option of token \"{tokenName}\" needs a label and a value.", context: ApiError.Ctx("tokenName", tokenName))
                : new TokenOption(label, value);
        })];
    }

    private static void RequireWritableProperty(PortalState portal, ObjectType type, string propertyName, string tokenName)
    {
        if (portal.Catalog(type).Find(propertyName) is not { Archived: false, ReadOnlyValue: false })
        {
            throw ApiError.Validation($"Token \"{tokenName}\" names objectPropertyName \"{propertyName}\", which is not a writable {type.Singular} property.",
                context: ApiError.Ctx("objectPropertyName", propertyName));
        }
    }

    private static string RequireText(JsonElement body, string field)
    {
        var value = body.String(field);
        return string.IsNullOrWhiteSpace(value)
            ? throw ApiError.Validation($"\"{field}\" is required.", context: ApiError.Ctx("field", field))
            : value;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex TokenName();
}
