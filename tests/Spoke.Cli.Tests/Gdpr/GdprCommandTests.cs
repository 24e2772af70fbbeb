using System.Text;
using System.Text.Json;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;

namespace Spoke.Cli.Tests.Gdpr;

/// <summary>`spoke gdpr` as a user runs it: the embedded emulator's portal in a file, a SQLite mirror synced from it, an audit file.</summary>
public sealed class GdprCommandTests : IDisposable
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-gdpr-cli-").FullName;

    private string EmulatorData => Path.Combine(_directory, "portal.db");

    private string Mirror => Path.Combine(_directory, "mirror.db");

    private string Audit => Path.Combine(_directory, "audit.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<T> WithPortalAsync<T>(Func<HubSpotClient, HubSpotEmulator, Task<T>> work)
    {
        // Seeded exactly as `spoke` seeds it, so the command finds this portal in the file.
        await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0, DataFile = EmulatorData, Seed = SeedKind.Demo });
        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token, ProactiveRateLimiting = false });
        return await work(client, emulator);
    }

    /// <summary>A contact of the demo portal with its email, and a mirror of the portal's contacts and companies.</summary>
    private Task<(string Id, string Email, long Portal)> PrepareAsync() => WithPortalAsync(async (client, emulator) =>
    {
        var contact = await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "subject.person@example.org").Set("firstname", "Subjecta"));
        await client.Associations.CreateDefaultAsync("contacts", contact.Id, "companies", (await client.Crm.Companies.ListAsync().FirstAsync()).Id);
        await using var store = await SqliteSyncStore.OpenAsync(Mirror);
        var options = new SyncOptions();
        options.ObjectTypes.Add("contacts");
        options.ObjectTypes.Add("companies");
        var run = await new SyncEngine(client, store, options).RunAsync();
        Assert.True(run.Succeeded);
        Assert.Single(await store.GetRecordsAsync(emulator.PortalId, "contacts", [contact.Id]));
        return (contact.Id, "subject.person@example.org", emulator.PortalId);
    });

    [Fact]
    public async Task Delete_without_yes_exits_2_says_what_it_would_do_and_deletes_nothing()
    {
        var (id, email, _) = await PrepareAsync();

        await using var delete = SpokeProcess.Start("gdpr", "delete", "--email", email, "--database", "sqlite:" + Mirror, "--audit", Audit, "--emulator-data", EmulatorData);

        Assert.Equal(2, await delete.WaitForExitAsync(Exit));
        Assert.Contains($"Would GDPR-delete contact {id} from HubSpot, permanently", delete.Errors);
        Assert.Contains("purge it from the mirror sqlite:", delete.Errors);
        Assert.Contains("--yes", delete.Errors);
        Assert.DoesNotContain(email, delete.Output);
        Assert.False(File.Exists(Audit));
        Assert.True(await WithPortalAsync(async (client, _) => await client.Crm.Contacts.TryGetAsync(id) is not null));
    }

    [Fact]
    public async Task Delete_with_yes_removes_the_contact_from_hubspot_and_the_mirror_and_the_audit_proves_it_without_the_email()
    {
        var (id, email, portal) = await PrepareAsync();

        await using (var delete = SpokeProcess.Start("gdpr", "delete", "--email", email, "--yes", "--database", "sqlite:" + Mirror, "--audit", Audit, "--emulator-data", EmulatorData))
        {
            Assert.Equal(0, await delete.WaitForExitAsync(Exit));
            Assert.Contains($"GDPR-deleted contact {id}", delete.Output);
            Assert.Contains("Purged from the mirror", delete.Output);
            Assert.Contains("Audit entry #1", delete.Output);
            Assert.DoesNotContain(email, delete.Output);
        }

        Assert.True(await WithPortalAsync(async (client, _) =>
            await client.Crm.Contacts.TryGetAsync(id, new CrmReadOptions { Archived = true }) is null && await client.Crm.Contacts.TryGetAsync(id) is null));
        await using (var store = await SqliteSyncStore.OpenAsync(Mirror))
        {
            Assert.Empty(await store.GetRecordsAsync(portal, "contacts", [id]));
            Assert.Empty(await store.GetAssociationsAsync(portal, "contacts", id));
        }

        Assert.True((await File.ReadAllBytesAsync(Mirror)).AsSpan().IndexOf(Encoding.UTF8.GetBytes(email)) < 0);
        var auditBytes = await File.ReadAllBytesAsync(Audit);
        foreach (var personal in new[] { email, "subject.person", "Subjecta" })
        {
            Assert.True(auditBytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(personal)) < 0, $"the audit file holds \"{personal}\"");
        }

        await using var proof = SpokeProcess.Start("gdpr", "audit", "--email", email.ToUpperInvariant(), "--audit", Audit);
        Assert.Equal(0, await proof.WaitForExitAsync(Exit));
        Assert.Contains($"#1 ", proof.Output);
        Assert.Contains($"[{id}]", proof.Output);
        Assert.Contains("1 entry is about the email given: #1.", proof.Output);
        Assert.DoesNotContain(email.ToUpperInvariant(), proof.Output);

        await using var other = SpokeProcess.Start("gdpr", "audit", "--email", "someone.else@example.org", "--audit", Audit);
        Assert.Equal(0, await other.WaitForExitAsync(Exit));
        Assert.Contains("No entry is about the email given.", other.Output);
    }

    [Fact]
    public async Task Export_writes_the_access_document_for_an_id()
    {
        var (id, email, _) = await PrepareAsync();
        var file = Path.Combine(_directory, "subject.json");

        await using var export = SpokeProcess.Start("gdpr", "export", "--id", id, "--out", file, "--emulator-data", EmulatorData);

        Assert.Equal(0, await export.WaitForExitAsync(Exit));
        Assert.Contains($"Exported contact {id}", export.Output);
        using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(file));
        Assert.Equal(email, doc.RootElement.GetProperty("contact").GetProperty("properties").GetProperty("email").GetProperty("value").GetString());
        Assert.Single(doc.RootElement.GetProperty("associations").GetProperty("companies").EnumerateArray());
    }

    [Theory]
    [InlineData("export", "--email", "not-an-email")]
    [InlineData("export", "--id", "12abc")]
    [InlineData("delete", "--id", "99999999999")]
    [InlineData("export", "--timeline-event", "no-colon")]
    public async Task Bad_input_exits_2_with_what_to_do(string verb, string option, string value)
    {
        string[] args = option == "--timeline-event"
            ? ["gdpr", verb, "--id", "1", option, value, "--emulator-data", EmulatorData]
            : ["gdpr", verb, option, value, "--no-mirror", "--emulator-data", EmulatorData];
        if (verb == "export" && option != "--timeline-event")
        {
            args = [.. args.Where(a => a != "--no-mirror")];
        }

        await using var command = SpokeProcess.Start(args);

        Assert.Equal(2, await command.WaitForExitAsync(Exit));
        Assert.NotEmpty(command.Errors.Trim());
        Assert.DoesNotContain("   at ", command.Output);
    }
}
