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

    [Fact]
    public async Task A_port_in_use_is_one_clear_line_and_exit_code_2_not_a_stack_trace()
    {
        await using var first = SpokeProcess.Start("emulator", "--port", "0");
        var uri = await first.ListeningUriAsync();
        await using var second = SpokeProcess.Start("emulator", "--port", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"Port {uri.Port} on 127.0.0.1 is already in use", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", second.Output, StringComparison.Ordinal);
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

    [Fact]
    public async Task A_restart_on_the_data_file_prints_none_of_the_secrets_given_on_the_first_start()
    {
        var file = Path.Combine(Path.GetTempPath(), $"spoke-cli-secrets-{Guid.NewGuid():N}.db");
        var secret = $"secret-{Guid.NewGuid()}";
        var key = $"key-{Guid.NewGuid()}";
        var token = $"pat-test-{Guid.NewGuid()}";
        try
        {
            await RunUntilReadyThenStopAsync("--data", file, "--client-secret", secret, "--developer-api-key", key, "--token", token);

            await using var restarted = SpokeProcess.Start("emulator", "--port", "0", "--data", file);
            var uri = await restarted.ListeningUriAsync();
            await restarted.WaitForAsync("Portal ");
            // The stored key is the one in force, and it is still not printed.
            using var http = new HttpClient { BaseAddress = uri };
            using var response = await http.GetAsync($"webhooks/v3/1234567/subscriptions?hapikey={key}");
            Assert.Equal(200, (int)response.StatusCode);
            Assert.DoesNotContain(secret, restarted.Output);
            Assert.DoesNotContain(key, restarted.Output);
            Assert.DoesNotContain(token, restarted.Output);
            Assert.Contains("stored in", restarted.Output);
        }
        finally
        {
            DeleteDataFile(file);
        }
    }

    [Fact]
    public async Task Generated_secrets_are_printed_once_on_the_start_that_generates_them_and_never_on_a_restart()
    {
        var file = Path.Combine(Path.GetTempPath(), $"spoke-cli-secrets-{Guid.NewGuid():N}.db");
        try
        {
            var first = await RunUntilReadyThenStopAsync("--data", file);
            string Value(string prefix) => first.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(": ")[1].Trim();
            var secret = Value("Client secret (signs webhooks)");
            var key = Value("Developer API key (hapikey)");
            var token = Value("Access token (all scopes)");
            foreach (var generated in new[] { secret, key, token })
            {
                Assert.Equal(1, Occurrences(first, generated));
            }

            var second = await RunUntilReadyThenStopAsync("--data", file);
            Assert.DoesNotContain(secret, second);
            Assert.DoesNotContain(key, second);
            Assert.DoesNotContain(token, second);
            Assert.DoesNotContain("Client secret (signs webhooks)", second);
            Assert.DoesNotContain("Developer API key (hapikey)", second);
        }
        finally
        {
            DeleteDataFile(file);
        }
    }

    /// <summary>Starts <c>spoke emulator --port 0</c> with <paramref name="args"/>, waits until it is ready, stops it with TERM; returns what it printed.</summary>
    private static async Task<string> RunUntilReadyThenStopAsync(params string[] args)
    {
        await using var spoke = SpokeProcess.Start(["emulator", "--port", "0", .. args]);
        await spoke.WaitForAsync("Ctrl+C stops.");
        spoke.Signal("TERM");
        Assert.Equal(0, await spoke.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        return spoke.Output;
    }

    private static int Occurrences(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    private static void DeleteDataFile(string file)
    {
        foreach (var path in new[] { file, file + "-wal", file + "-shm", file + "-journal" })
        {
            File.Delete(path);
        }
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
