using System.Net.Http.Headers;

namespace Spoke.Cli.Tests.Emulator;

public sealed class EmulatorCommandTests
{
    [Fact]
    public async Task Prints_where_it_listens_and_a_generated_token_that_works()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0");
        var uri = await spoke.ListeningUriAsync();
        Assert.Equal("127.0.0.1", uri.Host);
        var output = await spoke.WaitForAsync("Access token (all scopes): ");
        var token = output.Split('\n').First(l => l.StartsWith("Access token", StringComparison.Ordinal)).Split(": ")[1].Trim();

        using var http = new HttpClient { BaseAddress = uri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("crm/v3/objects/contacts");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Given_tokens_are_accepted_and_never_printed()
    {
        var token = $"pat-test-{Guid.NewGuid()}";
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0", "--token", token, "--rate-limits", "professional", "--portal-id", "777");
        var uri = await spoke.ListeningUriAsync();
        using var http = new HttpClient { BaseAddress = uri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("crm/v3/objects/contacts");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("190", response.Headers.GetValues("X-HubSpot-RateLimit-Max").Single());
        using var health = await http.GetAsync("_emulator/health");
        Assert.Contains("\"portalId\":777", await health.Content.ReadAsStringAsync());
        Assert.DoesNotContain(token, spoke.Output);
    }

    [Fact]
    public async Task Prints_a_generated_client_secret_and_developer_key_that_works()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0", "--app-id", "424242");
        var uri = await spoke.ListeningUriAsync();
        var output = await spoke.WaitForAsync("Developer API key (hapikey): ");
        string Value(string prefix) => output.Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(": ")[1].Trim();
        Assert.Equal("424242", Value("App id"));
        Assert.NotEmpty(Value("Client secret (signs webhooks)"));
        using var http = new HttpClient { BaseAddress = uri };
        using var response = await http.GetAsync($"webhooks/v3/424242/subscriptions?hapikey={Value("Developer API key (hapikey)")}");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task A_given_client_secret_and_developer_key_are_never_printed()
    {
        var secret = $"secret-{Guid.NewGuid()}";
        var key = $"key-{Guid.NewGuid()}";
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0", "--client-secret", secret, "--developer-api-key", key);
        var uri = await spoke.ListeningUriAsync();
        await spoke.WaitForAsync("Portal ");
        using var http = new HttpClient { BaseAddress = uri };
        using var response = await http.GetAsync($"webhooks/v3/1234567/subscriptions?hapikey={key}");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.DoesNotContain(secret, spoke.Output);
        Assert.DoesNotContain(key, spoke.Output);
        Assert.DoesNotContain("Client secret", spoke.Output);
    }

    [Fact]
    public async Task A_sigterm_while_starting_up_stops_it_cleanly_instead_of_killing_it()
    {
        // Seeding runs before the server listens: a signal then must neither kill the process (143) nor be lost.
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0", "--seed", "demo", "--seed-size", "20000");
        await spoke.WaitForAsync("Seeding demo data");
        spoke.Signal("TERM");
        var code = await spoke.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, code);
        Assert.Contains("HubSpot emulator stopped", spoke.Output);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Sigterm_and_ctrl_c_shut_down_cleanly(string signal)
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0");
        await spoke.ListeningUriAsync();
        spoke.Signal(signal);
        var code = await spoke.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, code);
        Assert.Contains("HubSpot emulator stopped.", spoke.Output);
    }

    [Fact]
    public async Task Sigterm_with_a_request_still_arriving_shuts_down_cleanly()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0");
        var uri = await spoke.ListeningUriAsync();
        // A client that sent its headers and part of a body, then stalls: stopping must not wait on it for
        // ASP.NET Core's default 30 s, nor overrun System.CommandLine's grace period (which would exit 143).
        using var stalled = new System.Net.Sockets.TcpClient();
        await stalled.ConnectAsync(uri.Host, uri.Port);
        var head = System.Text.Encoding.ASCII.GetBytes($"POST /crm/v3/objects/contacts HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"properties\":");
        await stalled.GetStream().WriteAsync(head);
        await stalled.GetStream().FlushAsync();
        await Task.Yield();
        spoke.Signal("TERM");
        var code = await spoke.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, code);
        Assert.Contains("HubSpot emulator stopped.", spoke.Output);
    }

    [Theory]
    [InlineData("--port", "70000", "--port must be between 0 and 65535")]
    [InlineData("--rate-limits", "platinum", "platinum")]
    [InlineData("--app-id", "0", "--app-id must be a positive number")]
    [InlineData("--client-secret", " ", "--client-secret must not be empty")]
    public async Task Bad_options_fail_with_a_message_that_names_them(string option, string value, string expected)
    {
        await using var spoke = SpokeProcess.Start("emulator", option, value);
        var code = await spoke.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, code);
        Assert.Contains(expected, spoke.Output);
    }
}
