using Spoke.Crm;
using Spoke.DataTools.Export;
using Spoke.Emulator;

namespace Spoke.DataTools.Tests.Export;

/// <summary>One emulator with 50,000 contacts (10,500 customers): streamed exports and search past 10,000 results.</summary>
public sealed class ExportScaleFixture : IAsyncLifetime
{
    public const int Contacts = 50_000;
    public const int Customers = 10_500;

    public HubSpotEmulator Emulator { get; private set; } = null!;

    public HubSpotClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        Client = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token, ProactiveRateLimiting = false });
        // Batch create with rate limits off (the emulator's default): 100 per request, in chunks so no list of 50,000 stays alive.
        var padding = new string('x', 400);
        for (var start = 0; start < Contacts; start += 5_000)
        {
            var chunk = Enumerable.Range(start, 5_000).Select(i => new PropertyBag()
                .Set("email", $"c{i}@scale.example.com").Set("firstname", $"First {i}").Set("lastname", $"Last {i} {padding}")
                .Set("lifecyclestage", i % 4 == 0 && i / 4 < Customers ? "customer" : "lead"));
            (await Client.Crm.Contacts.BatchCreateAsync(chunk)).EnsureAllSucceeded();
        }
    }

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}

public sealed class ExportScaleTests(ExportScaleFixture fixture) : IClassFixture<ExportScaleFixture>
{
    /// <summary>Counts bytes and lines written, keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        public long Bytes { get; private set; }

        public long Lines { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Bytes += buffer.Length;
            Lines += buffer.Count((byte)'\n');
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Bytes;
        public override long Position { get => Bytes; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Samples the managed heap (after a full collection) each time another 5,000 records are written.</summary>
    private sealed class HeapSampler : IProgress<ExportProgress>
    {
        private long _next = 5_000;

        public List<long> Samples { get; } = [];

        public long? Total { get; private set; }

        public void Report(ExportProgress value)
        {
            Total = value.Total;
            if (value.Records >= _next)
            {
                _next += 5_000;
                Samples.Add(GC.GetTotalMemory(forceFullCollection: true));
            }
        }
    }

    [Fact]
    public async Task Fifty_thousand_records_stream_with_the_heap_staying_flat()
    {
        var sampler = new HeapSampler();
        var output = new CountingStream();

        var result = await new RecordExporter(fixture.Client).ExportAsync("contacts", output,
            new ExportOptions { Format = ExportFormat.Csv, Properties = ["email", "firstname", "lastname"], Progress = sampler });

        Assert.Equal(ExportScaleFixture.Contacts, result.Records);
        Assert.Equal(ExportScaleFixture.Contacts + 1, output.Lines); // the header and one line per record
        Assert.Equal(ExportScaleFixture.Contacts, sampler.Total);
        Assert.Equal(10, sampler.Samples.Count);
        // Held records would grow the heap by over 1 KB each (45,000 between the first and last sample: 45 MB and more);
        // streaming keeps it to about one page whatever the count.
        var growth = sampler.Samples.Max() - sampler.Samples[0];
        Assert.True(growth < 16 * 1024 * 1024, $"the heap grew by {growth:N0} bytes between 5,000 and 50,000 records: {string.Join(", ", sampler.Samples.Select(s => s.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public async Task A_filter_matching_more_than_ten_thousand_records_exports_each_once()
    {
        using var output = new MemoryStream();

        var result = await new RecordExporter(fixture.Client).ExportAsync("contacts", output,
            new ExportOptions { Format = ExportFormat.Csv, Properties = ["email", "lifecyclestage"], Filters = ["lifecyclestage=customer"] });

        Assert.Equal(ExportScaleFixture.Customers, result.Records);
        output.Position = 0;
        using var reader = new StreamReader(output);
        await reader.ReadLineAsync(); // header
        var ids = new HashSet<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var fields = line.Split(',');
            Assert.Equal("customer", fields[2]);
            Assert.True(ids.Add(fields[0]), $"{fields[0]} exported twice");
        }

        Assert.Equal(ExportScaleFixture.Customers, ids.Count);
    }
}
