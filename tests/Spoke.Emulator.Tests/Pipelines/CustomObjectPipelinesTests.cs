using Spoke.Emulator.Objects;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Pipelines;

/// <summary>Custom objects start without pipelines; the first POST creates their list (fact sheet §3.5).</summary>
public sealed class CustomObjectPipelinesTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;

    public CustomObjectPipelinesTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
        // The schemas API is another feature; add the type directly, as it would.
        var portal = fixture.Emulator.Portal;
        using var _ = portal.Write();
        portal.AddType(new ObjectType
        {
            TypeId = "2-1000001", Name = "widgets", Singular = "widget", IsCustom = true,
            FullyQualifiedName = $"p{portal.PortalId}_widgets",
            ReadScopes = ["crm.objects.custom.read"], WriteScopes = ["crm.objects.custom.write"],
            DefaultProperties = ["hs_object_id"], SearchableProperties = [], FirstId = 90_000_001_001,
        }, DefaultProperties.For("2-1000001"));
    }

    [Fact]
    public async Task A_custom_object_has_no_pipelines_until_one_is_created()
    {
        Assert.Empty((await _api.Get("/crm/v3/pipelines/p_widgets")).Expect(200)["results"].AsArray());
        var body = new
        {
            label = "Assembly", displayOrder = 0,
            stages = new[] { new { label = "Queued", displayOrder = 0, metadata = new { color = "blue" } } },
        };
        var created = (await _api.Post("/crm/v3/pipelines/p_widgets", body)).Expect(201);
        // Custom-object stages need no probability; their metadata is kept as given.
        Assert.Equal("blue", created["stages"][0]!["metadata"]!["color"]!.GetValue<string>());
        Assert.Null(created["stages"][0]!["metadata"]!["isClosed"]);
        var list = (await _api.Get("/crm/v3/pipelines/2-1000001")).Expect(200)["results"].AsArray();
        Assert.Equal("Assembly", Assert.Single(list)!["label"]!.GetValue<string>());
    }

    [Fact]
    public async Task Custom_object_pipelines_use_the_custom_object_scopes()
    {
        using var deals = _api.WithToken(_fixture.Emulator.CreateToken("crm.objects.deals.read", "crm.objects.deals.write"));
        var reply = (await deals.Get("/crm/v3/pipelines/p_widgets")).Expect(403);
        Assert.Equal("crm.objects.custom.read", reply["errors"][0]!["context"]!["requiredGranularScopes"]![0]!.GetValue<string>());
        using var custom = _api.WithToken(_fixture.Emulator.CreateToken("crm.objects.custom.read"));
        (await custom.Get("/crm/v3/pipelines/p_widgets")).Expect(200);
    }
}
