using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Persistence;

namespace Spoke.Emulator.Tests.Merge;

/// <summary><c>--data</c>: a merge's aliases and a GDPR blocklist are still there after a restart.</summary>
public sealed class MergePersistenceTests : IDisposable
{
    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Merged_ids_additional_emails_and_blocked_emails_survive_a_restart()
    {
        string survivor, merged;
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            survivor = (string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "keep@example.com" } })).Expect(201)["id"]!;
            merged = (string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "old@example.com" } })).Expect(201)["id"]!;
            (await api.Post("/crm/v3/objects/contacts/merge", new { primaryObjectId = survivor, objectIdToMerge = merged })).Expect(200);
            (await api.Post("/crm/v3/objects/contacts/gdpr-delete", new { objectId = "erased@example.com", idProperty = "email" })).Expect(204);
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            Assert.Equal(survivor, (string)(await api.Get($"/crm/v3/objects/contacts/{merged}")).Expect(200)["id"]!);
            Assert.Equal(survivor, (string)(await api.Get("/crm/v3/objects/contacts/old@example.com?idProperty=email")).Expect(200)["id"]!);
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "old@example.com" } })).Expect(409);
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "erased@example.com" } })).Expect(400);
        }
    }

    [Fact]
    public async Task What_a_gdpr_delete_erased_and_what_a_merge_moved_stay_so_after_a_restart()
    {
        string survivor, merged, erased, listId;
        string templateId;
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            using var developer = api.WithToken(null);
            var portal = emulator.Portal;
            templateId = (await developer.Post($"/integrators/timeline/v3/{portal.AppId}/event-templates?hapikey={portal.DeveloperApiKey}", new
            {
                name = "Persisted", objectType = "contacts", headerTemplate = "Hello", detailTemplate = "World",
                tokens = new[] { new { name = "note", label = "Note", type = "string" } },
            })).Expect(201)["id"]!.ToString();
            survivor = (string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "keep@example.com" } })).Expect(201)["id"]!;
            merged = (string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "old@example.com" } })).Expect(201)["id"]!;
            erased = (string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "erase@example.com" } })).Expect(201)["id"]!;
            (await api.Post("/integrators/timeline/v3/events", new { id = "moved", eventTemplateId = templateId, objectId = merged })).Expect(201);
            (await api.Post("/integrators/timeline/v3/events", new { id = "erased", eventTemplateId = templateId, objectId = erased })).Expect(201);
            listId = (string)(await api.Post("/crm/v3/lists", new { name = "Erasable", objectTypeId = "0-1", processingType = "MANUAL" })).Expect(200)["list"]!["listId"]!;
            (await api.Put($"/crm/v3/lists/{listId}/memberships/add", new[] { erased, survivor })).Expect(200);

            (await api.Post("/crm/v3/objects/contacts/merge", new { primaryObjectId = survivor, objectIdToMerge = merged })).Expect(200);
            (await api.Post("/crm/v3/objects/contacts/gdpr-delete", new { objectId = erased })).Expect(204);
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            Assert.Equal(survivor, (string)(await api.Get($"/integrators/timeline/v3/events/{templateId}/moved")).Expect(200)["objectId"]!);
            (await api.Get($"/integrators/timeline/v3/events/{templateId}/erased")).Expect(404);
            var members = (await api.Get($"/crm/v3/lists/{listId}/memberships")).Expect(200)["results"]!.AsArray().Select(m => (string)m!["recordId"]!).ToList();
            Assert.Equal([survivor], members);
        }
    }
}
