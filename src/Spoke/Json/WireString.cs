using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spoke.Json;

/// <summary>
/// A value with a fixed string on the wire and well-known instances (Azure SDK "expandable enum"): HubSpot adds
/// values over time, and a value this version doesn't know still reads and round-trips instead of failing.
/// </summary>
internal interface IWireString<TSelf> where TSelf : IWireString<TSelf>
{
    static abstract TSelf FromWire(string value);

    string WireValue { get; }
}

/// <summary>Reads and writes an <see cref="IWireString{TSelf}"/> as its JSON string.</summary>
internal sealed class WireStringConverter<T> : JsonConverter<T> where T : IWireString<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.FromWire(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.WireValue);
}
