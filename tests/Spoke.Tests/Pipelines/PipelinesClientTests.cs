using Spoke.Crm;
using Spoke.Errors;
using Spoke.Pipelines;

namespace Spoke.Tests.Pipelines;

public sealed class PipelinesClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static PipelineStageInput Stage(string label, int order, string probability) =>
        new() { Label = label, DisplayOrder = order, Metadata = new Dictionary<string, string> { ["probability"] = probability } };

    [Fact]
    public async Task Listings_HubSpot_does_not_page_are_pageables_of_one_page_like_every_other_ListAsync()
    {
        var client = fixture.NewClient(fixture.Emulator.Token);

        var pages = await client.Pipelines.ListAsync("deals").AsPages().ToListAsync();
        var page = Assert.Single(pages);
        Assert.Null(page.ContinuationToken);
        Assert.Contains(page.Values, p => p.Id == "default");

        var properties = await client.Properties.ListAsync("contacts").ToListAsync();
        Assert.Contains(properties, p => p.Name == "email");
        Assert.NotEmpty(await client.Properties.ListGroupsAsync("contacts").ToListAsync());
        Assert.NotEmpty(await client.Pipelines.ListStagesAsync("deals", "default").ToListAsync());
    }

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Pipeline_and_stage_crud(HubSpotApiVersion version)
    {
        var pipelines = fixture.NewClient(fixture.Emulator.Token, version).Pipelines;
        Assert.Contains(await pipelines.ListAsync("deals").ToListAsync(), p => p.Id == "default" && p.Stages.Any(s => s.Id == "closedwon"));

        var label = "Renewals " + Guid.NewGuid().ToString("N")[..6];
        var created = await pipelines.CreateAsync("deals", new PipelineInput { Label = label, DisplayOrder = 5, Stages = [Stage("Open", 0, "0.2"), Stage("Won", 1, "1.0")] });
        Assert.Equal(["Open", "Won"], created.Stages.Select(s => s.Label));
        Assert.Equal("0.2", created.Stages[0].Metadata["probability"]);

        var patched = await pipelines.UpdateAsync("deals", created.Id, new PipelinePatch { Label = label + "!" });
        Assert.Equal(label + "!", patched.Label);

        var stage = await pipelines.CreateStageAsync("deals", created.Id, Stage("Lost", 2, "0.0"));
        Assert.Equal(3, (await pipelines.ListStagesAsync("deals", created.Id).ToListAsync()).Count);
        var renamed = await pipelines.UpdateStageAsync("deals", created.Id, stage.Id, new PipelineStagePatch { Label = "Churned", Metadata = new Dictionary<string, string> { ["probability"] = "0.0" } });
        Assert.Equal("Churned", renamed.Label);
        Assert.Equal("Churned", (await pipelines.GetStageAsync("deals", created.Id, stage.Id)).Label);
        await pipelines.DeleteStageAsync("deals", created.Id, stage.Id);

        var replaced = await pipelines.ReplaceAsync("deals", created.Id, new PipelineInput { Label = label, DisplayOrder = 6, Stages = [Stage("Only", 0, "0.5")] });
        Assert.Equal("Only", Assert.Single(replaced.Stages).Label);

        await pipelines.DeleteAsync("deals", created.Id);
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => pipelines.GetAsync("deals", created.Id));
        Assert.Equal(404, (int)error.Status);
    }

    [Fact]
    public async Task Validation_flags_refuse_deleting_a_stage_records_use()
    {
        var client = fixture.NewClient(fixture.Emulator.Token, HubSpotApiVersion.Classic);
        var created = await client.Pipelines.CreateAsync("deals", new PipelineInput
        {
            Label = "Guarded " + Guid.NewGuid().ToString("N")[..6], DisplayOrder = 9, Stages = [Stage("Busy", 0, "0.1"), Stage("Idle", 1, "0.3")],
        });
        var busy = created.Stages[0].Id;
        await client.Crm.Deals.CreateAsync(new PropertyBag().Set("dealname", "In use").Set("pipeline", created.Id).Set("dealstage", busy));

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            client.Pipelines.DeleteStageAsync("deals", created.Id, busy, PipelineValidation.Strict));
        Assert.Equal(400, (int)error.Status);
        Assert.Contains(busy, error.Message, StringComparison.Ordinal);

        // Without validation (classic default) the delete goes through.
        await client.Pipelines.DeleteStageAsync("deals", created.Id, busy);
        Assert.DoesNotContain(await client.Pipelines.ListStagesAsync("deals", created.Id).ToListAsync(), s => s.Id == busy);
    }
}
