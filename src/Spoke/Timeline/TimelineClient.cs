using Spoke.Paging;
using Spoke.Batching;
using Spoke.Http;
using static Spoke.Http.ApiPaths;

namespace Spoke.Timeline;

/// <summary>
/// Timeline events (docs/hubspot-api.md §3.8). Templates are app-level: they authenticate with
/// <see cref="HubSpotClientOptions.DeveloperApiKey"/> (sent as <c>?hapikey=</c>, no bearer token). Events are
/// portal-level and use the access token (scope <c>timeline</c>).
/// </summary>
public class TimelineClient
{
    private static readonly TimelineJsonContext Json = TimelineJsonContext.Default;
    private readonly HubSpotHttp _http = null!;
    private readonly HubSpotHttp? _app;

    /// <summary>For mocking.</summary>
    protected TimelineClient()
    {
    }

    internal TimelineClient(HubSpotHttp http, HubSpotHttp? app)
    {
        _http = http;
        _app = app;
    }

    private HubSpotHttp App => _app ?? throw new InvalidOperationException(
        "Event templates are app-level: set HubSpotClientOptions.DeveloperApiKey (your developer account's API key).");

    /// <summary>The template of the event-template paths: the app id is a placeholder in traces.</summary>
    private const string TemplatesRoute = "integrators/timeline/v3/{appId}/event-templates";

    private string Templates(long appId) => _http.Options.TimelineTemplatesPrefix(appId);

    private string Template(long appId, string templateId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(templateId);
        return $"{Templates(appId)}/{Seg(templateId)}";
    }

    private string Events => _http.Options.TimelineEventsPrefix();

    /// <summary>Every event template of the app (HubSpot doesn't page these); needs the developer API key.</summary>
    public virtual AsyncPageable<TimelineEventTemplate> ListTemplatesAsync(long appId, CancellationToken cancellationToken = default)
        => AsyncPageable<TimelineEventTemplate>.SinglePage(ct => ReadListTemplatesAsync(appId, ct), cancellationToken);

    private async Task<IReadOnlyList<TimelineEventTemplate>> ReadListTemplatesAsync(long appId, CancellationToken cancellationToken)
    {
        var dto = await App.SendAsync(HubSpotOperation.Get(TemplatesRoute), Templates(appId), Json.TemplateResultsDto, cancellationToken).ConfigureAwait(false);
        return dto.Results;
    }

    /// <summary>One event template of the app, with its tokens; a missing one throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual Task<TimelineEventTemplate> GetTemplateAsync(long appId, string templateId, CancellationToken cancellationToken = default) =>
        App.SendAsync(HubSpotOperation.Get(TemplatesRoute, "{templateId}"), Template(appId, templateId), Json.TimelineEventTemplate, cancellationToken);

    /// <summary>Creates an event template of the app (up to 750 per app) and returns it with its new ID.</summary>
    public virtual Task<TimelineEventTemplate> CreateTemplateAsync(long appId, TimelineEventTemplateCreate template, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        return App.SendAsync(HubSpotOperation.Create(TemplatesRoute), Templates(appId), template, Json.TimelineEventTemplateCreate, Json.TimelineEventTemplate, cancellationToken);
    }

    /// <summary>Replaces a template's name and header and detail templates (and its tokens, when given) and returns it.</summary>
    public virtual Task<TimelineEventTemplate> UpdateTemplateAsync(long appId, string templateId, TimelineEventTemplateUpdate update,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var body = new TemplateUpdateDto
        {
            Id = templateId, Name = update.Name, HeaderTemplate = update.HeaderTemplate, DetailTemplate = update.DetailTemplate, Tokens = update.Tokens,
        };
        return App.SendAsync(HubSpotOperation.Put(TemplatesRoute, "{templateId}"), Template(appId, templateId), body, Json.TemplateUpdateDto, Json.TimelineEventTemplate, cancellationToken);
    }

    /// <summary>Deletes an event template; HubSpot also removes its events from timelines, and this can't be undone.</summary>
    public virtual Task DeleteTemplateAsync(long appId, string templateId, CancellationToken cancellationToken = default) =>
        App.SendAsync(HubSpotOperation.Delete(TemplatesRoute, "{templateId}"), Template(appId, templateId), cancellationToken);

    /// <summary>Adds a token to an event template and returns it.</summary>
    public virtual Task<TimelineToken> CreateTokenAsync(long appId, string templateId, TimelineToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return App.SendAsync(HubSpotOperation.Create(TemplatesRoute, "{templateId}/tokens"), $"{Template(appId, templateId)}/tokens", token, Json.TimelineToken, Json.TimelineToken, cancellationToken);
    }

    /// <summary>Changes a token's label, options and property; its name and type stay.</summary>
    public virtual Task<TimelineToken> UpdateTokenAsync(long appId, string templateId, string tokenName, TimelineTokenUpdate update,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenName);
        ArgumentNullException.ThrowIfNull(update);
        return App.SendAsync(HubSpotOperation.Put(TemplatesRoute, "{templateId}/tokens/{tokenName}"), $"{Template(appId, templateId)}/tokens/{Seg(tokenName)}", update, Json.TimelineTokenUpdate, Json.TimelineToken, cancellationToken);
    }

    /// <summary>Removes a token from an event template.</summary>
    public virtual Task DeleteTokenAsync(long appId, string templateId, string tokenName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenName);
        return App.SendAsync(HubSpotOperation.Delete(TemplatesRoute, "{templateId}/tokens/{tokenName}"), $"{Template(appId, templateId)}/tokens/{Seg(tokenName)}", cancellationToken);
    }

    /// <summary>Creates one event on its record; invalid tokens or a missing record throw (400/404).</summary>
    public virtual Task<TimelineEventResult> CreateEventAsync(TimelineEvent timelineEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timelineEvent);
        return _http.SendAsync(HubSpotOperation.Create(Events), Events, timelineEvent, Json.TimelineEvent, Json.TimelineEventResult, cancellationToken);
    }

    /// <summary>
    /// Creates many events, 100 per request, several at once; each invalid one is reported by index and id (HubSpot's
    /// <c>context.id</c> names it), the others created.
    /// </summary>
    public virtual Task<BatchResult<TimelineEventResult>> BatchCreateEventsAsync(IEnumerable<TimelineEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events.ToList();
        if (list.Any(e => e is null))
        {
            throw new ArgumentException("A batch input is null.", nameof(events));
        }

        var mapper = new BatchAnswerMapper<TimelineEventResult, TimelineEventResult>
        {
            InputId = i => list[i].Id,
            InputKey = i => list[i].Id,
            ResultKey = r => r.Id,
            Convert = r => r,
            ContextValues = (i, key) => key is "id" or "ids" ? [list[i].Id] : null,
        };
        return BatchRunner.RunAsync(list.Count, BatchRunner.MaxInputs, _http.Options.MaxBatchConcurrency, i => list[i].Id, async (chunk, ct) =>
        {
            var dto = await _http.SendAsync(HubSpotOperation.Create(Events, "batch/create"), $"{Events}/batch/create", new BatchInputDto<TimelineEvent> { Inputs = [.. chunk.Select(i => list[i])] },
                Json.BatchInputDtoTimelineEvent, Json.BatchResponseDtoTimelineEventResult, ct).ConfigureAwait(false);
            return mapper.Map(chunk, dto.Results, dto.Errors);
        }, cancellationToken);
    }

    /// <summary>One event by its template and its ID; a missing one throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual Task<TimelineEventResult> GetEventAsync(string eventTemplateId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventTemplateId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        return _http.SendAsync(HubSpotOperation.Get(Events, "{eventTemplateId}/{eventId}"), $"{Events}/{Seg(eventTemplateId)}/{Seg(eventId)}", Json.TimelineEventResult, cancellationToken);
    }
}
