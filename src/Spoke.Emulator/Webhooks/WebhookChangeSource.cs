namespace Spoke.Emulator.Webhooks;

/// <summary>
/// Who made the changes of the current request, for the events' <c>changeSource</c>/<c>sourceId</c>. The pipeline
/// sets it after authentication: the app's own tokens (the ones the emulator started with) are <c>INTEGRATION</c>
/// with the app id as <c>sourceId</c>, as HubSpot reports an app's own writes; other tokens (created at runtime, like
/// other private apps) are <c>API</c>. Changes outside a request (admin restore) say <c>CRM_UI</c>; anything else <c>CRM</c>.
/// </summary>
internal static class WebhookChangeSource
{
    private static readonly AsyncLocal<(string Source, string? SourceId)?> Current = new();

    public const string Integration = "INTEGRATION";
    public const string Api = "API";
    public const string CrmUi = "CRM_UI";
    public const string Crm = "CRM";

    public static (string Source, string? SourceId) Get() => Current.Value ?? (Crm, null);

    public static void Set(string source, string? sourceId) => Current.Value = (source, sourceId);
}
