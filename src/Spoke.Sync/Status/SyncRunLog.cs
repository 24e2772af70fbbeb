using System.Buffers;
using System.Text;
using System.Text.Json;
using Spoke.Sync.Engine;

namespace Spoke.Sync.Status;

/// <summary>
/// The run log's per-type counts (<c>sync_runs.counts_json</c>): one object per type with its mode, counts, duration,
/// and why it failed or was skipped, so <c>spoke sync status</c> can say what the last run did to each type. Runs
/// logged before this shape carried only the record count per type (<c>{"contacts":12}</c>); both are read.
/// </summary>
internal static class SyncRunLog
{
    public static string Write(IEnumerable<SyncTypeResult> results)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var r in results)
            {
                json.WriteStartObject(r.ObjectType);
                json.WriteString("mode", r.Mode);
                json.WriteNumber("records", r.Records);
                json.WriteNumber("unchanged", r.Unchanged);
                json.WriteNumber("associations", r.Associations);
                json.WriteNumber("deletes", r.Deletes);
                json.WriteNumber("merges", r.Merges);
                json.WriteNumber("apiCalls", r.ApiCalls);
                json.WriteNumber("durationMs", (long)r.Duration.TotalMilliseconds);
                if (r.Error is not null)
                {
                    json.WriteString("error", r.Error);
                }

                if (r.SkippedReason is not null)
                {
                    json.WriteString("skipped", r.SkippedReason);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The per-type entries of one logged run; empty for a run that logged none (or text it cannot read).</summary>
    public static Dictionary<string, SyncTypeRunCounts> Read(string? countsJson)
    {
        var result = new Dictionary<string, SyncTypeRunCounts>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(countsJson))
        {
            return result;
        }

        try
        {
            using var doc = JsonDocument.Parse(countsJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            foreach (var type in doc.RootElement.EnumerateObject())
            {
                var v = type.Value;
                result[type.Name] = v.ValueKind switch
                {
                    JsonValueKind.Number => new SyncTypeRunCounts { Records = v.GetInt64() },
                    JsonValueKind.Object => new SyncTypeRunCounts
                    {
                        Mode = Text(v, "mode") ?? "",
                        Records = Number(v, "records"),
                        Unchanged = Number(v, "unchanged"), // 0 in entries logged before it was counted
                        Associations = Number(v, "associations"),
                        Deletes = Number(v, "deletes"),
                        Merges = Number(v, "merges"),
                        ApiCalls = Number(v, "apiCalls"),
                        Duration = TimeSpan.FromMilliseconds(Number(v, "durationMs")),
                        Error = Text(v, "error"),
                        SkippedReason = Text(v, "skipped"),
                    },
                    _ => new SyncTypeRunCounts(),
                };
            }
        }
        catch (JsonException)
        {
            // A log entry nobody can read says nothing about the types; the run's own status and error still show.
        }

        return result;
    }

    private static long Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var n) ? n : 0;

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
