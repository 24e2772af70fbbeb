using Spoke.Errors;
using Spoke.Properties;

namespace Spoke.Tests.Properties;

public sealed class PropertiesClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string Name(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..24];

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Create_get_update_list_archive_with_typed_enums(HubSpotApiVersion version)
    {
        var properties = fixture.NewClient(fixture.Emulator.Token, version).Properties;
        var name = Name("tier");
        var created = await properties.CreateAsync("contacts", new PropertyCreate
        {
            Name = name, Label = "Tier", Type = PropertyType.Enumeration, FieldType = PropertyFieldType.Select, GroupName = "contactinformation",
            Options = [new PropertyOption { Label = "Gold", Value = "gold" }, new PropertyOption { Label = "Silver", Value = "silver" }],
        });
        Assert.Equal(PropertyType.Enumeration, created.Type);
        Assert.Equal(PropertyFieldType.Select, created.FieldType);
        Assert.Equal(["gold", "silver"], created.Options.Select(o => o.Value));
        Assert.False(created.HubspotDefined);

        var updated = await properties.UpdateAsync("contacts", name, new PropertyUpdate { Label = "Customer tier" });
        Assert.Equal("Customer tier", updated.Label);
        Assert.Equal(2, updated.Options.Count);

        var all = await properties.ListAsync("contacts").ToListAsync();
        Assert.Contains(all, p => p.Name == name);
        var email = Assert.Single(all, p => p.Name == "email");
        Assert.True(email.HubspotDefined);
        Assert.Equal(PropertyType.String, email.Type);

        await properties.ArchiveAsync("contacts", name);
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => properties.GetAsync("contacts", name));
        Assert.Equal(404, (int)error.Status);
        Assert.True((await properties.GetAsync("contacts", name, new PropertyReadOptions { Archived = true })).Archived);
    }

    [Fact]
    public async Task Batch_create_and_read_return_partial_failures_and_batch_archive_archives()
    {
        var properties = fixture.Client.Properties;
        var good = Name("score");
        var outcome = await properties.BatchCreateAsync("companies",
        [
            new PropertyCreate { Name = good, Label = "Score", Type = PropertyType.Number, FieldType = PropertyFieldType.Number, GroupName = "companyinformation" },
            new PropertyCreate { Name = "Not Valid!", Label = "Bad", Type = PropertyType.String, FieldType = PropertyFieldType.Text, GroupName = "companyinformation" },
        ]);
        var created = Assert.Single(outcome.Succeeded);
        Assert.Equal((0, good), (created.InputIndex, created.Value.Name));
        var invalid = Assert.Single(outcome.Failed);
        Assert.Equal((1, "Not Valid!", 400), (invalid.InputIndex, invalid.InputId, (int)invalid.Status));

        var read = await properties.BatchReadAsync("companies", [good, "name", "no_such_property"]);
        Assert.Equal([(0, good), (1, "name")], read.Succeeded.Select(s => (s.InputIndex, s.Value.Name)));
        var missing = Assert.Single(read.Failed);
        Assert.Equal((2, "no_such_property", "OBJECT_NOT_FOUND"), (missing.InputIndex, missing.InputId, missing.Category));

        var archived = await properties.BatchArchiveAsync("companies", [good, "no_such_property"]);
        Assert.Equal(2, archived.Succeeded.Count);
        Assert.True((await properties.GetAsync("companies", good, new PropertyReadOptions { Archived = true })).Archived);
    }

    [Fact]
    public async Task Groups_crud_and_refusing_to_archive_a_hubspot_property()
    {
        var properties = fixture.Client.Properties;
        var name = Name("grp");
        var group = await properties.CreateGroupAsync("deals", new PropertyGroup { Name = name, Label = "Extra", DisplayOrder = 3 });
        Assert.Equal("Extra", group.Label);
        Assert.Equal("Renamed", (await properties.UpdateGroupAsync("deals", name, new PropertyGroupUpdate { Label = "Renamed" })).Label);
        Assert.Contains(await properties.ListGroupsAsync("deals").ToListAsync(), g => g.Name == name);
        await properties.ArchiveGroupAsync("deals", name);
        Assert.Equal(404, (int)(await Assert.ThrowsAsync<HubSpotApiException>(() => properties.GetGroupAsync("deals", name))).Status);

        var refused = await Assert.ThrowsAsync<HubSpotApiException>(() => properties.ArchiveAsync("contacts", "email"));
        Assert.Equal(400, (int)refused.Status);
        Assert.Equal("VALIDATION_ERROR", refused.Category);
    }
}
