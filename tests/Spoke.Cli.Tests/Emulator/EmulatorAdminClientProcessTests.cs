using System.Net.Http.Headers;
using System.Text;
using Spoke.Emulator.Admin;
using Spoke.Emulator.Faults;

namespace Spoke.Cli.Tests.Emulator;

/// <summary>The emulator package's admin client against a <c>spoke emulator</c> in another process.</summary>
public sealed class EmulatorAdminClientProcessTests
{
    [Fact]
    public async Task A_test_drives_a_running_emulator_without_hand_written_http()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0");
        var uri = await spoke.ListeningUriAsync();
        using var admin = new EmulatorAdminClient(uri);

        var token = (await admin.CreateTokenAsync(["crm.objects.contacts.read", "crm.objects.contacts.write"])).Token;
        using var http = new HttpClient { BaseAddress = uri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        async Task<int> CreateContact(string email)
        {
            using var body = new StringContent($"{{\"properties\":{{\"email\":\"{email}\"}}}}", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("crm/v3/objects/contacts", body);
            return (int)response.StatusCode;
        }

        var fault = await admin.AddFaultAsync(new FaultRule { Route = "POST /crm/v3/objects/contacts", Kind = FaultKind.Status, Status = 502, Count = 1 });
        Assert.Equal(502, await CreateContact("first@example.com"));
        Assert.Equal(201, await CreateContact("first@example.com"));
        Assert.Equal(1, Assert.Single(await admin.ListFaultsAsync()).Fired);
        await admin.RemoveFaultAsync(fault.Rule.Id!);

        var frozen = await admin.FreezeClockAsync(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(frozen.Now.AddHours(1), (await admin.AdvanceClockAsync(TimeSpan.FromHours(1))).Now);

        // The duplicate is refused (409) until a reset empties the portal; the token survives it.
        Assert.Equal(409, await CreateContact("first@example.com"));
        await admin.ResetAsync();
        Assert.Equal(201, await CreateContact("first@example.com"));
        Assert.Equal("ok", (await admin.GetHealthAsync()).Status);
    }
}
