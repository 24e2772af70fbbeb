// The contact-to-deal workflow, end to end, with the Spoke client:
// upsert a contact by email, find-or-create its company, create a deal in the default pipeline together with its
// associations to both, move it through the pipeline's stages to won, search it back and read its associations.
//
// dotnet run --project samples/ClientQuickstart                     # an in-process emulator, no credentials
// HUBSPOT_ACCESS_TOKEN=pat-... dotnet run --project samples/ClientQuickstart -- ada@example.com   # real HubSpot
using System.Globalization;
using Spoke;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;

var email = args.Length > 0 ? args[0] : "ada.lovelace@example.com";
var domain = email[(email.IndexOf('@', StringComparison.Ordinal) + 1)..];
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var ct = stop.Token;

var token = Environment.GetEnvironmentVariable("HUBSPOT_ACCESS_TOKEN");
await using var emulator = string.IsNullOrWhiteSpace(token) ? await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions(), ct) : null;
var options = emulator is null
    ? new HubSpotClientOptions { AccessToken = token!.Trim() } // BaseUri defaults to https://api.hubapi.com/
    : new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token };
Console.WriteLine(emulator is null ? "Against HubSpot (HUBSPOT_ACCESS_TOKEN)." : $"Against an in-process emulator on {emulator.BaseUri} (set HUBSPOT_ACCESS_TOKEN for real HubSpot).");
var client = new HubSpotClient(options);

// 1. The contact, by email (a contact's unique key). An upsert creates it or updates it in one call, so two runs (or a
//    search that has not indexed a new contact yet) can never make a duplicate or meet a 409.
var upserted = await client.Crm.Contacts.UpsertAsync("email", email, new PropertyBag().Set("firstname", "Ada").Set("lastname", "Lovelace"), ct);
var contact = upserted.Object;
Console.WriteLine($"{(upserted.IsNew ? "Created" : "Found")} contact {contact.Id} ({email}).");

// 2. The company, by domain. HubSpot does not deduplicate companies created through the API, so look first; a new one
//    is created already associated with the contact.
var company = await FindOneAsync(client.Crm.Companies, "domain", domain, ct);
if (company is null)
{
    company = await client.Crm.Companies.CreateAsync(new CrmCreateInput(new PropertyBag().Set("name", "Analytical Engines Ltd").Set("domain", domain))
        .AssociateWith(contact.Id, AssociationTypes.CompanyToContact), ct);
    Console.WriteLine($"Created company {company.Id} ({domain}).");
}
else
{
    await client.Associations.CreateDefaultAsync("contacts", contact.Id, "companies", company.Id, ct);
    Console.WriteLine($"Found company {company.Id} ({domain}).");
}

// 3. A deal in the default pipeline, at its first stage, created with its contact and company in the same call: HubSpot
//    makes the deal and its associations together or not at all, so no deal is ever left without its contact.
//    Stage and pipeline values are internal ids ("default", "appointmentscheduled"), never labels.
var pipeline = await client.Pipelines.GetDefaultAsync("deals", ct) ?? throw new InvalidOperationException("The portal has no deal pipeline.");
var stages = pipeline.Stages.Where(s => !s.Archived).OrderBy(s => s.DisplayOrder).ToList();
var open = stages.Where(s => s.IsClosed != true).ToList();
var won = stages.First(s => s.IsClosed == true && s.Probability == 1m);

var dealName = $"Difference Engine No. 2 ({DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)})";
var deal = await client.Crm.Deals.CreateAsync(new CrmCreateInput(new PropertyBag()
        .Set("dealname", dealName)
        .Set("amount", 17_470m)
        .Set("pipeline", pipeline.Id)
        .Set("dealstage", open[0].Id)
        .Set("closedate", DateTimeOffset.UtcNow.AddDays(30)))
    .AssociateWith(contact.Id, AssociationTypes.DealToContact)
    .AssociateWith(company.Id, AssociationTypes.DealToCompany), ct);
Console.WriteLine($"Created deal {deal.Id} \"{dealName}\" in pipeline {pipeline.Id} at stage {open[0].Id}, with its contact and company.");

// 4. Through the open stages to won.
foreach (var stage in open.Skip(1).Append(won))
{
    deal = await client.Crm.Deals.UpdateAsync(deal.Id, new PropertyBag().Set("dealstage", stage.Id), cancellationToken: ct);
    Console.WriteLine($"Moved deal {deal.Id} to {stage.Id} ({stage.Label}).");
}

// 5. Search it back. Search is eventually consistent (a change appears after a few seconds on HubSpot): poll, bounded.
CrmObject? found = null;
var searchUntil = DateTimeOffset.UtcNow.AddSeconds(60);
while (true)
{
    var search = new CrmSearchRequest()
        .AddFilterGroup(CrmFilter.Eq("dealname", dealName), CrmFilter.Eq("dealstage", won.Id))
        .Select("dealname", "dealstage", "amount", "pipeline");
    await foreach (var hit in client.Crm.Deals.SearchAsync(search, ct))
    {
        found = hit;
        break;
    }

    if (found is not null || DateTimeOffset.UtcNow > searchUntil)
    {
        break;
    }

    await Task.Delay(TimeSpan.FromSeconds(2), ct);
}

if (found is null)
{
    Console.Error.WriteLine($"Deal {deal.Id} did not appear in search within 60 s.");
    return 1;
}

Console.WriteLine($"Search found deal {found.Id}: stage {found.Properties.GetString("dealstage")}, amount {found.Properties.GetDecimal("amount")?.ToString(CultureInfo.InvariantCulture)}.");

// 6. Read the deal's associations back.
var contacts = new List<string>();
await foreach (var a in client.Associations.ListAsync("deals", deal.Id, "contacts", ct))
{
    contacts.Add(a.ToObjectId);
}

var companies = new List<string>();
await foreach (var a in client.Associations.ListAsync("deals", deal.Id, "companies", ct))
{
    companies.Add(a.ToObjectId);
}

Console.WriteLine($"Deal {deal.Id} is associated with contact(s) {string.Join(", ", contacts)} and company(ies) {string.Join(", ", companies)}.");
if (!contacts.Contains(contact.Id) || !companies.Contains(company.Id))
{
    Console.Error.WriteLine("The deal's associations do not name the contact and the company.");
    return 1;
}

Console.WriteLine($"Done: contact {contact.Id} → deal {deal.Id} ({won.Id}) ← company {company.Id}.");
return 0;

// The first record whose property equals the value, or null.
static async Task<CrmObject?> FindOneAsync(CrmObjectsClient records, string property, string value, CancellationToken ct)
{
    await foreach (var record in records.SearchAsync(new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq(property, value)).WithPageSize(1), ct))
    {
        return record;
    }

    return null;
}
