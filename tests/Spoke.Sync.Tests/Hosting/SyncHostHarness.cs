using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Spoke.DependencyInjection;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Hosting;

namespace Spoke.Sync.Tests.Hosting;

/// <summary>What an <see cref="ISyncObserver"/> heard, in order.</summary>
internal sealed class RecordingObserver : ISyncObserver
{
    private readonly ConcurrentQueue<object> _events = new();

    public IReadOnlyList<object> Events => [.. _events];

    public int Started => Events.Count(e => e is "started");

    public IReadOnlyList<SyncRunResult> Completed => [.. Events.OfType<SyncRunResult>()];

    public IReadOnlyList<Exception> Failed => [.. Events.OfType<Exception>()];

    public IReadOnlyList<SyncProgress> Progress => [.. Events.OfType<SyncProgress>()];

    public void OnRunStarted() => _events.Enqueue("started");

    public void OnProgress(SyncProgress progress) => _events.Enqueue(progress);

    public void OnRunCompleted(SyncRunResult result) => _events.Enqueue(result);

    public void OnRunFailed(Exception exception) => _events.Enqueue(exception);

    public void OnPushCompleted(Spoke.Sync.Push.SyncPushResult result) => _events.Enqueue(result);
}

/// <summary>Keeps every log line, to assert what a host said.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.Message)}");
    }
}

/// <summary>The system clock under another identity, so AddHubSpotClient keeps it instead of the app's fake clock.</summary>
internal sealed class RealClock : TimeProvider;

internal static class SyncHost
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>An app as a user builds it: configuration, the HubSpot client pointed at <paramref name="emulator"/>, AddHubSpotSync.</summary>
    public static IHost Build(
        HubSpotEmulator emulator,
        FakeTimeProvider time,
        IReadOnlyDictionary<string, string?> settings,
        RecordingObserver? observer = null,
        CapturingLoggerProvider? logs = null,
        bool registerClient = true,
        int maxRetries = 5)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(time);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        if (registerClient)
        {
            // The client keeps real time: its retries and timeouts must not wait on the test's frozen clock.
            builder.Services.AddHubSpotClient(o =>
            {
                o.BaseUri = emulator.BaseUri;
                o.AccessToken = emulator.Token;
                o.TimeProvider = new RealClock();
                o.MaxRetries = maxRetries;
            });
        }

        builder.Services.AddHubSpotSync();
        if (observer is not null)
        {
            builder.Services.AddSingleton<ISyncObserver>(observer);
        }

        return builder.Build();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after a minute.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }
}
