using System.CommandLine;
using System.Globalization;
using Spoke.Cli.Webhooks;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Sync.Watch;
using Spoke.Webhooks.Inbox;

namespace Spoke.Cli.Sync;

/// <summary>
/// <c>spoke sync --watch</c>: stays running and applies changes as they happen. With the embedded emulator a loopback
/// receiver is started and the emulator's app pointed at it; <c>--webhook-listen URL</c> receives a real portal's
/// webhooks (the user points the HubSpot app there); otherwise incremental passes every <c>--poll-interval</c>.
/// </summary>
internal sealed class SyncWatchMode
{
    private static readonly TimeSpan PollingDefault = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan WithWebhooksDefault = TimeSpan.FromMinutes(5);

    private readonly Option<bool> _watch = new("--watch")
    {
        Description = "Stay running and apply changes as they happen: webhooks when a receiver can be reached (the embedded emulator is pointed at a loopback one), otherwise an incremental pass every --poll-interval. Ctrl+C stops after the current commit",
    };

    private readonly Option<string?> _pollInterval = new("--poll-interval")
    {
        Description = "With --watch: time between incremental passes, e.g. 30s, 5m, 1h (default 1m polling alone, 5m beside webhooks, which they back up)",
        HelpName = "DURATION",
    };

    private readonly Option<string?> _listen = new("--webhook-listen")
    {
        Description = $"With --watch: receive HubSpot's webhooks at this URL, e.g. http://0.0.0.0:8080/hubspot/webhooks, and point your app's target URL there (behind HTTPS). The app's client secret comes from {WebhooksCommand.SecretVariable}",
        HelpName = "URL",
    };

    private readonly Option<FileInfo?> _inbox = new("--webhook-inbox")
    {
        Description = "With --watch and webhooks: the SQLite file of the durable inbox (default: beside a SQLite mirror, else spoke-webhooks.db here)",
        HelpName = "FILE",
    };

    private string? _emulatorSecret;

    public void AddTo(Command command)
    {
        command.Options.Add(_watch);
        command.Options.Add(_pollInterval);
        command.Options.Add(_listen);
        command.Options.Add(_inbox);
    }

    /// <summary>What is wrong with the watch options (checked by the action, so the exit code is 2), or null.</summary>
    public string? Validate(ParseResult parse)
    {
        if (!parse.GetValue(_watch))
        {
            foreach (var option in new Option[] { _pollInterval, _listen, _inbox })
            {
                if (parse.GetResult(option) is { Implicit: false })
                {
                    return $"{option.Name} only applies to --watch: add --watch, or leave {option.Name} out.";
                }
            }
        }

        if (parse.GetValue(_pollInterval) is { } interval && ParseDuration(interval) is null)
        {
            return $"--poll-interval \"{interval}\": write a positive duration such as 30s, 5m or 1h.";
        }

        if (parse.GetValue(_listen) is { } listen && ParseListen(listen) is null)
        {
            return $"--webhook-listen \"{listen}\" is not an http URL with a host, e.g. http://0.0.0.0:8080/hubspot/webhooks (terminate HTTPS in front of it).";
        }

        return null;
    }

    public bool IsOn(ParseResult parse) => parse.GetValue(_watch);

    /// <summary>The client secret the embedded emulator's app signs with (generated here, never printed), or null when not watching.</summary>
    public string? EmulatorClientSecret(ParseResult parse) =>
        IsOn(parse) ? _emulatorSecret ??= Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) : null;

    internal static TimeSpan? ParseDuration(string value)
    {
        value = value.Trim();
        if (value.Length > 1 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && n < 1e6)
        {
            var unit = char.ToLowerInvariant(value[^1]);
            TimeSpan? parsed = unit switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), _ => null };
            if (parsed is not null)
            {
                return parsed;
            }
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }

    private static Uri? ParseListen(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == "http" && uri.Host.Length > 0 && string.IsNullOrEmpty(uri.Query) ? uri : null;

    public async Task<int> RunAsync(ParseResult parse, SyncTarget target, SyncDatabase database, SyncEngine engine, SyncOptions options, SyncPusher? pusher, CancellationToken stoppingToken)
    {
        var listen = parse.GetValue(_listen) is { } l ? ParseListen(l) : null;
        var webhooks = target.Emulator is not null || listen is not null;
        string? secret = null;
        if (webhooks)
        {
            secret = target.Emulator is not null ? EmulatorClientSecret(parse) : Environment.GetEnvironmentVariable(WebhooksCommand.SecretVariable);
            if (string.IsNullOrEmpty(secret))
            {
                Console.Error.WriteLine($"--webhook-listen needs your app's client secret in {WebhooksCommand.SecretVariable} (HubSpot signs every delivery with it); or leave --webhook-listen out to watch by polling.");
                return SyncCommand.ExitCodes.BadInput;
            }
        }

        var interval = parse.GetValue(_pollInterval) is { } p ? ParseDuration(p)!.Value : webhooks ? WithWebhooksDefault : PollingDefault;
        var inboxPath = parse.GetValue(_inbox)?.FullName
            ?? (database.Kind == SyncDatabaseKind.Sqlite ? Path.ChangeExtension(Path.GetFullPath(database.Target), null) + "-webhooks.db" : Path.GetFullPath("spoke-webhooks.db"));
        string? inUse = null;
        await using var inbox = webhooks ? OpenInbox(inboxPath, out inUse) : null;
        if (inUse is not null)
        {
            Console.Error.WriteLine($"{inUse} Another `spoke sync --watch` uses it: stop that one, or give this one its own --webhook-inbox FILE.");
            return SyncCommand.ExitCodes.BadInput;
        }

        SyncWebhookReceiver? receiver = null;
        try
        {
            if (inbox is not null)
            {
                receiver = await SyncWebhookReceiver.StartAsync(listen ?? new Uri("http://127.0.0.1:0/hubspot/webhooks"), secret!, inbox, cancellationToken: stoppingToken).ConfigureAwait(false);
                if (target.Emulator is { } emulator)
                {
                    var subscriptions = await SyncWebhookApp.SubscribeAsync(target.Client, emulator.BaseUri, emulator.AppId, emulator.DeveloperApiKey, receiver.Endpoint,
                        options.ObjectTypes.Count > 0 ? options.ObjectTypes : SyncEngine.StandardObjectTypes, stoppingToken).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Watching with webhooks: the embedded emulator's app sends them to {receiver.Endpoint} ({subscriptions} subscriptions), an incremental pass every {Describe(interval)} catches anything they miss. Inbox {inbox.Path}. Ctrl+C stops after the current commit."));
                }
                else
                {
                    Console.WriteLine(
                        $"Watching with webhooks received at {receiver.Endpoint}: point your HubSpot app's target URL there (through HTTPS); an incremental pass every {Describe(interval)} catches anything they miss. Inbox {inbox.Path}. Ctrl+C stops after the current commit.");
                }
            }
            else
            {
                Console.WriteLine($"Watching by polling: an incremental pass every {Describe(interval)} (to apply changes as they happen, receive HubSpot's webhooks with --webhook-listen URL). Ctrl+C stops after the current commit.");
            }

            if (pusher is not null)
            {
                Console.WriteLine("Pushing local changes as they are made (the outbox is checked every 0.25 s); a line per push.");
            }

            var watcher = new SyncWatcher(engine, inbox, new SyncWatchOptions { PollInterval = interval, Pusher = pusher });
            await watcher.RunAsync(new WatchOutput(Console.Out), stoppingToken).ConfigureAwait(false);
            Console.WriteLine("Watch stopped; everything applied is committed (pending webhook events stay in the inbox for the next run).");
            return SyncCommand.ExitCodes.Succeeded;
        }
        finally
        {
            if (receiver is not null)
            {
                await receiver.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The inbox, owned by this process; null with the reason when another process owns it.</summary>
    private static SqliteWebhookInboxStore? OpenInbox(string path, out string? inUse)
    {
        try
        {
            inUse = null;
            return new SqliteWebhookInboxStore(path);
        }
        catch (WebhookInboxInUseException e)
        {
            inUse = e.Message;
            return null;
        }
    }

    private static string Describe(TimeSpan interval) =>
        interval.TotalHours >= 1 && interval.TotalHours % 1 == 0 ? $"{interval.TotalHours:0}h"
        : interval.TotalMinutes >= 1 && interval.TotalMinutes % 1 == 0 ? $"{interval.TotalMinutes:0}m"
        : string.Create(CultureInfo.InvariantCulture, $"{interval.TotalSeconds:0.###}s");

    /// <summary>One line per batch applied, pass finished or failure (which is retried).</summary>
    private sealed class WatchOutput(TextWriter output) : IProgress<SyncWatchReport>
    {
        public void Report(SyncWatchReport value)
        {
            var at = DateTimeOffset.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            if (value.Batch is { } b)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{at} webhooks: {b.Events:N0} events → {b.Records:N0} records written{(b.Unchanged > 0 ? $" ({b.Unchanged:N0} unchanged: echoes of our pushes)" : "")}, {b.Deletes:N0} deletes, {b.Merges:N0} merges, {b.Associations:N0} association edges ({b.ApiCalls:N0} API calls)"));
            }
            else if (value.Pass is { } pass)
            {
                var types = pass.Types;
                var failed = pass.Succeeded ? "" : "; failed: " + string.Join("; ", types.Where(t => t.Error is not null).Select(t => $"{t.ObjectType}: {t.Error}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{at} pass ({string.Join(", ", types.Select(t => t.Mode).Distinct())}): {types.Sum(t => t.Records):N0} records written{(types.Sum(t => t.Unchanged) is > 0 and var same ? $" ({same:N0} unchanged: echoes of our pushes)" : "")}, {types.Sum(t => t.Deletes):N0} deletes, {types.Sum(t => t.Merges):N0} merges in {pass.Duration.TotalSeconds:0.0} s{failed}"));
            }
            else if (value.Push is { } push)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{at} push: {push.Pushed:N0} local changes pushed, {push.Rejected:N0} rejected{(push.Rejected > 0 ? " (reasons: spoke sync status)" : "")}, {push.Retrying:N0} left pending after failed calls"));
            }
            else if (value.Error is { } error)
            {
                output.WriteLine($"{at} failed, retrying: {error}");
            }
        }
    }
}
