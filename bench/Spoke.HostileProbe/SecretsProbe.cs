namespace Spoke.HostileProbe;

/// <summary>Point 6 and the secrets rule: a secret is printed once, when generated; never a passed or stored one, never a
/// webhook body.</summary>
internal static class SecretsProbe
{
    public static async Task<Tally> RunAsync(string work)
    {
        var t = new Tally("secrets in output (issue 9 point 6)");
        var file = Path.Combine(work, "secrets.db");
        var (secret, key, token) = (Signing.NewSecret(), Signing.NewSecret(), Signing.NewSecret());
        string[] passed = [secret, key, token];

        await using (var first = ChildProcess.StartSpoke("emulator", "--data", file, "--port", "0", "--client-secret", secret, "--developer-api-key", key, "--token", token))
        {
            await first.WaitForLineAsync("HubSpot emulator listening on ");
            await first.StopAsync();
            Leaks(t, first.Output, passed, "a start with --client-secret/--developer-api-key/--token");
        }

        await using (var restart = ChildProcess.StartSpoke("emulator", "--data", file, "--port", "0"))
        {
            await restart.WaitForLineAsync("HubSpot emulator listening on ");
            await restart.StopAsync();
            Leaks(t, restart.Output, passed, "a restart with --data only");
        }

        // Generated ones: printed by the start that made them, never by a restart.
        var generatedFile = Path.Combine(work, "generated.db");
        string generatedSecret, generatedKey;
        await using (var fresh = ChildProcess.StartSpoke("emulator", "--data", generatedFile, "--port", "0"))
        {
            generatedSecret = await fresh.WaitForLineAsync("Client secret (signs webhooks): ");
            generatedKey = await fresh.WaitForLineAsync("Developer API key (hapikey): ");
            await fresh.StopAsync();
        }

        await using (var again = ChildProcess.StartSpoke("emulator", "--data", generatedFile, "--port", "0"))
        {
            await again.WaitForLineAsync("HubSpot emulator listening on ");
            await again.StopAsync();
            Leaks(t, again.Output, [generatedSecret, generatedKey], "a restart after generated secrets");
        }

        // The receiver prints events, never their values, bodies or the secret.
        var marker = "probe-value-" + Signing.NewSecret();
        var listenSecret = Signing.NewSecret();
        await using (var listen = ChildProcess.StartSpoke("webhooks", "listen", "--port", "0", "--secret", listenSecret, "--inbox", Path.Combine(work, "secrets-inbox.db")))
        {
            var url = new Uri(await listen.WaitForLineAsync("Webhook receiver listening on "));
            var body = Signing.Events(1, 3, marker);
            var ts = Signing.Now();
            var good = await Raw.SendAsync(url, "POST", url.AbsolutePath, body, headers:
                [("X-HubSpot-Signature-v3", Signing.V3(listenSecret, "POST", url.ToString(), body, ts)), ("X-HubSpot-Request-Timestamp", ts)]);
            var forged = await Raw.SendAsync(url, "POST", url.AbsolutePath, body, headers:
                [("X-HubSpot-Signature-v3", Signing.V3("wrong", "POST", url.ToString(), body, ts)), ("X-HubSpot-Request-Timestamp", ts)]);
            t.Sent(2);
            if (good.Status != 200 || forged.Status != 401)
            {
                t.Finding($"the receiver answered {good.Status} to a good delivery and {forged.Status} to a forged one");
            }

            await listen.WaitForLineAsync("", TimeSpan.FromSeconds(1));
            for (var i = 0; i < 100 && !listen.Output.Contains("object=3", StringComparison.Ordinal); i++)
            {
                await Task.Delay(100);
            }

            await listen.StopAsync();
            Leaks(t, listen.Output, [marker, listenSecret], "webhooks listen");
        }

        t.Figure("starts checked", 5);
        return t;
    }

    private static void Leaks(Tally t, string output, string[] secrets, string when)
    {
        foreach (var s in secrets.Where(s => output.Contains(s, StringComparison.Ordinal)))
        {
            t.Finding($"{when} printed a secret or value it was given ({s[..4]}…)");
        }
    }
}
