using Spoke.Crm;
using Spoke.Errors;
using Spoke.Properties;
using Spoke.Schemas;

namespace Spoke.Tests.Schemas;

public sealed class SchemasClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Create_use_update_associate_and_delete_a_custom_object(HubSpotApiVersion version)
    {
        var client = fixture.NewClient(fixture.Emulator.Token, version);
        var name = "machine_" + Guid.NewGuid().ToString("N")[..6];
        var schema = await client.Schemas.CreateAsync(new ObjectSchemaCreate
        {
            Name = name,
            Labels = new ObjectSchemaLabels { Singular = "Machine", Plural = "Machines" },
            Properties = [new PropertyCreate { Name = "serial", Label = "Serial", Type = PropertyType.String, FieldType = PropertyFieldType.Text }],
            RequiredProperties = ["serial"],
            PrimaryDisplayProperty = "serial",
            AssociatedObjects = ["CONTACT"],
        });
        Assert.StartsWith("2-", schema.ObjectTypeId, StringComparison.Ordinal);
        Assert.Contains(schema.Properties, p => p.Name == "serial" && p.Type == PropertyType.String);
        Assert.Single(schema.Associations);

        var machine = await client.Crm.Objects(schema.ObjectTypeId).CreateAsync(new PropertyBag().Set("serial", "SN-1"));
        Assert.Equal("SN-1", machine.Properties.GetString("serial"));

        var updated = await client.Schemas.UpdateAsync(schema.ObjectTypeId, new ObjectSchemaUpdate { Labels = new ObjectSchemaLabels { Singular = "Robot", Plural = "Robots" } });
        Assert.Equal("Robot", updated.Labels.Singular);
        Assert.Equal("Robots", (await client.Schemas.GetAsync(schema.ObjectTypeId)).Labels.Plural);
        Assert.Contains(await client.Schemas.ListAsync().ToListAsync(), s => s.Name == name);

        var association = await client.Schemas.CreateAssociationAsync(schema.ObjectTypeId, schema.ObjectTypeId, "0-2");
        Assert.Equal("0-2", association.ToObjectTypeId);
        await client.Schemas.DeleteAssociationAsync(schema.ObjectTypeId, association.Id);

        // A schema with live records can't be archived.
        var refused = await Assert.ThrowsAsync<HubSpotApiException>(() => client.Schemas.DeleteAsync(schema.ObjectTypeId));
        Assert.Equal(400, (int)refused.Status);
        await client.Crm.Objects(schema.ObjectTypeId).ArchiveAsync(machine.Id);
        await client.Schemas.DeleteAsync(schema.ObjectTypeId);
        Assert.Contains(await client.Schemas.ListAsync(new SchemaListOptions { Archived = true }).ToListAsync(), s => s.Name == name);
        await client.Schemas.DeleteAsync(schema.ObjectTypeId, new SchemaDeleteOptions { Purge = true });
        Assert.Equal(404, (int)(await Assert.ThrowsAsync<HubSpotApiException>(() => client.Schemas.GetAsync(schema.ObjectTypeId))).Status);
    }

    [Fact]
    public async Task Creating_a_duplicate_name_is_a_conflict()
    {
        var name = "dup_" + Guid.NewGuid().ToString("N")[..6];
        var egg = new ObjectSchemaCreate
        {
            Name = name,
            Labels = new ObjectSchemaLabels { Singular = "Dup", Plural = "Dups" },
            Properties = [new PropertyCreate { Name = "code", Label = "Code", Type = PropertyType.String, FieldType = PropertyFieldType.Text }],
            RequiredProperties = ["code"],
            PrimaryDisplayProperty = "code",
        };
        await fixture.Client.Schemas.CreateAsync(egg);
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => fixture.Client.Schemas.CreateAsync(egg));
        Assert.Equal(409, (int)error.Status);
        Assert.Equal("CONFLICT", error.Category);
    }
}
