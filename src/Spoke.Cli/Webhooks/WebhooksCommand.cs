using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spoke.Cli.Hosting;
using Spoke.Webhooks;
using Spoke.Webhooks.Events;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Signatures;

namespace Spoke.Cli.Webhooks;

/// <summary><c>spoke webhooks listen</c> (a receiver that prints verified events) and <c>spoke webhooks replay</c> (dead letters).</summary>
internal static class WebhooksCommand
{
    /// <summary>Where <c>listen</c> reads the client secret when <c>--secret</c> is not given.</summary>
    public const string SecretVariable = "HUBSPOT_CLIENT_SECRET";

    public static Command Create()
    {
        var command = new Command("webhooks", "Receive HubSpot webhooks locally and manage the inbox's dead letters");
        command.Subcommands.Add(CreateListen());
        command.Subcommands.Add(CreateReplay());
        return command;
    }

    /// <summary>
    /// The inbox when <c>--inbox</c> is not given: in the temp folder, named after the working folder (its name and a
    /// hash of its full path) and the port, so two receivers started from different folders or on different ports
    /// never share a file by accident. With <c>--port 0</c> the name has no port (it would change on every start).
    /// </summary>
    internal static string DefaultInbox(string workingDirectory, int port)
    {
        var full = Path.GetFullPath(workingDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var name = new string([.. Path.GetFileName(full).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(full)))[..8];
        var suffix = port == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"-{port}");
        return Path.Combine(Path.GetTempPath(), $"spoke-webhooks-{(name.Length == 0 ? "root" : name)}-{hash}{suffix}.db");
    }

    private static HubSpotSignatureVersions? ParseVersions(IEnumerable<string> values)
    {
        var versions = HubSpotSignatureVersions.None;
        foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            switch (value.ToLowerInvariant())
            {
                case "v1": versions |= HubSpotSignatureVersions.V1; break;
                case "v2": versions |= HubSpotSignatureVersions.V2; break;
                case "v3": versions |= HubSpotSignatureVersions.V3; break;
                default: return null;
            }
        }

        return versions == HubSpotSignatureVersions.None ? null : versions;
    }

    private static Command CreateListen()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1; 0 picks a free one", DefaultValueFactory = _ => 3000 };
        var secret = new Option<string?>("--secret") { Description = $"The app's client secret (or set {SecretVariable}, which keeps it off the command line)" };
        var inbox = new Option<FileInfo?>("--inbox") { Description = "SQLite inbox file, owned by this receiver alone (default: in the temp folder, named after the working folder and port)" };
        var versions = new Option<string[]>("--signature-versions")
        {
            Description = "Signature versions accepted, e.g. v3 or v1,v3 (default v3: HubSpot signs every delivery with v3; v1/v2 have no timestamp, so a captured request replays forever)",
            DefaultValueFactory = _ => ["v3"],
            AllowMultipleArgumentsPerToken = true,
        };
        versions.Validators.Add(r =>
        {
            if (ParseVersions(r.GetValueOrDefault<string[]>() ?? []) is null)
            {
                r.AddError("--signature-versions takes v1, v2 and/or v3, e.g. --signature-versions v3 or v1,v3.");
            }
        });
        var path = new Option<string>("--path") { Description = "Path HubSpot posts to", DefaultValueFactory = _ => "/hubspot/webhooks" };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535.");
            }
        });
        path.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { } p || !p.StartsWith('/'))
            {
                r.AddError("--path must start with '/', e.g. /hubspot/webhooks.");
            }
        });

        var command = new Command("listen", "Run a webhook receiver that verifies signatures, stores events durably and prints one line per event") { port, secret, inbox, path, versions };
        command.SetAction(async (parse, commandToken) =>
        {
            using var signals = new ShutdownSignals(commandToken);
            var cancellationToken = signals.Token;
            var clientSecret = parse.GetValue(secret) ?? Environment.GetEnvironmentVariable(SecretVariable);
            if (string.IsNullOrEmpty(clientSecret))
            {
                Console.Error.WriteLine($"No client secret: pass --secret S or set {SecretVariable} to your app's client secret (HubSpot signs every delivery with it).");
                return 2;
            }

            var chosenInbox = parse.GetValue(inbox)?.FullName;
            var inboxPath = chosenInbox ?? DefaultInbox(Environment.CurrentDirectory, parse.GetValue(port));
            var accepted = ParseVersions(parse.GetValue(versions) ?? [])!.Value;
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{parse.GetValue(port)}");
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton<IHostLifetime, CommandOwnedLifetime>();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            builder.Services.AddHubSpotWebhooks(o =>
            {
                o.ClientSecret = clientSecret;
                o.SqlitePath = inboxPath;
                o.AcceptedSignatureVersions = accepted;
            }).AddEventHandler((e, _, _) =>
            {
                Console.WriteLine(Describe(e));
                return Task.CompletedTask;
            });
            await using var app = builder.Build();
            try
            {
                app.MapHubSpotWebhooks(parse.GetValue(path)!);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WebhookInboxInUseException e)
            {
                Console.Error.WriteLine(e.Message);
                return 3;
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            Console.WriteLine($"Webhook receiver listening on {address}{parse.GetValue(path)}");
            Console.WriteLine(chosenInbox is null
                ? $"Inbox {inboxPath} (the default for this folder and port; --inbox FILE chooses another). Ctrl+C stops."
                : $"Inbox {inboxPath}. Ctrl+C stops.");
            Console.WriteLine($"Accepting signature versions: {accepted.ToString().ToLowerInvariant()}.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine("Webhook receiver stopped.");
            return 0;
        });
        return command;
    }

    /// <summary>One line per event: when, type, object, property. Never the value (it may be personal data) or the body.</summary>
    internal static string Describe(HubSpotWebhookEvent e)
    {
        var objectType = e.ObjectTypeId is { } typeId ? $" objectTypeId={typeId}" : "";
        var property = e.PropertyName is { } name ? $" property={name}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{e.OccurredAt:yyyy-MM-ddTHH:mm:ss.fffZ} {e.SubscriptionType} object={e.ObjectId}{objectType}{property}");
    }

    private static Command CreateReplay()
    {
        var inbox = new Option<FileInfo>("--inbox") { Description = "SQLite inbox file", Required = true };
        var ids = new Option<long[]>("--id") { Description = "A dead letter to replay (repeatable; ids from the listing)", AllowMultipleArgumentsPerToken = false };
        var all = new Option<bool>("--all") { Description = "Replay every dead letter" };
        var command = new Command("replay", "List dead-lettered events, or put them back in line (--id N ... or --all)") { inbox, ids, all };
        command.Validators.Add(r =>
        {
            if (r.GetValue(all) && r.GetValue(ids) is { Length: > 0 })
            {
                r.AddError("Give either --id or --all, not both.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(inbox)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"No inbox at {file.FullName}: give the file `spoke webhooks listen --inbox` (or your app's SqlitePath) uses.");
                return 2;
            }

            // Not exclusive: replay runs beside the receiver that owns the file (its dispatcher picks the events up).
            await using var store = new SqliteWebhookInboxStore(file.FullName, exclusive: false);
            var chosen = parse.GetValue(ids) ?? [];
            if (!parse.GetValue(all) && chosen.Length == 0)
            {
                var letters = await store.GetDeadLettersAsync(cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"{letters.Count} dead letter(s) in {file.FullName}");
                foreach (var d in letters)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  id={d.Id} {d.SubscriptionType} object={d.ObjectKey} occurred={d.OccurredAt:yyyy-MM-ddTHH:mm:ss.fffZ} attempts={d.Attempts} reason: {d.Reason}"));
                }

                if (letters.Count > 0)
                {
                    Console.WriteLine("Replay with --id N (repeatable) or --all.");
                }

                return 0;
            }

            var replayed = await store.ReplayDeadLettersAsync(parse.GetValue(all) ? null : chosen, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Replayed {replayed} dead letter(s); a running receiver on this inbox handles them within its poll interval.");
            if (!parse.GetValue(all) && replayed < chosen.Length)
            {
                Console.Error.WriteLine($"{chosen.Length - replayed} of the given ids are not dead letters (run without --id to list them).");
                return 1;
            }

            return 0;
        });
        return command;
    }
}
