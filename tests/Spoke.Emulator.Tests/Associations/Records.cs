using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Associations;

/// <summary>Creates the records association tests link together.</summary>
internal static class Records
{
    public static string Str(JsonNode? node) => node!.GetValue<string>();

    public static async Task<string> Contact(Api api) =>
        Str((await api.Post("/crm/v3/objects/contacts", new { properties = new { email = $"{Guid.NewGuid():N}@example.com" } })).Expect(201)["id"]);

    public static async Task<string> Company(Api api) =>
        Str((await api.Post("/crm/v3/objects/companies", new { properties = new { name = $"Co {Guid.NewGuid():N}" } })).Expect(201)["id"]);

    public static async Task<string> Deal(Api api) =>
        Str((await api.Post("/crm/v3/objects/deals", new { properties = new { dealname = "Deal", pipeline = "default", dealstage = "appointmentscheduled" } })).Expect(201)["id"]);

    public static object Spec(int typeId, string category = "HUBSPOT_DEFINED") => new { associationCategory = category, associationTypeId = typeId };

    /// <summary>The v4 GET of one record's associations: toObjectId → type ids.</summary>
    public static async Task<Dictionary<string, int[]>> Associated(Api api, string from, string id, string to)
    {
        var reply = (await api.Get($"/crm/v4/objects/{from}/{id}/associations/{to}")).Expect(200);
        return reply["results"]!.AsArray().ToDictionary(
            r => r!["toObjectId"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture),
            r => r!["associationTypes"]!.AsArray().Select(t => t!["typeId"]!.GetValue<int>()).Order().ToArray());
    }

    public static async Task<string?> Property(Api api, string type, string id, string name)
    {
        var reply = (await api.Get($"/crm/v3/objects/{type}/{id}?properties={name}")).Expect(200);
        return reply["properties"][name]?.GetValue<string>();
    }
}
