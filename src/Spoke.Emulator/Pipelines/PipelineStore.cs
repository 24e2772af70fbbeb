using System.Text.Json;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Pipelines;

/// <summary>
/// The pipelines of each object type (archived ones included) with their audit trails; a fresh portal has HubSpot's
/// default deal and ticket pipelines. Every change is audited (<see cref="PipelineRules.Audit"/>), which marks the
/// store dirty. Callers hold the portal lock.
/// </summary>
internal sealed class PipelineStore : PortalFeature
{
    private readonly Dictionary<string, List<Pipeline>> _byType = new(StringComparer.Ordinal);

    public override string Name => "pipelines";

    public List<Pipeline> this[string typeId]
    {
        get => _byType[typeId];
        set
        {
            _byType[typeId] = value;
            MarkDirty();
        }
    }

    public IEnumerable<List<Pipeline>> Values => _byType.Values;

    public List<Pipeline>? GetValueOrDefault(string typeId) => _byType.GetValueOrDefault(typeId);

    public void Remove(string typeId)
    {
        if (_byType.Remove(typeId))
        {
            MarkDirty();
        }
    }

    public override void Reset(DateTimeOffset now)
    {
        _byType.Clear();
        _byType["0-3"] = [DefaultPipelines.Deals(now)];
        _byType["0-5"] = [DefaultPipelines.Tickets(now)];
    }

    public override void Save(Utf8JsonWriter writer)
    {
        Write(writer, "pipelines", _byType, PersistenceJsonContext.Default.DictionaryStringListPipeline);
        // Object type id → pipeline id → the pipeline's audit entries, oldest first.
        var audits = new Dictionary<string, Dictionary<string, List<PipelineAuditEntry>>>(StringComparer.Ordinal);
        foreach (var (typeId, pipelines) in _byType)
        {
            var audited = pipelines.Where(p => p.Audit.Count > 0).ToDictionary(p => p.Id, p => p.Audit.ToList(), StringComparer.Ordinal);
            if (audited.Count > 0)
            {
                audits[typeId] = audited;
            }
        }

        Write(writer, "pipelineAudits", audits, PersistenceJsonContext.Default.DictionaryStringDictionaryStringListPipelineAuditEntry);
    }

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "pipelines", PersistenceJsonContext.Default.DictionaryStringListPipeline, out var pipelines))
        {
            _byType.Clear();
            foreach (var (typeId, list) in pipelines)
            {
                _byType[typeId] = list;
            }
        }

        if (TryRead(document, "pipelineAudits", PersistenceJsonContext.Default.DictionaryStringDictionaryStringListPipelineAuditEntry, out var audits))
        {
            foreach (var (typeId, byPipeline) in audits)
            {
                foreach (var pipeline in _byType.GetValueOrDefault(typeId) ?? [])
                {
                    if (byPipeline.TryGetValue(pipeline.Id, out var entries))
                    {
                        pipeline.Audit.Clear();
                        pipeline.Audit.AddRange(entries);
                    }
                }
            }
        }
    }
}
