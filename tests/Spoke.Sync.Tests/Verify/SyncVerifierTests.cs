using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Verify;
using Spoke.Sync.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Verify;

/// <summary><see cref="SyncVerifier"/> against the in-process emulator: clean after a sync, the exact drift after changes behind the mirror's back.</summary>
public sealed class SyncVerifierTests() : EmulatorMirrorTests("sync-verify")
{
    private async Task SyncAsync()
    {
        var options = new SyncOptions();
        options.ObjectTypes.Add("contacts");
        options.ObjectTypes.Add("companies");
        var run = await new SyncEngine(Client, Store, options, Emulator.Clock).RunAsync();
        Assert.True(run.Succeeded, string.Join("; ", run.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
    }

    // Every record is sampled, so every changed value is found.
    private Task<SyncVerifyResult> VerifyAsync() =>
        new SyncVerifier(Client, Store, new SyncVerifyOptions { SampleSize = 1000, SampleSeed = 1 }).VerifyAsync();

    [Fact]
    public async Task After_a_sync_there_is_no_drift_and_changes_behind_the_mirrors_back_are_reported_exactly()
    {
        var contacts = (await Client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 150)
            .Select(i => new PropertyBag().Set("email", $"p{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        (await Client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, 12).Select(i => new PropertyBag().Set("name", $"Company {i}")))).EnsureAllSucceeded();
        await SyncAsync();

        var clean = await VerifyAsync();

        Assert.False(clean.HasDrift, Describe(clean));
        Assert.Equal(["companies", "contacts"], clean.Types.Select(t => t.ObjectType));
        var cleanContacts = clean.Types.Single(t => t.ObjectType == "contacts");
        Assert.Equal((150, 150, 150), (cleanContacts.PortalCount, cleanContacts.MirrorCount, cleanContacts.Sampled));

        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        await Client.Crm.Contacts.UpdateAsync(contacts[3], new PropertyBag().Set("firstname", "Renamed"));
        var created = await Client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "new@example.com"));
        await Client.Crm.Contacts.ArchiveAsync(contacts[9]);

        var drift = await VerifyAsync();

        Assert.True(drift.HasDrift);
        Assert.False(drift.Types.Single(t => t.ObjectType == "companies").HasDrift, Describe(drift));
        var type = drift.Types.Single(t => t.ObjectType == "contacts");
        Assert.Equal(150, type.PortalCount);
        Assert.Equal(150, type.MirrorCount);
        Assert.Equal(1, type.PortalOnlyCount);
        Assert.Equal([created.Id], type.PortalOnly);
        Assert.Equal(1, type.MirrorOnlyCount);
        Assert.Equal([contacts[9]], type.MirrorOnly);
        Assert.Equal(149, type.Sampled);
        // The rename, and the last-modified times it moved: nothing else.
        var changed = type.Differences.Where(d => d.Id == contacts[3]).ToList();
        Assert.Equal(type.Differences.Count, changed.Count);
        var firstname = Assert.Single(changed, d => d.Property == "firstname");
        Assert.Equal(("Person 3", "Renamed"), (firstname.MirrorValue, firstname.PortalValue));
        Assert.Contains(changed, d => d.Property == "lastmodifieddate");

        Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        await SyncAsync();
        var again = await VerifyAsync();
        Assert.False(again.HasDrift, Describe(again));
    }

    private static string Describe(SyncVerifyResult result) => string.Join("; ", result.Types.Select(t =>
        $"{t.ObjectType}: portal {t.PortalCount} mirror {t.MirrorCount} portal-only [{string.Join(",", t.PortalOnly)}] mirror-only [{string.Join(",", t.MirrorOnly)}] " +
        string.Join(",", t.Differences.Select(d => $"{d.Id}.{d.Property} {d.MirrorValue}→{d.PortalValue}"))));
}
