using Spoke.Emulator;
using Spoke.Sync.Store;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Infrastructure;

/// <summary>
/// Per test: an in-process emulator with a frozen clock, a client pointed at it and an empty SQLite mirror in a temp
/// folder — what the engine and verifier tests run against.
/// </summary>
public abstract class EmulatorMirrorTests(string purpose) : IAsyncLifetime
{
    private readonly TempInboxDirectory _directory = new(purpose);

    protected HubSpotEmulator Emulator { get; private set; } = null!;

    protected HubSpotClient Client { get; private set; } = null!;

    protected ISyncStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)),
        });
        Client = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token });
        Store = await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"));
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await Emulator.DisposeAsync();
        _directory.Dispose();
    }
}
