using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Time.Testing;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Http;

namespace Spoke.Tests.Http;

[JsonSerializable(typeof(JsonElement))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>
/// One warmed-up emulator on a fake clock for a test class; each test takes a fresh <see cref="PipelineHarness"/>
/// (portal emptied, faults and limiter usage cleared, new tokens and so new budgets). The clock only moves forward.
/// </summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    private static readonly string[] Scopes = ["crm.objects.contacts.read", "crm.objects.contacts.write"];
    private PipelineHarness _warm = null!;

    internal PipelineHarness Harness(RateLimitTier tier = RateLimitTier.Off)
    {
        var emulator = _warm.Emulator;
        emulator.Reset();
        emulator.RateLimits = tier;
        return new PipelineHarness(_warm.Time, emulator, emulator.CreateToken(Scopes), emulator.CreateToken(Scopes), ownsEmulator: false);
    }

    public async Task InitializeAsync()
    {
        _warm = await PipelineHarness.StartAsync();
        // The first requests of a process pay for JIT and route building; pay it here, outside any test's clock.
        await PipelineHarness.ListContactsAsync(_warm.Client());
        await PipelineHarness.SearchContactsAsync(_warm.Client());
        await _warm.Client().Crm.Contacts.CreateAsync(new Spoke.Crm.PropertyBag().Set("email", "warm@example.com"));
        await _warm.ContactCountAsync();
    }

    public async Task DisposeAsync()
    {
        _warm.Emulator.Faults.Clear();
        await _warm.Emulator.DisposeAsync();
    }
}

/// <summary>
/// An emulator whose clock and the clients' clock are one <see cref="FakeTimeProvider"/>: advancing it moves HubSpot's
/// rate-limit windows and the client's gate, backoff and timeouts together, with no real sleeping. Each harness has its
/// own tokens and its own <see cref="Spoke.RateLimiting.HubSpotRateLimitState"/>: its clients of one token share a gate.
/// </summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    public const string ContactsPath = "crm/v3/objects/contacts";

    private readonly bool _ownsEmulator;

    internal PipelineHarness(FakeTimeProvider time, HubSpotEmulator emulator, string token, string secondToken, bool ownsEmulator)
    {
        Time = time;
        Emulator = emulator;
        Token = token;
        SecondToken = secondToken;
        _ownsEmulator = ownsEmulator;
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The gates and breakers every client of this harness shares, as the clients of one DI container do.</summary>
    public Spoke.RateLimiting.HubSpotRateLimitState RateLimitState { get; } = new();
    public HubSpotEmulator Emulator { get; }
    public string Token { get; }
    public string SecondToken { get; }

    /// <summary>Responses with status 429 that reached the clients' transport (counted below every client).</summary>
    public int TooManyRequests => _tooMany;

    /// <summary>Every HTTP response the clients' transport saw.</summary>
    public int Responses => _responses;

    private int _tooMany;
    private int _responses;

    public static async Task<PipelineHarness> StartAsync(RateLimitTier tier = RateLimitTier.Off, Action<HubSpotEmulatorOptions>? configure = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero));
        var first = "pat-na1-" + Guid.NewGuid().ToString("N");
        var second = "pat-na1-" + Guid.NewGuid().ToString("N");
        var options = new HubSpotEmulatorOptions { Clock = new EmulatorClock(time), RateLimits = tier };
        options.Tokens.Add(first);
        options.Tokens.Add(second);
        configure?.Invoke(options);
        return new PipelineHarness(time, await HubSpotEmulator.StartAsync(options), first, second, ownsEmulator: true);
    }

    public HubSpotClient Client(string? token = null, Action<HubSpotClientOptions>? configure = null, HttpMessageHandler? transport = null)
    {
        var options = new HubSpotClientOptions
        {
            BaseUri = Emulator.BaseUri,
            AccessToken = token ?? Token,
            ApiVersion = HubSpotApiVersion.Classic,
            TimeProvider = Time,
            RetryBaseDelay = TimeSpan.FromMilliseconds(200),
            RateLimitState = RateLimitState,
        };
        configure?.Invoke(options);
        var counting = new CountingHandler(this) { InnerHandler = transport ?? new SocketsHttpHandler() };
        return new HubSpotClient(new HttpClient(counting) { Timeout = Timeout.InfiniteTimeSpan }, options);
    }

    public static Task<JsonElement> ListContactsAsync(HubSpotClient client, CancellationToken cancellationToken = default) =>
        client.Http.SendAsync(HubSpotOperation.Get(ContactsPath), ContactsPath + "?limit=1", TestJsonContext.Default.JsonElement, cancellationToken);

    public static Task<JsonElement> SearchContactsAsync(HubSpotClient client) =>
        client.Http.SendAsync(HubSpotOperation.Search(ContactsPath), ContactsPath + "/search", JsonDocument.Parse("{}").RootElement,
            TestJsonContext.Default.JsonElement, TestJsonContext.Default.JsonElement, CancellationToken.None);

    /// <summary>A rule that changes nothing and counts the requests that got past auth and rate limits.</summary>
    public Func<int> CountRequests(string route = "*")
    {
        var rule = Emulator.Faults.Add(new FaultRule { Route = route, Kind = FaultKind.Latency, LatencyMs = 0 });
        return () => Emulator.Faults.List().Single(r => r.Rule.Id == rule.Id).Matched;
    }

    public Func<int> Fired(FaultRule rule)
    {
        var added = Emulator.Faults.Add(rule);
        return () => Emulator.Faults.List().Single(r => r.Rule.Id == added.Id).Fired;
    }

    /// <summary>Contacts the emulator holds, read past the client under test.</summary>
    public async Task<int> ContactCountAsync()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.BaseUri, ContactsPath + "?limit=100"));
        request.Headers.Authorization = new("Bearer", SecondToken);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("results").GetArrayLength();
    }

    /// <summary>HTTP requests on the wire right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most requests the clients' transport had in flight at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    private int _inFlight;
    private int _maxInFlight;

    /// <summary>
    /// Advances the shared clock in steps until <paramref name="task"/> ends (bounded), letting I/O run between steps.
    /// The clock stands still while a request is on the wire (real I/O takes real time), unless
    /// <paramref name="advanceWhileInFlight"/>: for attempts that hang on purpose.
    /// </summary>
    public async Task<T> DriveAsync<T>(Task<T> task, TimeSpan step, int maxSteps = 2_000, bool advanceWhileInFlight = false)
    {
        await DriveAsync((Task)task, step, maxSteps, advanceWhileInFlight);
        return await task;
    }

    public async Task DriveAsync(Task task, TimeSpan step, int maxSteps = 2_000, bool advanceWhileInFlight = false)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            if (advanceWhileInFlight || InFlight == 0)
            {
                Time.Advance(step);
            }

            await Task.WhenAny(task, Task.Delay(2));
        }

        await task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>Waits (real time, bounded) for the system to reach a state; not for time to pass.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1_000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "Timed out waiting until " + what);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsEmulator)
        {
            await Emulator.DisposeAsync();
        }
        else
        {
            Emulator.Faults.Clear();
        }
    }

    private sealed class CountingHandler(PipelineHarness harness) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref harness._inFlight);
            for (var seen = Volatile.Read(ref harness._maxInFlight); now > seen; seen = Volatile.Read(ref harness._maxInFlight))
            {
                Interlocked.CompareExchange(ref harness._maxInFlight, now, seen);
            }

            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref harness._inFlight);
            }

            Interlocked.Increment(ref harness._responses);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref harness._tooMany);
            }

            return response;
        }
    }
}
