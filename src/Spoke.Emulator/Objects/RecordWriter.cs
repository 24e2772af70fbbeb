using System.Globalization;
using System.Text;
using System.Text.Json;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Gdpr;
using Spoke.Emulator.Merge;
using Spoke.Emulator.Pipelines;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Objects;

/// <summary>
/// HubSpot's write rules for records: property existence, read-only values, type validation, unique values,
/// create rules, pipeline stages, owners and the system properties HubSpot maintains (docs/hubspot-api.md §10, §12, §13).
/// Callers hold the portal's write scope. Every method validates fully before it changes anything.
/// </summary>
internal sealed class RecordWriter(PortalState portal)
{
    /// <summary>Source type recorded in property history for writes through the API.</summary>
    public const string ApiSource = "INTEGRATION";

    /// <summary>Reads a <c>properties</c> object. Numbers and booleans are accepted and kept as strings; null clears.</summary>
    public static Dictionary<string, string> ReadProperties(JsonElement properties)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (properties.ValueKind == JsonValueKind.Undefined || properties.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.InvalidJson("\"properties\" must be an object of property names to string values.");
        }

        foreach (var p in properties.EnumerateObject())
        {
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => "",
                _ => throw ApiError.InvalidJson($"property \"{p.Name}\" must be a string, number, boolean or null."),
            };
        }

        return result;
    }

    public CrmRecord Create(ObjectType type, IReadOnlyDictionary<string, string> input) =>
        CommitCreate(type, PrepareCreate(type, input));

    /// <summary>Validates a create without changing anything; returns the values to store.</summary>
    public Dictionary<string, string> PrepareCreate(ObjectType type, IReadOnlyDictionary<string, string> input)
    {
        var values = Validate(type, null, input);
        ApplyCreateRules(type, values);
        CheckUnique(type, portal.Store(type), null, values);
        ContactEmailAliases.CheckUnique(portal, type, null, values);
        portal.BlockedEmails.Check(type, values);
        return values;
    }

    /// <summary>Creates a record from values that <see cref="PrepareCreate"/> accepted.</summary>
    public CrmRecord CommitCreate(ObjectType type, Dictionary<string, string> values) => CommitCreate(type, values, portal.WriteNow);

    /// <summary>
    /// Creates a record as of <paramref name="now"/> (the demo seed backdates records) with the system properties
    /// HubSpot sets on create. <paramref name="values"/> must have passed <see cref="PrepareCreate"/>'s rules.
    /// </summary>
    public CrmRecord CommitCreate(ObjectType type, Dictionary<string, string> values, DateTimeOffset now)
    {
        var store = portal.Store(type);
        var record = store.Create(now);
        // Sized once for the values plus the system properties below: no rehash garbage, and less memory held.
        record.Properties.EnsureCapacity(values.Count + 10);
        var id = RecordJson.Id(record.Id);
        var stamp = PropertyValues.FormatInstant(now);
        var catalog = portal.Catalog(type);
        SetSystem(store, record, "hs_object_id", id, now);
        SetSystem(store, record, "createdate", stamp, now);
        SetSystem(store, record, "hs_createdate", stamp, now);
        SetSystem(store, record, type.LastModifiedProperty, stamp, now);
        SetSystem(store, record, "hs_lastmodifieddate", stamp, now);
        if (catalog.Properties.ContainsKey("hs_object_source"))
        {
            SetSystem(store, record, "hs_object_source", "INTEGRATION", now);
            SetSystem(store, record, "hs_object_source_label", "INTEGRATION", now);
        }

        if (type.TypeId == "0-1")
        {
            SetSystem(store, record, "hs_all_contact_vids", id, now);
        }
        else if (type.TypeId == "0-5")
        {
            SetSystem(store, record, "hs_ticket_id", id, now);
        }

        foreach (var (name, value) in values)
        {
            if (value.Length > 0)
            {
                store.Set(record, name, value, now, ApiSource);
            }
        }

        Derive(type, store, record, now);
        portal.Touch(store, record);
        return record;
    }

    public void Update(ObjectType type, CrmRecord record, IReadOnlyDictionary<string, string> input) =>
        CommitUpdate(type, record, PrepareUpdate(type, record, input));

    /// <summary>Validates an update without changing anything; returns the values to store.</summary>
    public Dictionary<string, string> PrepareUpdate(ObjectType type, CrmRecord record, IReadOnlyDictionary<string, string> input)
    {
        var values = Validate(type, record, input);
        CheckStage(type, record, values);
        CheckUnique(type, portal.Store(type), record, values);
        ContactEmailAliases.CheckUnique(portal, type, record, values);
        portal.BlockedEmails.Check(type, values);
        return values;
    }

    /// <summary>Applies values that <see cref="PrepareUpdate"/> accepted.</summary>
    public void CommitUpdate(ObjectType type, CrmRecord record, Dictionary<string, string> values)
    {
        var store = portal.Store(type);
        var now = portal.WriteNow;
        foreach (var (name, value) in values)
        {
            store.Set(record, name, value, now, ApiSource);
        }

        Touch(type, store, record, now);
        Derive(type, store, record, now);
        portal.Touch(store, record);
    }

    /// <summary>Marks a record modified (both last-modified properties move, without history growth).</summary>
    public static void Touch(ObjectType type, ObjectStore store, CrmRecord record, DateTimeOffset now)
    {
        var stamp = PropertyValues.FormatInstant(now);
        record.UpdatedAt = now;
        store.Set(record, type.LastModifiedProperty, stamp, now, "CALCULATED", keepHistory: false);
        if (type.LastModifiedProperty != "hs_lastmodifieddate")
        {
            store.Set(record, "hs_lastmodifieddate", stamp, now, "CALCULATED", keepHistory: false);
        }
    }

    /// <summary>Validates every input value; all problems are reported together, as HubSpot does.</summary>
    public Dictionary<string, string> Validate(ObjectType type, CrmRecord? existing, IReadOnlyDictionary<string, string> input)
    {
        var catalog = portal.Catalog(type);
        var problems = new List<PropertyValueProblem>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, raw) in input)
        {
            var def = catalog.Find(name);
            if (def is null)
            {
                problems.Add(new(name, "PROPERTY_DOESNT_EXIST", $"Property \"{name}\" does not exist"));
                continue;
            }

            if (def.ReadOnlyValue)
            {
                problems.Add(new(name, "READ_ONLY_VALUE", def.Calculated || name == "hs_object_id"
                    ? $"\"{name}\" is a calculated property; its value cannot be set."
                    : $"\"{name}\" is a read only property; its value cannot be set."));
                continue;
            }

            var (stored, problem) = PropertyValues.Normalize(def, raw, existing?.Get(name), portal.Fidelity.DatePropertiesAsDateOnly);
            if (problem is not null)
            {
                problems.Add(problem);
                continue;
            }

            if (def.ReferencedObjectType == "OWNER" && stored!.Length > 0 &&
                !portal.Owners.Exists(o => o.Id == stored && !o.Archived))
            {
                problems.Add(new(name, "INVALID_OPTION", $"{stored} was not one of the allowed options: it is not the id of an active owner (GET /crm/v3/owners)"));
                continue;
            }

            values[name] = stored!;
        }

        if (problems.Count > 0)
        {
            throw InvalidValues(problems);
        }

        return values;
    }

    /// <summary>HubSpot's 400 for invalid property values: the problems as a JSON array inside the message.</summary>
    public static ApiError InvalidValues(IReadOnlyList<PropertyValueProblem> problems)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Http.JsonIO.WriterOptions))
        {
            w.WriteStartArray();
            foreach (var p in problems)
            {
                w.WriteStartObject();
                w.WriteBoolean("isValid", false);
                w.WriteString("message", p.Message);
                w.WriteString("error", p.Error);
                w.WriteString("name", p.Name);
                w.WriteString("localizedErrorMessage", p.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        var json = Encoding.UTF8.GetString(buffer.ToArray());
        return ApiError.Validation($"Property values were not valid: {json}",
            [.. problems.Select(p => new ErrorDetail(p.Message, p.Error, null,
                new Dictionary<string, IReadOnlyList<string>> { ["propertyName"] = [p.Name] }))]);
    }

    private void ApplyCreateRules(ObjectType type, Dictionary<string, string> values)
    {
        string? Has(string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var missing = new List<PropertyValueProblem>();
        void Require(string name)
        {
            if (Has(name) is null)
            {
                missing.Add(new(name, "REQUIRED_PROPERTY", $"Property \"{name}\" is required to create a {type.Singular}"));
            }
        }

        switch (type.TypeId)
        {
            case "0-1" when Has("email") is null && Has("firstname") is null && Has("lastname") is null:
                missing.Add(new("email", "REQUIRED_PROPERTY", "A contact needs at least one of email, firstname or lastname"));
                break;
            case "0-2" when Has("name") is null && Has("domain") is null:
                missing.Add(new("name", "REQUIRED_PROPERTY", "A company needs a name or a domain"));
                break;
            case "0-3":
                Require("dealname");
                Require("dealstage");
                break;
            case "0-5":
                Require("subject");
                Require("hs_pipeline_stage");
                break;
        }

        if (type.IsCustom && portal.Schemas.Find(s => s.ObjectTypeId == type.TypeId) is { } schema)
        {
            foreach (var name in schema.RequiredProperties)
            {
                Require(name);
            }
        }

        if (missing.Count > 0)
        {
            throw InvalidValues(missing);
        }

        if (type.PipelineProperty is { } pipelineProperty && Has(pipelineProperty) is null)
        {
            var pipelines = portal.Pipelines.GetValueOrDefault(type.TypeId)?.Where(p => !p.Archived).ToList() ?? [];
            if (pipelines.Count == 1)
            {
                values[pipelineProperty] = pipelines[0].Id;
            }
            else if (pipelines.Count > 1)
            {
                throw InvalidValues([new(pipelineProperty, "REQUIRED_PROPERTY",
                    $"Property \"{pipelineProperty}\" is required: this portal has {pipelines.Count} {type.Name} pipelines")]);
            }
        }

        CheckStage(type, null, values);
    }

    /// <summary>A stage must belong to the record's pipeline; pipeline and stage are internal ids.</summary>
    private void CheckStage(ObjectType type, CrmRecord? existing, Dictionary<string, string> values)
    {
        if (type.PipelineProperty is not { } pipelineProperty || type.StageProperty is not { } stageProperty)
        {
            return;
        }

        var pipelineChanged = values.ContainsKey(pipelineProperty);
        var stageChanged = values.ContainsKey(stageProperty);
        if (!pipelineChanged && !stageChanged)
        {
            return;
        }

        var pipelineId = values.GetValueOrDefault(pipelineProperty) ?? existing?.Get(pipelineProperty);
        var stageId = values.GetValueOrDefault(stageProperty) ?? existing?.Get(stageProperty);
        var pipelines = portal.Pipelines.GetValueOrDefault(type.TypeId) ?? [];
        var pipeline = pipelines.Find(p => p.Id == pipelineId && !p.Archived);
        if (pipeline is null)
        {
            throw InvalidValues([new(pipelineProperty, "INVALID_OPTION",
                $"{pipelineId} was not one of the allowed options: [{string.Join(", ", pipelines.Where(p => !p.Archived).Select(p => p.Id))}]")]);
        }

        if (string.IsNullOrEmpty(stageId) || pipeline.FindStage(stageId) is null)
        {
            throw InvalidValues([new(stageProperty, "INVALID_OPTION",
                $"{stageId} was not one of the allowed options for pipeline {pipeline.Id}: [{string.Join(", ", pipeline.Stages.Where(s => !s.Archived).Select(s => s.Id))}]")]);
        }
    }

    private void CheckUnique(ObjectType type, ObjectStore store, CrmRecord? existing, Dictionary<string, string> values)
    {
        foreach (var (name, value) in values)
        {
            if (value.Length == 0 || !store.IsUnique(name))
            {
                continue;
            }

            var holder = store.FindByUnique(name, value);
            if (holder is null || holder.Id == existing?.Id)
            {
                continue;
            }

            if (existing is null && type.TypeId == "0-1" && name == "email")
            {
                throw ApiError.Conflict($"Contact already exists. Existing ID: {holder.Id}");
            }

            var coordinates = type.IsCustom ? $"ObjectTypeId{{{type.TypeId}}}" : $"ObjectTypeId{{legacyObjectType={type.Singular.ToUpperInvariant()}}}";
            var target = existing is null ? "new object" : RecordJson.Id(existing.Id);
            throw ApiError.Validation(
                $"Cannot set PropertyValueCoordinates{{portalId={portal.PortalId}, objectTypeId={coordinates}, propertyName={name}, value={value}}} on {target}. {holder.Id} already has that value.",
                [new ErrorDetail($"{holder.Id} already has that value.", "DUPLICATE_UNIQUE_PROPERTY_VALUE", null,
                    new Dictionary<string, IReadOnlyList<string>> { ["propertyName"] = [name], ["existingObjectId"] = [RecordJson.Id(holder.Id)] })]);
        }
    }

    /// <summary>Values HubSpot calculates from others: stage probability and closed flags, ticket close date.</summary>
    private void Derive(ObjectType type, ObjectStore store, CrmRecord record, DateTimeOffset now)
    {
        if (type.PipelineProperty is null || type.StageProperty is null)
        {
            return;
        }

        var pipeline = portal.Pipelines.GetValueOrDefault(type.TypeId)?.Find(p => p.Id == record.Get(type.PipelineProperty!));
        if (pipeline?.FindStage(record.Get(type.StageProperty) ?? "") is not PipelineStage stage)
        {
            return;
        }

        if (type.TypeId == "0-3")
        {
            var probability = stage.Metadata.GetValueOrDefault("probability") ?? "0";
            var closed = stage.Metadata.GetValueOrDefault("isClosed") == "true";
            var won = closed && decimal.TryParse(probability, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p >= 1m;
            store.Set(record, "hs_deal_stage_probability", probability, now, "CALCULATED");
            store.Set(record, "hs_is_closed", closed ? "true" : "false", now, "CALCULATED");
            store.Set(record, "hs_is_closed_won", won ? "true" : "false", now, "CALCULATED");
        }
        else if (type.TypeId == "0-5" && stage.Metadata.GetValueOrDefault("ticketState") == "CLOSED" && record.Get("closed_date") is null)
        {
            store.Set(record, "closed_date", PropertyValues.FormatInstant(now), now, "CALCULATED");
        }
    }

    private static void SetSystem(ObjectStore store, CrmRecord record, string name, string value, DateTimeOffset now) =>
        store.Set(record, name, value, now, "CALCULATED");
}
