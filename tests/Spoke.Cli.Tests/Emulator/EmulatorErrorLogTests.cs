using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Spoke.Cli.Tests.Emulator;

/// <summary>
/// A 500 body tells the caller to quote its correlation id; <c>spoke emulator</c> must have logged that id (with the
/// method and path, never the body or a token) on stderr. The 500 here is a genuine one: the data file cannot grow
/// (a file-size limit on the process stands in for a full disk), so the journal's commit fails inside the request.
/// </summary>
public sealed class EmulatorErrorLogTests
{
    [Fact]
    public async Task A_genuine_500_is_logged_to_stderr_with_its_correlation_id_and_an_injected_one_is_not()
    {
        var folder = Directory.CreateTempSubdirectory("spoke-errorlog-");
        var token = $"pat-test-{Guid.NewGuid()}";
        try
        {
            // 1 MiB per file: enough to start (the write-ahead log holds ~450 KB of definitions), not for 60 KB records.
            // SIGXFSZ is ignored so a write past the limit fails with EFBIG instead of killing the process; W^X off
            // because its double-mapped code memory is itself a file that the limit would cap.
            await using var spoke = SpokeProcess.StartInShell("trap '' XFSZ; ulimit -f 1024",
                new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" },
                "emulator", "--port", "0", "--token", token, "--data", Path.Combine(folder.FullName, "portal.db"));
            var uri = await spoke.ListeningUriAsync();
            await spoke.WaitForAsync("Portal ");
            using var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // Intended answers are not errors of the emulator: an injected 500 and a 400 are not logged.
            using (var rule = await http.PostAsync("_emulator/faults", Json("""{"kind":"status","status":500,"route":"GET /crm/v3/objects/*","count":1}""")))
            {
                Assert.Equal(201, (int)rule.StatusCode);
            }

            using var injected = await http.GetAsync("crm/v3/objects/contacts");
            Assert.Equal(500, (int)injected.StatusCode);
            var injectedId = injected.Headers.GetValues("X-HubSpot-Correlation-Id").Single();
            using var invalid = await http.PostAsync("crm/v3/objects/contacts", Json("""{"properties":{"firstname":"\ud800"}}"""));
            Assert.Equal(400, (int)invalid.StatusCode);
            var invalidId = invalid.Headers.GetValues("X-HubSpot-Correlation-Id").Single();

            var marker = $"body-marker-{Guid.NewGuid():N}";
            var acknowledged = new List<string>();
            string? correlationId = null;
            string? failedEmail = null;
            for (var i = 0; i < 60 && correlationId is null; i++)
            {
                var body = $$$"""{"properties":{"email":"full{{{i}}}@example.com","firstname":"{{{marker}}}{{{new string('x', 60_000)}}}"}}""";
                using var response = await http.PostAsync("crm/v3/objects/contacts", Json(body));
                if ((int)response.StatusCode == 500)
                {
                    var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                    Assert.Equal("INTERNAL_ERROR", error["category"]!.GetValue<string>());
                    correlationId = error["correlationId"]!.GetValue<string>();
                    failedEmail = $"full{i}@example.com";
                }
                else
                {
                    Assert.Equal(201, (int)response.StatusCode);
                    acknowledged.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
                }
            }

            Assert.True(correlationId is not null, "no request failed: the data file kept growing past the file-size limit");
            await spoke.WaitForAsync(correlationId!);
            var line = spoke.Errors.Split('\n').Single(l => l.Contains(correlationId!, StringComparison.Ordinal));
            // The route template, not the path (a path can carry an email as idProperty).
            Assert.Contains("POST /crm/v3/objects/{objectType}", line, StringComparison.Ordinal);
            Assert.Contains("SqliteException", line, StringComparison.Ordinal);
            // The console logger writes in order: the injected 500 and the 400 came first and left nothing.
            Assert.DoesNotContain(injectedId, spoke.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain(invalidId, spoke.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain(marker, spoke.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("@example.com", spoke.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(token, spoke.Output, StringComparison.Ordinal);

            // Fail-stop: memory now holds the write the file refused, so nothing may read it until a restart.
            using (var after = await http.GetAsync("crm/v3/objects/contacts?limit=100"))
            {
                Assert.Equal(503, (int)after.StatusCode);
                Assert.Contains("restart", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            spoke.Signal("KILL");
            await spoke.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await using var restarted = SpokeProcess.Start("emulator", "--port", "0", "--token", token, "--data", Path.Combine(folder.FullName, "portal.db"));
            using var again = new HttpClient { BaseAddress = await restarted.ListeningUriAsync(), Timeout = TimeSpan.FromSeconds(30) };
            again.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            foreach (var id in acknowledged)
            {
                using var kept = await again.GetAsync($"crm/v3/objects/contacts/{id}");
                Assert.Equal(200, (int)kept.StatusCode);
            }

            using var refused = await again.GetAsync($"crm/v3/objects/contacts/{failedEmail}?idProperty=email");
            Assert.Equal(404, (int)refused.StatusCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
