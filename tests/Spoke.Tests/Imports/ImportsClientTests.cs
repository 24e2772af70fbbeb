using System.Text;
using Spoke.Crm;
using Spoke.Errors;
using Spoke.Imports;

namespace Spoke.Tests.CrmImports;

public sealed class ImportsClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    private static ImportColumnMapping[] ContactColumns =>
    [
        ImportColumnMapping.MatchOn("Email", "0-1", "email"),
        new("First Name", "0-1", "firstname"),
        new("Stage", "0-1", "lifecyclestage"),
    ];

    /// <summary>A stream over the text that records whether it was opened and disposed.</summary>
    private sealed class TrackedFile(string text)
    {
        public int Opened { get; private set; }
        public bool Disposed => _stream?.Disposed == true;
        private TrackingStream? _stream;

        public Task<Stream> OpenAsync(CancellationToken _)
        {
            Opened++;
            _stream = new TrackingStream(Encoding.UTF8.GetBytes(text));
            return Task.FromResult<Stream>(_stream);
        }
    }

    private sealed class TrackingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Csv_with_bad_rows_ends_done_with_the_right_counters_and_errors(HubSpotApiVersion version)
    {
        var client = fixture.NewClient(fixture.Emulator.Token, version);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = $"Email,First Name,Stage\na{tag}@example.com,Ada,lead\nbroken-{tag},Bob,lead\nc{tag}@example.com,Cy,Customer\nd{tag}@example.com,Dee,astronaut\n";
        var file = new TrackedFile(csv);

        var started = await client.Imports.StartAsync(new ImportRequest { Name = $"Leads {tag}" }.WithOperation("0-1", ImportOperation.Upsert),
            [new ImportFile("leads.csv", file.OpenAsync, ContactColumns)]);
        Assert.Equal(1, file.Opened);
        Assert.True(file.Disposed, "the upload stream is disposed once sent");
        Assert.False(started.IsTerminal);

        var done = await client.Imports.WaitForCompletionAsync(started.Id, Poll);
        Assert.Equal(ImportState.Done, done.State);
        Assert.Equal(4, done.TotalRows);
        Assert.Equal(2, done.CreatedObjects);
        Assert.Equal(0, done.UpdatedObjects);
        Assert.Equal(2, done.Errors);
        Assert.Equal($"Leads {tag}", done.Name);
        Assert.Equal(["0-1"], done.MappedObjectTypeIds);

        var errors = await client.Imports.ListErrorsAsync(done.Id, new ImportErrorOptions { IncludeErrorMessage = true, IncludeRowData = true }).ToListAsync();
        Assert.Equal(["INVALID_EMAIL", "INVALID_ENUMERATION_OPTION"], errors.Select(e => e.ErrorType));
        Assert.Equal([3, 5], errors.Select(e => e.LineNumber));
        Assert.Equal([$"d{tag}@example.com", "Dee", "astronaut"], errors[1].RowData);
        Assert.Contains("astronaut", errors[1].ErrorMessage, StringComparison.Ordinal);
        Assert.All(await client.Imports.ListErrorsAsync(done.Id).ToListAsync(), e => Assert.Empty(e.RowData));

        var cy = await client.Crm.Contacts.GetAsync($"c{tag}@example.com", new CrmReadOptions { IdProperty = "email", Properties = ["lifecyclestage"] });
        Assert.Equal("customer", cy.Properties.GetString("lifecyclestage"));
    }

    [Fact]
    public async Task Paused_import_is_canceled_and_listed_newest_first()
    {
        var client = fixture.Client;
        fixture.Emulator.BulkJobsPaused = true;
        try
        {
            var tag = Guid.NewGuid().ToString("N")[..8];
            var first = await client.Imports.StartAsync(new ImportRequest(), [new ImportFile("a.csv", new TrackedFile($"Email,First Name,Stage\nx{tag}@example.com,X,lead\n").OpenAsync, ContactColumns)]);
            var second = await client.Imports.StartAsync(new ImportRequest(), [new ImportFile("b.csv", new TrackedFile($"Email,First Name,Stage\ny{tag}@example.com,Y,lead\n").OpenAsync, ContactColumns)]);
            Assert.Equal(ImportState.Started, (await client.Imports.GetAsync(first.Id)).State);

            await client.Imports.CancelAsync(first.Id);
            fixture.Emulator.BulkJobsPaused = false;
            Assert.Equal(ImportState.Canceled, (await client.Imports.WaitForCompletionAsync(first.Id, Poll)).State);
            Assert.Equal(ImportState.Done, (await client.Imports.WaitForCompletionAsync(second.Id, Poll)).State);
            Assert.Null(await client.Crm.Contacts.TryGetAsync($"x{tag}@example.com", new CrmReadOptions { IdProperty = "email" }));

            var pages = await client.Imports.ListAsync().AsPages(pageSize: 1).Take(2).ToListAsync();
            Assert.Equal([second.Id, first.Id], pages.SelectMany(p => p.Values).Select(i => i.Id));
            Assert.NotNull(pages[0].ContinuationToken);
        }
        finally
        {
            fixture.Emulator.BulkJobsPaused = false;
        }
    }

    [Fact]
    public async Task Bad_input_is_refused_before_or_by_hubspot_with_a_clear_error()
    {
        var client = fixture.Client;
        var open = new TrackedFile("Email\n\"unclosed\n").OpenAsync;
        await Assert.ThrowsAsync<ArgumentException>(() => client.Imports.StartAsync(new ImportRequest(), []));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Imports.StartAsync(new ImportRequest(),
            [new ImportFile("a.csv", open, ContactColumns), new ImportFile("a.csv", open, ContactColumns)]));

        var malformed = await Assert.ThrowsAnyAsync<HubSpotApiException>(() => client.Imports.StartAsync(new ImportRequest(),
            [new ImportFile("a.csv", open, [ImportColumnMapping.MatchOn("Email", "0-1", "email")])]));
        Assert.Equal(400, malformed.Status);
        Assert.Contains("not valid CSV", malformed.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAnyAsync<HubSpotApiException>(() => client.Imports.GetAsync("123"));
        Assert.Equal(404, missing.Status);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.Imports.WaitForCompletionAsync("1", TimeSpan.Zero));
    }
}
