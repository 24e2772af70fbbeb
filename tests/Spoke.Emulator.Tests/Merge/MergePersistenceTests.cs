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
}
