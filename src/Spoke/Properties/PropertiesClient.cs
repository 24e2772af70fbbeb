using Spoke.Paging;
using Spoke.Batching;
using Spoke.Http;
using static Spoke.Http.ApiPaths;

namespace Spoke.Properties;

/// <summary>Property definitions and groups per object type (docs/hubspot-api.md §3.3).</summary>
public class PropertiesClient
{
    private static readonly PropertiesJsonContext Json = PropertiesJsonContext.Default;
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected PropertiesClient()
    {
    }

    internal PropertiesClient(HubSpotHttp http) => _http = http;

    private string Root(string objectType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        return $"{_http.Options.PropertiesPrefix()}/{Seg(objectType)}";
    }

    /// <summary>Every property of the type (HubSpot doesn't page these).</summary>
    public virtual AsyncPageable<PropertyDefinition> ListAsync(string objectType, PropertyListOptions? options = null,
        CancellationToken cancellationToken = default)
        => AsyncPageable<PropertyDefinition>.SinglePage(ct => ReadListAsync(objectType, options, ct), cancellationToken);

    private async Task<IReadOnlyList<PropertyDefinition>> ReadListAsync(string objectType, PropertyListOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (options?.Archived == true)
        {
            query.Add("archived=true");
        }

        if (options?.Properties.Count > 0)
        {
            query.Add($"properties={Uri.EscapeDataString(string.Join(',', options.Properties))}");
        }

        if (options?.DataSensitivity is { } sensitivity)
        {
            query.Add($"dataSensitivity={Uri.EscapeDataString(sensitivity)}");
        }

        var path = Root(objectType) + (query.Count == 0 ? "" : "?" + string.Join('&', query));
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root(objectType)), path, Json.PropertyResultsDto, cancellationToken).ConfigureAwait(false);
        return dto.Results;
    }

    /// <summary>One property; a missing one throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual Task<PropertyDefinition> GetAsync(string objectType, string propertyName, PropertyReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyName);
        return _http.SendAsync(HubSpotOperation.Get(Root(objectType), "{propertyName}"), $"{Root(objectType)}/{Seg(propertyName)}{(options?.Archived == true ? "?archived=true" : "")}",
            Json.PropertyDefinition, cancellationToken);
    }

    /// <summary>Creates a property on the type and returns it as HubSpot stored it.</summary>
    public virtual Task<PropertyDefinition> CreateAsync(string objectType, PropertyCreate property, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(property);
        return _http.SendAsync(HubSpotOperation.Create(Root(objectType)), Root(objectType), property, Json.PropertyCreate, Json.PropertyDefinition, cancellationToken);
    }

    /// <summary>Changes a property's definition (only what <paramref name="update"/> sets) and returns it; a missing one is a 404.</summary>
    public virtual Task<PropertyDefinition> UpdateAsync(string objectType, string propertyName, PropertyUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyName);
        ArgumentNullException.ThrowIfNull(update);
        return _http.SendAsync(HubSpotOperation.Patch(Root(objectType), "{propertyName}"), $"{Root(objectType)}/{Seg(propertyName)}", update, Json.PropertyUpdate, Json.PropertyDefinition, cancellationToken);
    }

    /// <summary>Moves a property to the recycling bin; HubSpot-defined properties can't be archived (400).</summary>
    public virtual Task ArchiveAsync(string objectType, string propertyName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyName);
        return _http.SendAsync(HubSpotOperation.Delete(Root(objectType), "{propertyName}"), $"{Root(objectType)}/{Seg(propertyName)}", cancellationToken);
    }

    /// <summary>Many properties by name, 100 per request; names that don't exist come back as failures naming them, not thrown.</summary>
    public virtual Task<BatchResult<PropertyDefinition>> BatchReadAsync(string objectType, IEnumerable<string> propertyNames, PropertyReadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var root = Root(objectType);
        var names = Names(propertyNames);
        return RunAsync(names.Count, i => names[i], async (chunk, ct) =>
        {
            var body = new PropertyBatchReadDto { Archived = options?.Archived == true, Inputs = [.. chunk.Select(i => new PropertyNameDto { Name = names[i] })] };
            var dto = await _http.SendAsync(HubSpotOperation.Converge(root, "batch/read"), $"{root}/batch/read", body, Json.PropertyBatchReadDto,
                Json.BatchResponseDtoPropertyDefinition, ct).ConfigureAwait(false);
            return Mapper(i => names[i], oneResultServesEqualInputs: true).Map(chunk, dto.Results, dto.Errors);
        }, cancellationToken);
    }

    /// <summary>Creates many properties, 100 per request; each invalid one is reported (by index and name), the others are created.</summary>
    public virtual Task<BatchResult<PropertyDefinition>> BatchCreateAsync(string objectType, IEnumerable<PropertyCreate> properties,
        CancellationToken cancellationToken = default)
    {
        var root = Root(objectType);
        ArgumentNullException.ThrowIfNull(properties);
        var list = properties.ToList();
        if (list.Any(p => p is null))
        {
            throw new ArgumentException("A batch input is null.", nameof(properties));
        }

        return RunAsync(list.Count, i => list[i].Name, async (chunk, ct) =>
        {
            var dto = await _http.SendAsync(HubSpotOperation.Create(root, "batch/create"), $"{root}/batch/create", new BatchInputDto<PropertyCreate> { Inputs = [.. chunk.Select(i => list[i])] },
                Json.BatchInputDtoPropertyCreate, Json.BatchResponseDtoPropertyDefinition, ct).ConfigureAwait(false);
            return Mapper(i => list[i].Name, oneResultServesEqualInputs: false).Map(chunk, dto.Results, dto.Errors);
        }, cancellationToken);
    }

    /// <summary>Archives many properties, 100 per request (names already archived or missing are fine: 204 without per-name detail).</summary>
    public virtual Task<BatchResult<string>> BatchArchiveAsync(string objectType, IEnumerable<string> propertyNames, CancellationToken cancellationToken = default)
    {
        var root = Root(objectType);
        var names = Names(propertyNames);
        return RunAsync(names.Count, i => names[i], async (chunk, ct) =>
        {
            await _http.SendAsync(HubSpotOperation.Converge(root, "batch/archive"), $"{root}/batch/archive", new BatchInputDto<PropertyNameDto> { Inputs = [.. chunk.Select(i => new PropertyNameDto { Name = names[i] })] },
                Json.BatchInputDtoPropertyNameDto, ct).ConfigureAwait(false);
            return BatchChunkOutcome<string>.AllSucceeded(chunk, i => names[i]);
        }, cancellationToken);
    }

    private Task<BatchResult<T>> RunAsync<T>(int count, Func<int, string?> inputId,
        Func<IReadOnlyList<int>, CancellationToken, Task<BatchChunkOutcome<T>>> sendChunk, CancellationToken cancellationToken) =>
        BatchRunner.RunAsync(count, BatchRunner.MaxInputs, _http.Options.MaxBatchConcurrency, inputId, sendChunk, cancellationToken);

    /// <summary>Properties are matched to results by name and to errors by <c>propertyName</c> (or <c>name</c>).</summary>
    private static BatchAnswerMapper<PropertyDefinition, PropertyDefinition> Mapper(Func<int, string?> name, bool oneResultServesEqualInputs) => new()
    {
        InputId = name,
        InputKey = name,
        ResultKey = p => p.Name,
        Convert = p => p,
        OneResultServesEqualInputs = oneResultServesEqualInputs,
        ContextValues = (i, key) => key is "propertyName" or "name" && name(i) is { } n ? [n] : null,
    };

    private static List<string> Names(IEnumerable<string> propertyNames)
    {
        ArgumentNullException.ThrowIfNull(propertyNames);
        var names = propertyNames.ToList();
        if (names.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Every batch input needs a property name.", nameof(propertyNames));
        }

        return names;
    }

    /// <summary>Every property group of the type (HubSpot doesn't page these).</summary>
    public virtual AsyncPageable<PropertyGroup> ListGroupsAsync(string objectType, CancellationToken cancellationToken = default)
        => AsyncPageable<PropertyGroup>.SinglePage(ct => ReadListGroupsAsync(objectType, ct), cancellationToken);

    private async Task<IReadOnlyList<PropertyGroup>> ReadListGroupsAsync(string objectType, CancellationToken cancellationToken)
    {
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root(objectType), "groups"), $"{Root(objectType)}/groups", Json.PropertyGroupResultsDto, cancellationToken).ConfigureAwait(false);
        return dto.Results;
    }

    /// <summary>One property group; a missing one throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual Task<PropertyGroup> GetGroupAsync(string objectType, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupName);
        return _http.SendAsync(HubSpotOperation.Get(Root(objectType), "groups/{groupName}"), $"{Root(objectType)}/groups/{Seg(groupName)}", Json.PropertyGroup, cancellationToken);
    }

    /// <summary>Creates a property group (its name, label and display order; <see cref="PropertyGroup.Archived"/> is ignored) and returns it.</summary>
    public virtual Task<PropertyGroup> CreateGroupAsync(string objectType, PropertyGroup group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _http.SendAsync(HubSpotOperation.Create(Root(objectType), "groups"), $"{Root(objectType)}/groups",
            new PropertyGroupCreateDto { Name = group.Name, Label = group.Label, DisplayOrder = group.DisplayOrder },
            Json.PropertyGroupCreateDto, Json.PropertyGroup, cancellationToken);
    }

    /// <summary>Changes a group's label and/or display order.</summary>
    public virtual Task<PropertyGroup> UpdateGroupAsync(string objectType, string groupName, PropertyGroupUpdate update,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupName);
        ArgumentNullException.ThrowIfNull(update);
        return _http.SendAsync(HubSpotOperation.Patch(Root(objectType), "groups/{groupName}"), $"{Root(objectType)}/groups/{Seg(groupName)}",
            new PropertyGroupUpdateDto { Label = update.Label, DisplayOrder = update.DisplayOrder }, Json.PropertyGroupUpdateDto, Json.PropertyGroup, cancellationToken);
    }

    /// <summary>Archives a group; one that still holds live properties can't be archived (400).</summary>
    public virtual Task ArchiveGroupAsync(string objectType, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupName);
        return _http.SendAsync(HubSpotOperation.Delete(Root(objectType), "groups/{groupName}"), $"{Root(objectType)}/groups/{Seg(groupName)}", cancellationToken);
    }
}
