using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spoke.Emulator.Tests.Infrastructure;

/// <summary>A started emulator on loopback with a frozen clock, shared by the tests of one class.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public HubSpotEmulator Emulator { get; private set; } = null!;
    public Api Api { get; private set; } = null!;

    /// <summary>Override to shape the emulator (rate limits, fidelity switches) for one test class.</summary>
    public Action<HubSpotEmulatorOptions>? Configure { get; init; }

    public async Task InitializeAsync()
    {
        var options = new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero)) };
        Configure?.Invoke(options);
        Emulator = await HubSpotEmulator.StartAsync(options);
        Api = new Api(Emulator.BaseUri, Emulator.Token);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>A minimal JSON-over-HTTP caller for tests: status, headers and parsed body of each call.</summary>
public sealed class Api(Uri baseUri, string token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };

    public string Token { get; set; } = token;

    public Api WithToken(string? other) => new(_http.BaseAddress!, other ?? "");

    public Task<Reply> Get(string path) => Send(HttpMethod.Get, path, null);

    public Task<Reply> Delete(string path) => Send(HttpMethod.Delete, path, null);

    public Task<Reply> Post(string path, object? body) => Send(HttpMethod.Post, path, body);

    public Task<Reply> Patch(string path, object? body) => Send(HttpMethod.Patch, path, body);

    public Task<Reply> Put(string path, object? body) => Send(HttpMethod.Put, path, body);

    /// <summary>Sends <paramref name="body"/> (an anonymous object, a JsonNode, or a raw string) as JSON.</summary>
    public async Task<Reply> Send(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (Token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        if (body is not null)
        {
            var json = body switch
            {
                string s => s,
                JsonNode n => n.ToJsonString(),
                _ => JsonSerializer.Serialize(body, body.GetType(), Json.Options),
            };
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        else if (method != HttpMethod.Get && method != HttpMethod.Delete)
        {
            // A bodiless POST still says it is JSON, as the admin API requires of state-changing calls.
            request.Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), text, headers);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One HTTP answer.</summary>
public sealed record Reply(HttpStatusCode Status, JsonNode? Body, string Text, IReadOnlyDictionary<string, string> Headers)
{
    public int Code => (int)Status;

    public JsonNode this[string name] => Body![name]!;

    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public Reply Expect(int status)
    {
        Assert.True(Code == status, $"expected {status}, got {Code}: {Text}");
        return this;
    }
}

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
}
