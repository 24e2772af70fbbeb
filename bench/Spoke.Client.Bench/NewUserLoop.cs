using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Spoke;
using Spoke.Crm;
using Spoke.Emulator;

/// <summary>
/// A new user's first program: default <see cref="HubSpotClientOptions"/> (only the address and the token set) against
/// an emulator with default options (rate limits off), one after another: 200 contact creates, then 20 searches by
/// email. The peer is a bare <see cref="HttpClient"/> sending the same requests (same paths, same bodies) and parsing
/// each answer, in the same run, on the same emulator; each round gets fresh tokens, so fresh rate-limit gates.
/// </summary>
internal static class NewUserLoop
{
    private const int Creates = 200;
    private const int Searches = 20;
    private static readonly string[] Scopes = ["crm.objects.contacts.read", "crm.objects.contacts.write"];

    public static async Task<int> RunAsync(int rounds, bool warmUp)
    {
        Console.WriteLine($"Spoke client benchmark — new-user loop: {Creates} creates + {Searches} searches, one at a time, " +
            "default client options vs bare HttpClient, emulator with default options (rate limits off)");
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}; {rounds} measured rounds each, alternating who goes first{(warmUp ? ", after a bare pass warming the emulator and one warm-up round each (its Spoke figure is the process's first client: cold start)" : ", cold")}");
        await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        if (warmUp)
        {
            // The emulator stands in for HubSpot, which is never cold: one bare pass warms its create and search paths.
            await BareAsync(emulator.BaseUri, emulator.CreateToken(Scopes), "warm");
        }

        var spoke = new List<TimeSpan>();
        var bare = new List<TimeSpan>();
        for (var round = warmUp ? -1 : 0; round < rounds; round++)
        {
            var rejectedBefore = emulator.RateLimitRejections;
            TimeSpan s, b;
            // Alternate who goes first, so neither always runs on the other's garbage.
            if (round % 2 == 0)
            {
                s = await SpokeAsync(emulator.BaseUri, emulator.CreateToken(Scopes), $"s{round + 1}");
                b = await BareAsync(emulator.BaseUri, emulator.CreateToken(Scopes), $"b{round + 1}");
            }
            else
            {
                b = await BareAsync(emulator.BaseUri, emulator.CreateToken(Scopes), $"b{round + 1}");
                s = await SpokeAsync(emulator.BaseUri, emulator.CreateToken(Scopes), $"s{round + 1}");
            }

            var rejected = emulator.RateLimitRejections - rejectedBefore;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(round < 0 ? "warm-up" : $"round {round + 1}"),-8}  spoke {s.TotalMilliseconds,8:F1} ms   bare HttpClient {b.TotalMilliseconds,8:F1} ms   ratio {s / b,6:F2}×   429s {rejected}"));
            if (round >= 0)
            {
                spoke.Add(s);
                bare.Add(b);
            }
        }

        var spokeMedian = Median(spoke);
        var bareMedian = Median(bare);
        var ratio = spokeMedian / bareMedian;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median    spoke {spokeMedian.TotalMilliseconds,8:F1} ms   bare HttpClient {bareMedian.TotalMilliseconds,8:F1} ms   ratio {ratio,6:F2}×"));
        Console.WriteLine($"Target (Spoke within 3× of bare HttpClient): {(ratio <= 3 ? "met" : "MISSED")}");
        return 0;
    }

    private static async Task<TimeSpan> SpokeAsync(Uri baseUri, string token, string tag)
    {
        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = baseUri, AccessToken = token });
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Creates; i++)
        {
            await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", Email(tag, i)).Set("firstname", "New"));
        }

        for (var i = 0; i < Searches; i++)
        {
            var found = 0;
            await foreach (var _ in client.Crm.Contacts.SearchAsync(new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("email", Email(tag, i)))))
            {
                found++;
            }

            Check(found == 1, "spoke search");
        }

        return clock.Elapsed;
    }

    private static async Task<TimeSpan> BareAsync(Uri baseUri, string token, string tag)
    {
        using var http = new HttpClient { BaseAddress = baseUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Creates; i++)
        {
            var body = $"{{\"properties\":{{\"email\":\"{Email(tag, i)}\",\"firstname\":\"New\"}}}}";
            using var response = await http.PostAsync("crm/objects/2026-09/contacts", new StringContent(body, Encoding.UTF8, "application/json"));
            Check(response.StatusCode == HttpStatusCode.Created, "bare create");
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            Check(json.RootElement.GetProperty("id").GetString() is { Length: > 0 }, "bare create id");
        }

        for (var i = 0; i < Searches; i++)
        {
            // The request Spoke sends for the same search: one filter, sorted on the id, 100 a page.
            var body = $"{{\"filterGroups\":[{{\"filters\":[{{\"propertyName\":\"email\",\"operator\":\"EQ\",\"value\":\"{Email(tag, i)}\"}}]}}]," +
                "\"sorts\":[{\"propertyName\":\"hs_object_id\",\"direction\":\"ASCENDING\"}],\"limit\":100}";
            using var response = await http.PostAsync("crm/objects/2026-09/contacts/search", new StringContent(body, Encoding.UTF8, "application/json"));
            Check(response.StatusCode == HttpStatusCode.OK, "bare search");
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            Check(json.RootElement.GetProperty("results").GetArrayLength() == 1, "bare search result");
        }

        return clock.Elapsed;
    }

    private static string Email(string tag, int i) => string.Create(CultureInfo.InvariantCulture, $"{tag}-{i}@newuser.example");

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"new-user loop: {what} did not answer as expected");
        }
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
