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
/// </summary>
public static class DemoSeeder
{
    /// <summary>Records per write scope: keeps each journal transaction bounded when seeding into a data file.</summary>
    private const int RecordsPerCommit = 10_000;

    private static readonly TimeSpan History = TimeSpan.FromDays(730);

    /// <summary>Seeds <paramref name="contacts"/> contacts and the records that go with them into an empty portal.</summary>
    public static void Seed(PortalState portal, int contacts, int seedValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contacts);
        var seeder = new Run(portal, seedValue);
        var companies = seeder.Companies(contacts / 5);
        seeder.Contacts(contacts, companies);
        seeder.Deals(contacts / 2, companies);
        seeder.Tickets(contacts / 4);
    }

    private sealed class Run(PortalState portal, int seedValue)
    {
        private readonly Random _random = new(seedValue);
        private readonly RecordWriter _writer = new(portal);
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        // "Today" at midnight UTC: the data moves with the calendar, not with every tick of the clock.
        private readonly DateTimeOffset _today = new(portal.Now.UtcDateTime.Date, TimeSpan.Zero);
        private readonly string[] _owners = [.. portal.Owners.Where(o => !o.Archived).Select(o => o.Id)];
        private Properties.PropertyCatalog _catalog = null!;
        private DateTimeOffset _created;

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
                for (var n = 2; store.FindByUnique("email", email) is not null; n++)
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
            for (var start = 0; start < count; start += RecordsPerCommit)
            {
                using var _ = portal.Write();
                for (var i = start; i < Math.Min(count, start + RecordsPerCommit); i++)
                {
                    // Whole seconds, as records created through a UI would look.
                    _created = _today - TimeSpan.FromSeconds(Math.Ceiling(TimeSpan.FromTicks(ages[i]).TotalSeconds));
                    _values.Clear();
                    fill(i);
                    _writer.CommitCreate(type, _values, _created);
                }
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
