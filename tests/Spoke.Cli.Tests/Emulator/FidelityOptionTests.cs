using System.Text.Json.Nodes;

namespace Spoke.Cli.Tests.Emulator;

/// <summary><c>spoke emulator --fidelity strict</c>: the realistic switches at once; flags given explicitly win.</summary>
public sealed class FidelityOptionTests
{
    [Fact]
    public async Task Strict_turns_on_a_search_lag_and_professional_rate_limits()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0", "--fidelity", "strict");
        using var http = new HttpClient { BaseAddress = await spoke.ListeningUriAsync() };
        Assert.Equal("professional", (string?)(await Admin(http, "rate-limits"))["tier"]);
        Assert.Equal(3000, (int?)(await Admin(http, "search-lag"))["milliseconds"]);
        Assert.Contains("fidelity strict; rate limits professional", await spoke.WaitForAsync("Ctrl+C stops."));
    }

    [Fact]
    public async Task An_explicit_rate_limits_flag_wins_over_the_profile()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0", "--fidelity", "strict", "--rate-limits", "off");
        using var http = new HttpClient { BaseAddress = await spoke.ListeningUriAsync() };
        Assert.Equal("off", (string?)(await Admin(http, "rate-limits"))["tier"]);
        Assert.Equal(3000, (int?)(await Admin(http, "search-lag"))["milliseconds"]);
    }

    [Fact]
    public async Task The_default_profile_keeps_writes_searchable_at_once_and_limits_off()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0");
        using var http = new HttpClient { BaseAddress = await spoke.ListeningUriAsync() };
        Assert.Equal("off", (string?)(await Admin(http, "rate-limits"))["tier"]);
        Assert.Equal(0, (int?)(await Admin(http, "search-lag"))["milliseconds"]);
    }

    [Fact]
    public async Task An_unknown_profile_fails_with_a_message_that_names_it()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--fidelity", "paranoid");
        Assert.NotEqual(0, await spoke.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("paranoid", spoke.Output);
    }

    private static async Task<JsonNode> Admin(HttpClient http, string path)
    {
        using var response = await http.GetAsync($"_emulator/{path}");
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
