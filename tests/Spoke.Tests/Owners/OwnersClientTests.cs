using Spoke.Errors;
using Spoke.Owners;

namespace Spoke.Tests.Owners;

public sealed class OwnersClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task List_by_email_and_get_by_id_or_user_id(HubSpotApiVersion version)
    {
        var owners = fixture.NewClient(fixture.Emulator.Token, version).Owners;
        var all = await owners.ListAsync().ToListAsync();
        Assert.True(all.Count >= 5);

        var pages = await owners.ListAsync().AsPages(pageSize: 2).ToListAsync();
        Assert.Equal(all.Select(o => o.Id), pages.SelectMany(p => p.Values).Select(o => o.Id));
        Assert.All(pages.SkipLast(1), p => Assert.NotNull(p.ContinuationToken));

        var first = all[0];
        var byEmail = Assert.Single(await owners.ListAsync(new OwnerListOptions { Email = first.Email }).ToListAsync());
        Assert.Equal(first.Id, byEmail.Id);
        Assert.NotEmpty(byEmail.Teams);

        Assert.Equal(first.Id, (await owners.GetAsync(first.Id)).Id);
        Assert.Equal(first.Id, (await owners.GetAsync(first.UserId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), new OwnerReadOptions { IdProperty = OwnerIdProperty.UserId })).Id);
    }

    [Fact]
    public async Task A_missing_owner_is_404_and_a_token_without_the_scope_is_403()
    {
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => fixture.Client.Owners.GetAsync("1"));
        Assert.Equal(404, (int)error.Status);

        var limited = fixture.NewClient(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        var denied = await Assert.ThrowsAsync<HubSpotAuthenticationException>(() => limited.Owners.ListAsync().ToListAsync().AsTask());
        Assert.Equal(403, (int)denied.Status);
        Assert.Contains("crm.objects.owners.read", denied.RequiredScopes);
    }
}
