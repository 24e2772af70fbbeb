using Spoke.Errors;

namespace Spoke.Tests.Account;

public sealed class AccountClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Details_name_the_portal_for_any_valid_token_and_a_wrong_token_is_401(HubSpotApiVersion version)
    {
        // A token with no scope at all still reads its own account's details.
        var details = await fixture.NewClient(fixture.Emulator.CreateToken(), version).Account.GetDetailsAsync();
        Assert.Equal(fixture.Emulator.PortalId, details.PortalId);
        Assert.Equal("STANDARD", details.AccountType);
        Assert.False(string.IsNullOrEmpty(details.TimeZone));

        var error = await Assert.ThrowsAsync<HubSpotAuthenticationException>(() => fixture.NewClient("pat-wrong", version).Account.GetDetailsAsync());
        Assert.Equal(401, error.Status);
    }
}
