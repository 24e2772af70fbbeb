using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spoke.DependencyInjection;
using Spoke.Sync.Store;

namespace Spoke.Sync.Hosting;

/// <summary>Checks <see cref="HubSpotSyncOptions"/> at start: every message names the key that is wrong and what to write.</summary>
internal sealed class HubSpotSyncOptionsValidator(IServiceProvider services) : IValidateOptions<HubSpotSyncOptions>
{
    private const string Section = HubSpotSyncServiceCollectionExtensions.SectionName;

    public ValidateOptionsResult Validate(string? name, HubSpotSyncOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Database))
        {
            failures.Add($"{Section}:Database is empty: write sqlite:PATH (e.g. sqlite:./spoke.db) or postgres:CONNECTION_STRING.");
        }
        else
        {
            try
            {
                SyncDatabase.Parse(options.Database);
            }
            catch (FormatException e)
            {
                failures.Add($"{Section}:Database: {e.Message}");
            }
        }

        for (var i = 0; i < options.TypedColumns.Count; i++)
        {
            try
            {
                SyncTypedColumn.Parse(options.TypedColumns[i] ?? "");
            }
            catch (FormatException e)
            {
                failures.Add($"{Section}:TypedColumns:{i}: {e.Message}");
            }
        }

        for (var i = 0; i < options.Conflicts.Count; i++)
        {
            try
            {
                new Push.SyncConflictPolicies().Add(options.Conflicts[i] ?? "");
            }
            catch (FormatException e)
            {
                failures.Add($"{Section}:Conflicts:{i}: {e.Message}");
            }
        }

        foreach (var (type, property) in options.UniqueProperties)
        {
            if (string.IsNullOrWhiteSpace(property) || property.Contains(',', StringComparison.Ordinal))
            {
                failures.Add($"{Section}:UniqueProperties:{type} is \"{property}\": write one property whose values HubSpot keeps unique (hasUniqueValue), e.g. project_code.");
            }
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Interval is {options.Interval}: write a positive time span, e.g. 00:05:00 for five minutes.");
        }

        if (options.Lookback < TimeSpan.Zero)
        {
            failures.Add($"{Section}:Lookback is {options.Lookback}: write zero or a positive time span, e.g. 00:05:00.");
        }

        if (options.ReconcileEvery is { } every && every <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:ReconcileEvery is {every}: write a positive time span (e.g. 1.00:00:00 for a day), or leave it out.");
        }

        if (options.MaxPropertiesQueryLength < 100)
        {
            failures.Add($"{Section}:MaxPropertiesQueryLength is {options.MaxPropertiesQueryLength}: write at least 100 (the default, 6000, keeps URLs under HubSpot's limit).");
        }

        var clientName = options.ClientName ?? "";
        if (services.GetService<IHubSpotClientFactory>() is null)
        {
            failures.Add($"{Section}: no HubSpot client is registered: call services.AddHubSpotClient({(clientName.Length == 0 ? "" : $"\"{clientName}\"")}) before AddHubSpotSync.");
        }
        else
        {
            var client = services.GetRequiredService<IOptionsMonitor<HubSpotClientOptions>>().Get(clientName);
            if (string.IsNullOrWhiteSpace(client.AccessToken) && client.TokenProvider is null)
            {
                failures.Add(clientName.Length == 0
                    ? $"{Section}:ClientName is empty (the default client), which has no access token: set HubSpot:AccessToken (or HUBSPOT_ACCESS_TOKEN), or name a client you registered with AddHubSpotClient(name)."
                    : $"{Section}:ClientName is '{clientName}', which has no access token: register it with services.AddHubSpotClient(\"{clientName}\") and set HubSpot:{clientName}:AccessToken.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
