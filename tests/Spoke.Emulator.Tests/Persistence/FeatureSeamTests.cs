using System.Text;
using System.Text.Json;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Schemas;

namespace Spoke.Emulator.Tests.Persistence;

/// <summary>
/// The feature seam: every feature store registers with the portal, and what each registered feature saves is what it
/// restores after a restart from the data file. A new feature that forgets to register, or registers without a
/// change in <see cref="AChangeThroughEveryFeaturesApiSurvivesARestart"/>, fails here.
/// </summary>
public sealed class FeatureSeamTests : IDisposable
{
    private const long AppId = 7654321;
    private const string DeveloperKey = "seam-developer-key";
    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void EveryFeatureTypeIsRegisteredExactlyOnce()
    {
        var portal = new PortalState(12345678, EmulatorClock.FrozenAt(DataFile.Start), new FidelityOptions());
        var featureTypes = typeof(PortalFeature).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(PortalFeature)) && !t.IsAbstract)
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(featureTypes, portal.Features.Select(f => f.GetType().Name).Order(StringComparer.Ordinal));
        Assert.Equal(portal.Features.Count, portal.Features.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count());

        // A feature the portal exposes is the registered instance, not a second copy that nothing saves.
        var exposed = typeof(PortalState).GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
            .Where(p => p.GetIndexParameters().Length == 0 && typeof(PortalFeature).IsAssignableFrom(p.PropertyType))
            .Select(p => (PortalFeature)p.GetValue(portal)!).ToList();
        Assert.NotEmpty(exposed);
        Assert.All(exposed, f => Assert.Contains(f, portal.Features));
    }

    [Fact]
    public async Task AChangeThroughEveryFeaturesApiSurvivesARestart()
    {
        var fresh = Saved(new PortalState(12345678, EmulatorClock.FrozenAt(DataFile.Start), new FidelityOptions()));
        Dictionary<string, string> before;
        await using (var emulator = await _file.StartAsync(o =>
        {
            o.AppId = AppId;
            o.DeveloperApiKey = DeveloperKey;
            o.ClientSecret = "seam-client-secret";
            o.Seed = SeedKind.Demo;
            o.SeedSize = 10;
        }))
        using (var api = DataFile.ApiFor(emulator))
        using (var developer = api.WithToken(null))
        {
            await ChangeEveryFeature(api, developer);
            before = Saved(emulator.Portal);
        }

        // Every feature was changed by the API calls above, or the round trip below proves nothing for it.
        Assert.All(before, kv => Assert.True(kv.Value != fresh[kv.Key], $"Feature '{kv.Key}' is unchanged: add a change through its API to this test."));

        await using (var emulator = await _file.StartAsync())
        {
            var after = Saved(emulator.Portal);
            Assert.All(before, kv => Assert.Equal(kv.Value, after[kv.Key]));
        }
    }

    private static async Task ChangeEveryFeature(Api api, Api developer)
    {
        // Object types and schemas: a custom object, and a property on a standard type.
        (await api.Post("/crm-object-schemas/v3/schemas", SchemasApiTests.CarSchema("seam_cars"))).Expect(201);
        (await api.Post("/crm/v3/properties/contacts", new { name = "seam_code", label = "Seam code", type = "string", fieldType = "text", groupName = "contactinformation" })).Expect(201);
        (await api.Post("/crm/v3/pipelines/deals", new
        {
            label = "Seam", displayOrder = 3,
            stages = new[] { new { label = "Won", displayOrder = 0, metadata = new { probability = "1.0" } } },
        })).Expect(201);
        (await api.Post("/_emulator/owners", new { email = "seam.owner@example.com", firstName = "Seam", lastName = "Owner" })).Expect(201);
        (await api.Post("/_emulator/tokens", new { scopes = new[] { "crm.objects.contacts.read" } })).Expect(201);
        (await api.Post("/crm/v3/objects/contacts/gdpr-delete", new { objectId = "gone@example.com", idProperty = "email" })).Expect(204);
        (await developer.Put($"/webhooks/v3/{AppId}/settings?hapikey={DeveloperKey}", new { targetUrl = "https://example.com/hooks", throttling = new { maxConcurrentRequests = 4 } })).Expect(200);
        (await developer.Post($"/webhooks/v3/{AppId}/subscriptions?hapikey={DeveloperKey}", new { eventType = "contact.creation", active = true })).Expect(201);
        (await api.Post("/crm/v4/associations/contacts/companies/labels", new { name = "seam_boss", label = "Boss" })).Expect(200);
        var contact = (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "seam@example.com" } })).Expect(201)["id"]!.GetValue<string>();
        var list = (await api.Post("/crm/v3/lists", new { name = "Seam list", objectTypeId = "0-1", processingType = "MANUAL" })).Expect(200)["list"]!["listId"]!.GetValue<string>();
        (await api.Put($"/crm/v3/lists/{list}/memberships/add", new[] { contact })).Expect(200);
        var template = (await developer.Post($"/integrators/timeline/v3/{AppId}/event-templates?hapikey={DeveloperKey}", new
        {
            name = "Seam template", objectType = "contacts", headerTemplate = "Hello",
            tokens = new[] { new { name = "note", label = "Note", type = "string" } },
        })).Expect(201)["id"]!.GetValue<string>();
        (await api.Post("/integrators/timeline/v3/events", new { id = "seam-event", eventTemplateId = template, objectId = contact })).Expect(201);
        (await api.Post("/_emulator/oauth/apps", new { name = "Seam app", clientId = "seam-app", redirectUris = new[] { "http://localhost:5799/callback" }, requiredScopes = new[] { "crm.objects.contacts.read" } })).Expect(201);
    }

    /// <summary>What each registered feature writes into the metadata document, by feature name.</summary>
    private static Dictionary<string, string> Saved(PortalState portal)
    {
        using var _ = portal.Read();
        return portal.Features.ToDictionary(f => f.Name, f =>
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                f.Save(writer);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }, StringComparer.Ordinal);
    }
}
