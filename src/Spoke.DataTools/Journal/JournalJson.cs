using System.Text.Json.Serialization;

namespace Spoke.DataTools.Journal;

/// <summary>The journal's JSON columns (previous and written values, reasons), source-generated.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Dictionary<string, string?>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class JournalJson : JsonSerializerContext;
