using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Persistence;

/// <summary>A fresh SQLite data file in a temporary folder, deleted (with its WAL) afterwards.</summary>
public sealed class DataFile : IDisposable
{
    public const string Token = "pat-na1-persistence-test-token";

    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spoke-tests", Guid.NewGuid().ToString("N"));

    public DataFile() => Directory.CreateDirectory(_directory);

    public string Path => System.IO.Path.Combine(_directory, "portal.db");

    public static DateTimeOffset Start { get; } = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    /// <summary>Starts an emulator on this file with a frozen clock and a fixed all-scopes token.</summary>
    public Task<HubSpotEmulator> StartAsync(Action<HubSpotEmulatorOptions>? configure = null, EmulatorClock? clock = null)
    {
        var options = new HubSpotEmulatorOptions { DataFile = Path, Clock = clock ?? EmulatorClock.FrozenAt(Start) };
        options.Tokens.Add(Token);
        configure?.Invoke(options);
        return HubSpotEmulator.StartAsync(options);
    }

    public static Api ApiFor(HubSpotEmulator emulator) => new(emulator.BaseUri, Token);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed by a test may still be releasing the file; the temp folder is cleaned later.
        }
    }
}
