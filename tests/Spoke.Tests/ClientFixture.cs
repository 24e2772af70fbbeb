using Spoke.Emulator;

namespace Spoke.Tests;

/// <summary>An emulator on loopback with a frozen clock, and a client pointed at it.</summary>
public sealed class ClientFixture : IAsyncLifetime
{
    public HubSpotEmulator Emulator { get; private set; } = null!;

    public HubSpotClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero)),
        });
        Client = NewClient(Emulator.Token);
    }

    // The fixture's emulator runs without rate limits (and its clock is frozen), so the proactive gate would only pace
    // tests in real time; the rate-limit tests in Http/ build their own clients with the gate on.
    public HubSpotClient NewClient(string token, HubSpotApiVersion version = HubSpotApiVersion.V2026_09) =>
        new(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = token, ApiVersion = version, ProactiveRateLimiting = false });

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
