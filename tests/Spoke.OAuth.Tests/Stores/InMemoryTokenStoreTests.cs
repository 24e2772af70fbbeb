using Microsoft.AspNetCore.DataProtection;

namespace Spoke.OAuth.Tests.Stores;

public sealed class InMemoryTokenStoreTests : TokenStoreContractTests
{
    protected override IHubSpotTokenStore CreateStore(IDataProtectionProvider keyRing) => new InMemoryHubSpotTokenStore();

    [Fact]
    public async Task The_stored_scopes_do_not_change_with_the_callers_list()
    {
        var scopes = new List<string> { "oauth" };
        var installation = Installation() with { Scopes = scopes };
        await Store.SaveAsync(installation);
        scopes.Add("added-after-the-save");

        Assert.Equal(["oauth"], (await Store.GetAsync(installation.Key))!.Scopes);
    }
}
