using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Errors;
using Spoke.Http;
using Spoke.Telemetry;

namespace Spoke.Tests.Http;

public sealed class TelemetryTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task A_call_emits_one_span_with_method_template_status_attempts_and_correlation_id()
    {
        await using var h = fixture.Harness();
        using var parentSource = new ActivitySource("Spoke.Tests.Telemetry");
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is HubSpotTelemetry.Name or "Spoke.Tests.Telemetry",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.Status, Status = 502, Count = 1 });
        var client = h.Client();
        var email = $"t{Guid.NewGuid():N}@example.com";
        await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email));

        using (var parent = parentSource.StartActivity("test"))
        {
            await h.DriveAsync(client.Crm.Contacts.GetAsync(email, new CrmReadOptions { IdProperty = "email" }), TimeSpan.FromMilliseconds(250));
            List<Activity> mine;
            lock (spans)
            {
                mine = [.. spans.Where(s => s.ParentSpanId == parent!.SpanId && s.Source.Name == HubSpotTelemetry.Name)];
            }

            var span = Assert.Single(mine);
            Assert.Equal("GET", span.GetTagItem(HubSpotTelemetry.MethodTag));
            Assert.Equal("/crm/v3/objects/contacts/{id}", span.GetTagItem(HubSpotTelemetry.TemplateTag));
            Assert.Equal(200, span.GetTagItem(HubSpotTelemetry.StatusTag));
            Assert.Equal(2, span.GetTagItem(HubSpotTelemetry.AttemptTag));
            Assert.False(string.IsNullOrEmpty(span.GetTagItem(HubSpotTelemetry.CorrelationTag) as string));
            Assert.DoesNotContain(email, span.DisplayName, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Logs_carry_templates_and_never_the_token_or_personal_data()
    {
        await using var h = fixture.Harness();
        var logs = new CapturingLoggerFactory();
        h.Fired(new FaultRule { Route = "GET *", Kind = FaultKind.Status, Status = 503, Count = 1 });
        var client = h.Client(configure: o => o.LoggerFactory = logs);
        var email = $"secret{Guid.NewGuid():N}@example.com";

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            h.DriveAsync(client.Crm.Contacts.GetAsync(email, new CrmReadOptions { IdProperty = "email" }), TimeSpan.FromMilliseconds(250)));
        Assert.Equal(404, (int)error.Status);

        var lines = logs.Lines;
        Assert.Contains(lines, l => l.Contains("retrying", StringComparison.Ordinal) && l.Contains("/crm/v3/objects/contacts/{id}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("failed for good", StringComparison.Ordinal));
        Assert.All(lines, l =>
        {
            Assert.DoesNotContain(h.Token, l, StringComparison.Ordinal);
            Assert.DoesNotContain(email, l, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", l, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_meter_counts_requests_errors_and_429s()
    {
        await using var h = fixture.Harness();
        var measurements = new List<(string Instrument, long Value, string? Template)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == HubSpotTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? template = null;
            string? policy = null;
            foreach (var tag in tags)
            {
                template = tag.Key == HubSpotTelemetry.TemplateTag ? tag.Value as string : template;
                policy = tag.Key == HubSpotTelemetry.PolicyTag ? tag.Value as string : policy;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, template ?? policy));
            }
        });
        listener.Start();
        // A type of its own (letters only, so the template keeps it) tells this test's measurements from others'.
        var route = "/crm/v3/objects/meter" + new string([.. Guid.NewGuid().ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + c - '0') : c)]);
        h.Fired(new FaultRule { Route = "GET " + route + "*", Kind = FaultKind.RateLimit, Count = 1 });
        var client = h.Client();

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            h.DriveAsync(client.Http.SendAsync(HubSpotOperation.Get(route.TrimStart('/')), route.TrimStart('/'), TestJsonContext.Default.JsonElement, default), TimeSpan.FromSeconds(1)));
        Assert.Equal(400, (int)error.Status);

        List<(string Instrument, long Value, string? Template)> mine;
        lock (measurements)
        {
            mine = [.. measurements];
        }

        Assert.Equal(2, mine.Count(m => m.Instrument == "spoke.hubspot.requests" && m.Template == route));
        Assert.Equal(2, mine.Count(m => m.Instrument == "spoke.hubspot.errors" && m.Template == route));
        Assert.Contains(mine, m => m.Instrument == "spoke.hubspot.rate_limited" && m.Template == "TEN_SECONDLY_ROLLING");
    }

    [Fact]
    public async Task The_meter_reports_errors_by_category_latency_and_the_remaining_budget()
    {
        // An emulator of its own with an odd daily limit, so this test's remaining-budget figures are its own.
        var dailyLimit = 500_000 + Random.Shared.Next(1, 99_999);
        await using var h = await PipelineHarness.StartAsync(RateLimitTier.Professional, o => o.Fidelity.ProfessionalDailyLimit = dailyLimit);
        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == HubSpotTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, copy));
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
        var route = "/crm/v3/objects/latency" + new string([.. Guid.NewGuid().ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + c - '0') : c)]);
        h.Fired(new FaultRule { Route = "GET " + route + "*", Kind = FaultKind.RateLimit, Count = 1 });
        var client = h.Client();

        await PipelineHarness.ListContactsAsync(client);
        await Assert.ThrowsAsync<HubSpotApiException>(() =>
            h.DriveAsync(client.Http.SendAsync(HubSpotOperation.Get(route.TrimStart('/')), route.TrimStart('/'), TestJsonContext.Default.JsonElement, default), TimeSpan.FromSeconds(1)));

        List<(string Instrument, double Value, Dictionary<string, object?> Tags)> mine;
        lock (measurements)
        {
            mine = [.. measurements];
        }

        bool OnRoute(Dictionary<string, object?> tags) => tags.TryGetValue(HubSpotTelemetry.TemplateTag, out var t) && (string?)t == route;
        Assert.Equal(["client", "rate_limit"],
            mine.Where(m => m.Instrument == "spoke.hubspot.errors" && OnRoute(m.Tags)).Select(m => (string?)m.Tags[HubSpotTelemetry.CategoryTag]).Order());
        Assert.Equal([400, 429],
            mine.Where(m => m.Instrument == "spoke.hubspot.request.duration" && OnRoute(m.Tags)).Select(m => (int)m.Tags[HubSpotTelemetry.StatusTag]!).Order());
        Assert.All(mine.Where(m => m.Instrument == "spoke.hubspot.request.duration"), m => Assert.True(m.Value >= 0));
        Assert.Contains(mine, m => m.Instrument == "spoke.hubspot.rate_limit.remaining"
            && (string?)m.Tags[HubSpotTelemetry.WindowTag] == "daily" && m.Value == dailyLimit - 1);
        Assert.Contains(mine, m => m.Instrument == "spoke.hubspot.rate_limit.remaining"
            && (string?)m.Tags[HubSpotTelemetry.WindowTag] == "burst" && m.Value is >= 0 and < 190);
    }
}
