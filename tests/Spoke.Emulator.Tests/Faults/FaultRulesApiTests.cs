using Spoke.Emulator.Faults;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Faults;

/// <summary>The admin and in-process surfaces for fault rules: add, list, delete, validation.</summary>
public sealed class FaultRulesApiTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public FaultRulesApiTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        fixture.Emulator.Reset();
    }

    private Api Api => _fixture.Api;

    [Fact]
    public async Task Post_answers_201_with_an_assigned_id_get_lists_it_and_delete_by_id_removes_it()
    {
        var created = (await Api.Post("/_emulator/faults", new { route = "POST /crm/v3/objects/*/batch/*", kind = "status", status = 503, probability = 0.5, count = 10, seed = 7 })).Expect(201);
        var id = created["id"].GetValue<string>();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal("status", created["kind"].GetValue<string>());
        Assert.Equal(503, created["status"].GetValue<int>());
        Assert.Equal(0.5, created["probability"].GetValue<double>());
        Assert.Equal(10, created["count"].GetValue<int>());
        Assert.Equal(7, created["seed"].GetValue<int>());
        Assert.True(created["active"].GetValue<bool>());

        var other = (await Api.Post("/_emulator/faults", new { kind = "latency", latencyMs = 5 })).Expect(201);
        Assert.NotEqual(id, other["id"].GetValue<string>());
        Assert.Equal("*", other["route"].GetValue<string>());

        var listed = (await Api.Get("/_emulator/faults")).Expect(200)["results"].AsArray();
        Assert.Equal([id, other["id"].GetValue<string>()], listed.Select(r => r!["id"]!.GetValue<string>()));

        (await Api.Delete($"/_emulator/faults/{id}")).Expect(204);
        var after = (await Api.Get("/_emulator/faults")).Expect(200)["results"].AsArray();
        Assert.Single(after);
        (await Api.Delete($"/_emulator/faults/{id}")).Expect(404);
    }

    [Fact]
    public async Task Delete_all_removes_every_rule_and_requests_succeed_again()
    {
        (await Api.Post("/_emulator/faults", new { kind = "status", status = 500 })).Expect(201);
        (await Api.Post("/_emulator/faults", new { kind = "rateLimit" })).Expect(201);
        (await Api.Get("/crm/v3/objects/contacts")).Expect(500);

        (await Api.Delete("/_emulator/faults")).Expect(204);

        Assert.Empty((await Api.Get("/_emulator/faults")).Expect(200)["results"].AsArray());
        (await Api.Get("/crm/v3/objects/contacts")).Expect(200);
    }

    [Theory]
    [InlineData("{\"kind\":\"explode\"}", "kind")]
    [InlineData("{\"kind\":\"status\",\"probability\":1.5}", "probability")]
    [InlineData("{\"kind\":\"status\",\"status\":404}", "status")]
    [InlineData("{\"kind\":\"latency\"}", "latencyMs")]
    [InlineData("{\"kind\":\"status\",\"route\":\"^GET (unclosed\"}", "regex")]
    [InlineData("{\"kind\":\"status\",\"count\":0}", "count")]
    [InlineData("{\"kind\":\"timeout\",\"timeoutMs\":999999}", "timeoutMs")]
    public async Task Invalid_rules_are_refused_with_a_400_naming_the_problem(string body, string mentioned)
    {
        var reply = (await Api.Post("/_emulator/faults", body)).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Contains(mentioned, reply["message"].GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await Api.Get("/_emulator/faults")).Expect(200)["results"].AsArray());
    }

    [Fact]
    public async Task In_process_api_adds_lists_and_clears_rules()
    {
        var faults = _fixture.Emulator.Faults;
        var rule = faults.Add(new FaultRule { Kind = FaultKind.Status, Status = 504, Count = 1, Route = "GET /crm/v3/objects/companies" });
        Assert.NotNull(rule.Id);
        Assert.NotNull(rule.Seed);

        var failed = (await Api.Get("/crm/v3/objects/companies")).Expect(504);
        Assert.Equal("GATEWAY_TIMEOUT", failed["category"].GetValue<string>());
        (await Api.Get("/crm/v3/objects/companies")).Expect(200);

        var status = Assert.Single(faults.List());
        Assert.Equal((1, 1, false), (status.Matched, status.Fired, status.Active));
        Assert.Throws<ArgumentException>(() => faults.Add(new FaultRule { Kind = FaultKind.Status, Probability = -0.1 }));

        faults.Clear();
        Assert.Empty(faults.List());
    }

    [Fact]
    public async Task Admin_routes_are_never_faulted_and_reset_clears_the_rules()
    {
        (await Api.Post("/_emulator/faults", new { route = "*", kind = "status", status = 500 })).Expect(201);
        (await Api.Get("/_emulator/health")).Expect(200);

        (await Api.Post("/_emulator/reset", null)).Expect(204);

        Assert.Empty((await Api.Get("/_emulator/faults")).Expect(200)["results"].AsArray());
        (await Api.Get("/crm/v3/objects/contacts")).Expect(200);
    }
}
