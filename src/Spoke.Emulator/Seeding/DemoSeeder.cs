using System.Globalization;
using System.Text;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using static Spoke.Emulator.Seeding.DemoVocabulary;

namespace Spoke.Emulator.Seeding;

/// <summary>
/// <c>--seed demo</c>: a believable portal to demo and load-test against. For N contacts it creates N/5 companies,
/// N/2 deals across every stage of the default pipeline and N/4 tickets, all created over the past two years.
/// The same seed value on the same day gives the same records. Records go through <see cref="RecordWriter"/>'s
/// create path (system properties, derived deal and ticket values) but skip per-value validation for speed; the
/// values are built from the portal's own options, owners and pipelines so they pass it (the tests check).
/// Progress (<see cref="DemoSeedProgress"/>) is committed with every chunk, so a seed that was stopped or killed
/// resumes: the chunks already written are replayed without writing (the same random draws in the same order), and
/// the rest comes out as an uninterrupted seed would have made it.
/// </summary>
internal static class DemoSeeder
{
    /// <summary>Records per write scope: keeps each journal transaction bounded when seeding into a data file.</summary>
    private const int RecordsPerCommit = 10_000;

    private static readonly TimeSpan History = TimeSpan.FromDays(730);

    /// <summary>Seeds <paramref name="contacts"/> contacts and the records that go with them into an empty portal.</summary>
    public static void Seed(PortalState portal, int contacts, int seedValue) =>
        Seed(portal, Plan(portal, contacts, seedValue), report: null, CancellationToken.None);

    /// <summary>A fresh seed's parameters: dates anchored at today's midnight UTC, nothing seeded yet.</summary>
    internal static DemoSeedProgress Plan(PortalState portal, int contacts, int seedValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contacts);
        var progress = new DemoSeedProgress
        {
            Size = contacts,
            SeedValue = seedValue,
            // "Today" at midnight UTC: the data moves with the calendar, not with every tick of the clock.
            Anchor = new DateTimeOffset(portal.Now.UtcDateTime.Date, TimeSpan.Zero),
        };
        foreach (var (name, total) in Totals(contacts))
        {
            progress.Types[name] = new DemoSeedTypeProgress { Total = total, NextId = portal.Store(portal.ResolveType(name)).NextId };
        }

        return progress;
    }

    /// <summary>Object types in seeding order, with how many records each gets.</summary>
    internal static (string Name, int Total)[] Totals(int contacts) =>
        [("companies", contacts / 5), ("contacts", contacts), ("deals", contacts / 2), ("tickets", contacts / 4)];

    /// <summary>
    /// Runs (or resumes) <paramref name="progress"/>; stops between chunks when cancelled, leaving a resumable seed.
    /// <paramref name="report"/> hears one line per committed chunk.
    /// </summary>
    internal static void Seed(PortalState portal, DemoSeedProgress progress, Action<string>? report, CancellationToken cancellationToken)
    {
        portal.DemoSeed = progress;
        var seeder = new Run(portal, progress, report, cancellationToken);
        var companies = seeder.Companies(progress.Types["companies"].Total);
        seeder.Contacts(progress.Types["contacts"].Total, companies);
        seeder.Deals(progress.Types["deals"].Total, companies);
        seeder.Tickets(progress.Types["tickets"].Total);
        using var _ = portal.Write();
        progress.Complete = true;
        portal.TouchMetadata();
    }

    private sealed class Run(PortalState portal, DemoSeedProgress progress, Action<string>? report, CancellationToken cancellationToken)
    {
        private readonly Random _random = new(progress.SeedValue);
        private readonly RecordWriter _writer = new(portal);
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly DateTimeOffset _today = progress.Anchor;
        private readonly string[] _owners = [.. portal.Owners.Where(o => !o.Archived).Select(o => o.Id)];
        private Properties.PropertyCatalog _catalog = null!;
        private DateTimeOffset _created;

        /// <summary>True while re-drawing records an earlier run committed: their values are drawn, not written.</summary>
        private bool _replaying;

        public (string Name, string Domain)[] Companies(int count)
        {
            var type = portal.ResolveType("companies");
            var industries = Options(type, "industry");
            var slugs = new Dictionary<string, int>(StringComparer.Ordinal);
            var made = new (string Name, string Domain)[count];
            Create(type, count, i =>
            {
                var first = Pick(CompanyWords);
                var second = Pick(CompanyWords);
                var suffix = Pick(CompanySuffixes);
                var name = first == second ? $"{first} {suffix}" : $"{first} {second} {suffix}";
                var slug = Slug(first == second ? first + suffix : first + second);
                var seen = slugs.GetValueOrDefault(slug);
                slugs[slug] = seen + 1;
                var domain = seen == 0 ? $"{slug}.com" : $"{slug}{seen + 1}.com";
                made[i] = (name, domain);
                var (city, country) = Pick(Places);
                var employees = _random.Next(0, 4) switch
                {
                    0 => _random.Next(2, 50),
                    1 => _random.Next(50, 250),
                    2 => _random.Next(250, 2_000),
                    _ => _random.Next(2_000, 50_000),
                };
                Put("name", name);
                Put("domain", domain);
                Put("website", "https://www." + domain);
                Put("city", city);
                Put("country", country);
                PutAny("industry", industries);
                Put("numberofemployees", Number(employees));
                Put("annualrevenue", Number((long)employees * _random.Next(40, 400) * 1_000));
                Owner();
            });
            return made;
        }

        public void Contacts(int count, (string Name, string Domain)[] companies)
        {
            var type = portal.ResolveType("contacts");
            var store = portal.Store(type);
            var stages = Options(type, "lifecyclestage");
            Create(type, count, _ =>
            {
                var first = Pick(FirstNames);
                var last = Pick(LastNames);
                var employed = companies.Length > 0 && _random.Next(10) < 8;
                var company = employed ? companies[_random.Next(companies.Length)] : default;
                var domain = employed ? company.Domain : Pick(FreeMailDomains);
                var local = Slug(first) + "." + Slug(last);
                var email = $"{local}@{domain}";
                for (var n = 2; !_replaying && store.FindByUnique("email", email) is not null; n++)
                {
                    email = $"{local}{n}@{domain}";
                }

                var (city, country) = Pick(Places);
                Put("email", email);
                Put("firstname", first);
                Put("lastname", last);
                Put("phone", $"+1 {_random.Next(201, 990)} 555 {_random.Next(10_000):D4}");
                Put("city", city);
                Put("country", country);
                Put("jobtitle", Pick(JobTitles));
                PutAny("lifecyclestage", stages);
                if (employed)
                {
                    Put("company", company.Name);
                }

                Owner();
            });
        }

        public void Deals(int count, (string Name, string Domain)[] companies)
        {
            var type = portal.ResolveType("deals");
            if (portal.Pipelines.GetValueOrDefault(type.TypeId)?.Find(p => !p.Archived) is not { } pipeline)
            {
                return;
            }

            var stages = pipeline.Stages.Where(s => !s.Archived).ToArray();
            Create(type, count, i =>
            {
                // The oldest deals walk every stage once, so even a tiny seed shows the whole pipeline.
                var stage = i < stages.Length ? stages[i] : Pick(stages);
                var buyer = companies.Length > 0 ? companies[_random.Next(companies.Length)].Name : $"{Pick(LastNames)} {Pick(CompanySuffixes)}";
                var closed = stage.Metadata.GetValueOrDefault("isClosed") == "true";
                var closeDate = closed
                    ? Min(_created + TimeSpan.FromDays(_random.Next(7, 120)), _today)
                    : _today + TimeSpan.FromDays(_random.Next(1, 180));
                Put("dealname", $"{buyer} - {Pick(DealKinds)}");
                Put("amount", Number(_random.Next(1, 500) * 250));
                Put("closedate", Properties.PropertyValues.FormatInstant(new DateTimeOffset(closeDate.UtcDateTime.Date, TimeSpan.Zero)));
                Put("pipeline", pipeline.Id);
                Put("dealstage", stage.Id);
                Owner();
            });
        }

        public void Tickets(int count)
        {
            var type = portal.ResolveType("tickets");
            if (portal.Pipelines.GetValueOrDefault(type.TypeId)?.Find(p => !p.Archived) is not { } pipeline)
            {
                return;
            }

            var stages = pipeline.Stages.Where(s => !s.Archived).ToArray();
            var priorities = Options(type, "hs_ticket_priority");
            var content = new StringBuilder();
            Create(type, count, i =>
            {
                content.Clear();
                for (var s = _random.Next(1, 4); s > 0; s--)
                {
                    content.Append(content.Length > 0 ? " " : "").Append(Pick(TicketSentences));
                }

                Put("subject", Pick(TicketSubjects));
                Put("content", content.ToString());
                Put("hs_pipeline", pipeline.Id);
                Put("hs_pipeline_stage", (i < stages.Length ? stages[i] : Pick(stages)).Id);
                PutAny("hs_ticket_priority", priorities);
                Owner();
            });
        }

        /// <summary>Creates <paramref name="count"/> records oldest first (ids grow with time, as in HubSpot).</summary>
        private void Create(ObjectType type, int count, Action<int> fill)
        {
            var ages = new long[count];
            for (var i = 0; i < count; i++)
            {
                ages[i] = _random.NextInt64(History.Ticks);
            }

            // Largest age first: the oldest record gets the smallest id.
            Array.Sort(ages);
            Array.Reverse(ages);
            _catalog = portal.Catalog(type);
            var state = progress.Types[type.Name];
            var store = portal.Store(type);
            _replaying = true;
            for (var i = 0; i < state.Seeded; i++)
            {
                Fill(i);
            }

            _replaying = false;
            for (var start = state.Seeded; start < count; start += RecordsPerCommit)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var end = Math.Min(count, start + RecordsPerCommit);
                using (portal.Write())
                {
                    for (var i = start; i < end; i++)
                    {
                        Fill(i);
                        _writer.CommitCreate(type, _values, _created);
                    }

                    // Committed in the same transaction as the chunk: the file never claims more than it holds.
                    state.Seeded = end;
                    state.NextId = store.NextId;
                    portal.TouchMetadata();
                }

                report?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  {end:N0} of {count:N0} {type.Name}"));
            }

            void Fill(int i)
            {
                // Whole seconds, as records created through a UI would look.
                _created = _today - TimeSpan.FromSeconds(Math.Ceiling(TimeSpan.FromTicks(ages[i]).TotalSeconds));
                _values.Clear();
                fill(i);
            }
        }

        /// <summary>Sets a value when the portal has the property (a persisted portal may have archived it).</summary>
        private void Put(string name, string value)
        {
            if (_catalog.Find(name) is not null)
            {
                _values[name] = value;
            }
        }

        private void PutAny(string name, string[] options)
        {
            if (options.Length > 0)
            {
                Put(name, Pick(options));
            }
        }

        private void Owner() => PutAny("hubspot_owner_id", _owners);

        private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

        private string[] Options(ObjectType type, string property) =>
            portal.Catalog(type).Find(property) is { } def ? [.. def.Options.Where(o => !o.Hidden).Select(o => o.Value)] : [];

        private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

        private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>Lower-case ASCII for email local parts and domains.</summary>
        private static string Slug(string text)
        {
            var sb = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                var plain = c switch
                {
                    'á' or 'à' or 'ã' or 'â' or 'ä' => 'a',
                    'é' or 'è' or 'ê' or 'ë' => 'e',
                    'í' or 'ï' => 'i',
                    'ó' or 'ö' or 'ô' or 'õ' => 'o',
                    'ú' or 'ü' => 'u',
                    _ => char.ToLowerInvariant(c),
                };
                if (plain is >= 'a' and <= 'z' or >= '0' and <= '9')
                {
                    sb.Append(plain);
                }
            }

            return sb.ToString();
        }
    }
}
