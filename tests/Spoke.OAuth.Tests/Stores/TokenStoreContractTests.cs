using Microsoft.AspNetCore.DataProtection;

namespace Spoke.OAuth.Tests.Stores;

/// <summary>What every <see cref="IHubSpotTokenStore"/> must do; run against each store by its subclass.</summary>
public abstract class TokenStoreContractTests : IAsyncLifetime
{
    private readonly List<IHubSpotTokenStore> _stores = [];
    private IHubSpotTokenStore? _store;

    /// <summary>The store under test (made on first use with <see cref="KeyRing"/>).</summary>
    protected IHubSpotTokenStore Store => _store ??= NewStore(KeyRing);

    /// <summary>The Data Protection key ring of <see cref="Store"/>.</summary>
    protected IDataProtectionProvider KeyRing { get; private set; } = null!;

    /// <summary>A store on the same database as <see cref="Store"/>, with the given key ring.</summary>
    protected abstract IHubSpotTokenStore CreateStore(IDataProtectionProvider keyRing);

    /// <summary>A key ring for this test; a second call is a different key ring.</summary>
    protected virtual IDataProtectionProvider CreateKeyRing() => new EphemeralDataProtectionProvider();

    protected IHubSpotTokenStore NewStore(IDataProtectionProvider keyRing)
    {
        var store = CreateStore(keyRing);
        _stores.Add(store);
        return store;
    }

    public virtual Task InitializeAsync()
    {
        KeyRing = CreateKeyRing();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    protected static readonly DateTimeOffset T0 = new(2025, 3, 14, 15, 9, 26, 535, TimeSpan.FromHours(2));

    protected static HubSpotInstallation Installation(string clientId = "app-1", long portalId = 1001, int version = 0) => new()
    {
        ClientId = clientId,
        PortalId = portalId,
        RefreshToken = $"na1-refresh-{clientId}-{portalId}-{version}-{Guid.NewGuid():N}",
        AccessToken = $"CJSP-access-{clientId}-{portalId}-{version}-{Guid.NewGuid():N}",
        AccessTokenExpiresAt = T0.AddMinutes(30 + version),
        Scopes = ["oauth", "crm.objects.contacts.read", $"scope-{version}"],
        HubDomain = $"portal-{portalId}.hubspot.com",
        User = $"user{version}@example.com",
        UserId = 7_000_000_000 + version,
        InstalledAt = T0,
        UpdatedAt = T0.AddSeconds(version),
    };

    protected static void AssertSameInstallation(HubSpotInstallation expected, HubSpotInstallation? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.ClientId, actual.ClientId);
        Assert.Equal(expected.PortalId, actual.PortalId);
        Assert.Equal(expected.RefreshToken, actual.RefreshToken);
        Assert.Equal(expected.AccessToken, actual.AccessToken);
        Assert.Equal(expected.AccessTokenExpiresAt, actual.AccessTokenExpiresAt);
        Assert.Equal(expected.Scopes, actual.Scopes);
        Assert.Equal(expected.HubDomain, actual.HubDomain);
        Assert.Equal(expected.User, actual.User);
        Assert.Equal(expected.UserId, actual.UserId);
        Assert.Equal(expected.InstalledAt, actual.InstalledAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
    }

    protected static async Task<List<HubSpotInstallation>> ListAsync(IHubSpotTokenStore store, string? clientId = null)
    {
        var all = new List<HubSpotInstallation>();
        await foreach (var installation in store.ListAsync(clientId))
        {
            all.Add(installation);
        }

        return all;
    }

    [Fact]
    public async Task Save_then_get_round_trips_every_field()
    {
        var installation = Installation();
        await Store.SaveAsync(installation);

        AssertSameInstallation(installation, await Store.GetAsync(installation.Key));
    }

    [Fact]
    public async Task Optional_fields_round_trip_as_null_and_empty()
    {
        var installation = new HubSpotInstallation
        {
            ClientId = "app-1",
            PortalId = 42,
            RefreshToken = "na1-only-a-refresh-token",
            AccessTokenExpiresAt = default,
            InstalledAt = T0,
            UpdatedAt = T0,
        };
        await Store.SaveAsync(installation);

        var stored = await Store.GetAsync(installation.Key);
        AssertSameInstallation(installation, stored);
        Assert.Null(stored!.AccessToken);
        Assert.Empty(stored.Scopes);
    }

    [Fact]
    public async Task Get_of_an_unknown_installation_is_null()
    {
        await Store.SaveAsync(Installation());

        Assert.Null(await Store.GetAsync(new HubSpotInstallationKey("app-1", 999)));
        Assert.Null(await Store.GetAsync(new HubSpotInstallationKey("app-2", 1001)));
    }

    [Fact]
    public async Task Save_replaces_the_installation_with_the_same_key()
    {
        await Store.SaveAsync(Installation(version: 1));
        var replacement = Installation(version: 2) with { AccessToken = null, HubDomain = null, User = null, UserId = null, Scopes = ["oauth"] };
        await Store.SaveAsync(replacement);

        AssertSameInstallation(replacement, await Store.GetAsync(replacement.Key));
        Assert.Single(await ListAsync(Store));
    }

    [Fact]
    public async Task Delete_removes_the_installation_and_says_whether_there_was_one()
    {
        var installation = Installation();
        var other = Installation(portalId: 2002);
        await Store.SaveAsync(installation);
        await Store.SaveAsync(other);

        Assert.True(await Store.DeleteAsync(installation.Key));
        Assert.Null(await Store.GetAsync(installation.Key));
        Assert.False(await Store.DeleteAsync(installation.Key));
        Assert.False(await Store.DeleteAsync(new HubSpotInstallationKey("never", 1)));
        AssertSameInstallation(other, await Store.GetAsync(other.Key));
    }

    [Fact]
    public async Task List_returns_every_installation_or_those_of_one_app()
    {
        var a1 = Installation("app-a", 1);
        var a2 = Installation("app-a", 2);
        var b1 = Installation("app-b", 1);
        foreach (var installation in new[] { b1, a2, a1 })
        {
            await Store.SaveAsync(installation);
        }

        var all = await ListAsync(Store);
        Assert.Equal([a1.Key, a2.Key, b1.Key], all.Select(i => i.Key));
        AssertSameInstallation(b1, all[2]);

        var appA = await ListAsync(Store, "app-a");
        Assert.Equal([a1.Key, a2.Key], appA.Select(i => i.Key));
        AssertSameInstallation(a2, appA[1]);
        Assert.Empty(await ListAsync(Store, "app-c"));
    }

    [Fact]
    public async Task There_is_one_installation_per_app_and_portal()
    {
        // The same portal in two apps and the same app in two portals are four installations; saving one again is not a fifth.
        var installations = new[] { Installation("app-a", 1), Installation("app-b", 1), Installation("app-a", 2), Installation("app-b", 2) };
        foreach (var installation in installations)
        {
            await Store.SaveAsync(installation);
        }

        await Store.SaveAsync(Installation("app-a", 1, version: 9));

        var all = await ListAsync(Store);
        Assert.Equal(4, all.Count);
        Assert.Equal(4, all.Select(i => i.Key).Distinct().Count());
        Assert.Equal("scope-9", (await Store.GetAsync(new HubSpotInstallationKey("app-a", 1)))!.Scopes[2]);
        AssertSameInstallation(installations[1], await Store.GetAsync(installations[1].Key));
    }

    [Fact]
    public async Task Concurrent_saves_of_one_installation_from_50_tasks_leave_one_whole_row()
    {
        var versions = Enumerable.Range(0, 50).Select(i => Installation(version: i)).ToList();
        await Task.WhenAll(versions.Select(v => Task.Run(async () => await Store.SaveAsync(v))));

        var stored = await Store.GetAsync(versions[0].Key);
        Assert.NotNull(stored);
        // Whichever save came last, every field is from that one save.
        var winner = Assert.Single(versions, v => v.RefreshToken == stored.RefreshToken);
        AssertSameInstallation(winner, stored);
        Assert.Single(await ListAsync(Store));
    }

    [Fact]
    public async Task Concurrent_saves_of_50_installations_are_all_kept()
    {
        var installations = Enumerable.Range(1, 50).Select(i => Installation(portalId: i)).ToList();
        await Task.WhenAll(installations.Select(v => Task.Run(async () => await Store.SaveAsync(v))));

        var all = await ListAsync(Store);
        Assert.Equal(50, all.Count);
        foreach (var installation in installations)
        {
            AssertSameInstallation(installation, all.Single(i => i.Key == installation.Key));
        }
    }

    [Fact]
    public async Task Concurrent_gets_saves_and_deletes_do_not_fail()
    {
        var work = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            var installation = Installation(portalId: i % 5, version: i);
            await Store.SaveAsync(installation);
            _ = await Store.GetAsync(installation.Key);
            if (i % 7 == 0)
            {
                await Store.DeleteAsync(installation.Key);
            }

            _ = await ListAsync(Store);
        }));
        await Task.WhenAll(work);

        foreach (var installation in await ListAsync(Store))
        {
            Assert.StartsWith("na1-refresh-", installation.RefreshToken, StringComparison.Ordinal);
        }
    }
}
