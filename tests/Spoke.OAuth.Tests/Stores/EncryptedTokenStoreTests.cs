using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Spoke.OAuth.Tests.Stores;

/// <summary>What the durable stores add to the contract: tokens encrypted at rest, bound to their row, and shared storage.</summary>
public abstract class EncryptedTokenStoreTests : TokenStoreContractTests
{
    /// <summary>Everything the store keeps, as the database holds it (file bytes, or every row as text).</summary>
    protected abstract Task<byte[]> ReadRawAsync();

    /// <summary>Runs SQL on the store's database; <c>{table}</c> stands for the installations table.</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    [Fact]
    public async Task Tokens_are_not_stored_in_plain_text()
    {
        var installation = Installation();
        await Store.SaveAsync(installation);
        var replaced = Installation(version: 1);
        await Store.SaveAsync(replaced);

        var raw = await ReadRawAsync();
        Assert.NotEmpty(raw);
        foreach (var token in new[] { installation.RefreshToken, installation.AccessToken!, replaced.RefreshToken, replaced.AccessToken! })
        {
            Assert.False(Contains(raw, token), "a token is stored in plain text");
        }

        // The plain columns are there (so the raw read did see the data).
        Assert.True(Contains(raw, "portal-1001.hubspot.com"));
        AssertSameInstallation(replaced, await Store.GetAsync(replaced.Key));
    }

    [Fact]
    public async Task A_store_with_another_key_ring_fails_naming_the_installation_never_a_token()
    {
        var installation = Installation();
        await Store.SaveAsync(installation);

        var stranger = NewStore(CreateKeyRing());
        var e = await Assert.ThrowsAsync<HubSpotTokenStoreKeysException>(async () => await stranger.GetAsync(installation.Key));
        Assert.Equal(installation.Key, e.Key);
        Assert.Contains("app-1@1001", e.Message, StringComparison.Ordinal);
        Assert.Contains("key ring", e.Message, StringComparison.Ordinal);
        Assert.Contains("install the app again", e.Message, StringComparison.Ordinal);
        AssertNoToken(e, installation);

        var listed = await Assert.ThrowsAsync<HubSpotTokenStoreKeysException>(async () => await ListAsync(stranger));
        Assert.Equal(installation.Key, listed.Key);

        // The right key ring still reads it.
        AssertSameInstallation(installation, await Store.GetAsync(installation.Key));
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_installations_row_does_not_decrypt()
    {
        var victim = Installation("app-1", 1);
        var attacker = Installation("app-1", 2);
        await Store.SaveAsync(victim);
        await Store.SaveAsync(attacker);

        await ExecuteSqlAsync("UPDATE {table} SET refresh_token = (SELECT refresh_token FROM {table} WHERE portal_id = 1) WHERE portal_id = 2");

        var e = await Assert.ThrowsAsync<HubSpotTokenStoreKeysException>(async () => await Store.GetAsync(attacker.Key));
        Assert.Equal(attacker.Key, e.Key);
        AssertNoToken(e, victim);
        AssertSameInstallation(victim, await Store.GetAsync(victim.Key));
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_app_or_to_the_other_token_column_does_not_decrypt()
    {
        await Store.SaveAsync(Installation("app-1", 5));
        await Store.SaveAsync(Installation("app-2", 5));
        await Store.SaveAsync(Installation("app-3", 5));

        await ExecuteSqlAsync("UPDATE {table} SET access_token = (SELECT access_token FROM {table} WHERE client_id = 'app-1') WHERE client_id = 'app-2'");
        await ExecuteSqlAsync("UPDATE {table} SET access_token = refresh_token WHERE client_id = 'app-3'");

        Assert.Equal(new HubSpotInstallationKey("app-2", 5),
            (await Assert.ThrowsAsync<HubSpotTokenStoreKeysException>(async () => await Store.GetAsync(new HubSpotInstallationKey("app-2", 5)))).Key);
        Assert.Equal(new HubSpotInstallationKey("app-3", 5),
            (await Assert.ThrowsAsync<HubSpotTokenStoreKeysException>(async () => await Store.GetAsync(new HubSpotInstallationKey("app-3", 5)))).Key);
        Assert.NotNull(await Store.GetAsync(new HubSpotInstallationKey("app-1", 5)));
    }

    [Fact]
    public async Task A_second_store_on_the_same_database_sees_the_first_ones_writes()
    {
        var first = Store;
        var second = NewStore(KeyRing);
        var installation = Installation();
        await first.SaveAsync(installation);

        AssertSameInstallation(installation, await second.GetAsync(installation.Key));

        var replaced = Installation(version: 3);
        await second.SaveAsync(replaced);
        AssertSameInstallation(replaced, await first.GetAsync(installation.Key));

        Assert.True(await first.DeleteAsync(installation.Key));
        Assert.Null(await second.GetAsync(installation.Key));
    }

    [Fact]
    public async Task Two_stores_saving_concurrently_on_the_same_database_keep_every_installation()
    {
        var first = Store;
        var second = NewStore(KeyRing);
        var installations = Enumerable.Range(1, 50).Select(i => Installation(portalId: i)).ToList();
        await Task.WhenAll(installations.Select((v, i) => Task.Run(async () => await (i % 2 == 0 ? first : second).SaveAsync(v))));

        var third = NewStore(KeyRing);
        var all = await ListAsync(third);
        Assert.Equal(50, all.Count);
        foreach (var installation in installations)
        {
            AssertSameInstallation(installation, all.Single(i => i.Key == installation.Key));
        }
    }

    private static void AssertNoToken(Exception e, HubSpotInstallation installation)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            Assert.DoesNotContain(installation.RefreshToken, current.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(installation.AccessToken!, current.ToString(), StringComparison.Ordinal);
        }
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
