using System.Text.Json;
using System.Text.Json.Serialization;
using Spoke.Http;

namespace Spoke.Account;

/// <summary>The account (portal) the token belongs to (docs/hubspot-api.md §3.12).</summary>
public class AccountClient
{
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected AccountClient()
    {
    }

    internal AccountClient(HubSpotHttp http) => _http = http;

    /// <summary>
    /// The account's details: its portal id (the "Hub ID" every record belongs to), type, time zone and currency. Any
    /// valid token may read them; no scope is needed.
    /// </summary>
    public virtual Task<AccountDetails> GetDetailsAsync(CancellationToken cancellationToken = default)
    {
        var operation = HubSpotOperation.Get(_http.Options.AccountInfoPrefix(), "details");
        return _http.SendAsync(operation, operation.Path(), AccountJsonContext.Default.AccountDetails, cancellationToken);
    }
}

/// <summary>An account's details, as <c>GET /account-info/v3/details</c> answers.</summary>
public sealed class AccountDetails
{
    /// <summary>The portal id (HubSpot's "Hub ID"): the key Spoke's sync mirror is stored under.</summary>
    public long PortalId { get; init; }

    /// <summary><c>STANDARD</c>, <c>SANDBOX</c>, <c>DEVELOPER_TEST</c> or <c>APP_DEVELOPER</c>.</summary>
    public string? AccountType { get; init; }

    /// <summary>The account's time zone, e.g. <c>US/Eastern</c>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The account's primary currency, e.g. <c>USD</c>.</summary>
    public string? CompanyCurrency { get; init; }

    /// <summary>The domain of the account's HubSpot UI, e.g. <c>app.hubspot.com</c>.</summary>
    public string? UiDomain { get; init; }

    /// <summary>Where the account's data is hosted, e.g. <c>na1</c>.</summary>
    public string? DataHostingLocation { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AccountDetails))]
internal sealed partial class AccountJsonContext : JsonSerializerContext;
