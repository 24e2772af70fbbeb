using System.Globalization;
using System.Text;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;
using static Spoke.Emulator.Seeding.DemoVocabulary;

namespace Spoke.Emulator.Seeding;

/// <summary>
/// <c>--seed demo</c>: a believable portal to demo, sync and load-test against. For N contacts it creates N/5
/// companies, N/10 products (at most the catalog's 16), N/2 deals with one to three line items each, N/4 tickets,
/// N/2 notes, N/4 tasks and N/10 records of a <c>projects</c> custom object, all created over the past two years and
/// associated the way a sales team would have: every contact with a primary company, every deal with a contact and
/// that contact's company, line items with their deal (and a product through <c>hs_product_id</c>), tickets with a
/// contact and its company, notes and tasks with a contact and often one of its deals, projects with a company.
/// Records are owned by the portal's owners. A record is always created after the records it is associated with.
/// The same seed value on the same day gives the same portal. Records go through <see cref="RecordWriter"/>'s create
/// path (system properties, derived deal and ticket values) but skip per-value validation for speed; the values are
/// built from the portal's own options, owners and pipelines so they pass it (the tests check). Associations go
/// through <see cref="Associator"/>, the rules the v4 API applies (both directions, primary labels, counts).
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
            Version = DemoSeedProgress.CurrentVersion,
            Size = contacts,
            SeedValue = seedValue,
            // "Today" at midnight UTC: the data moves with the calendar, not with every tick of the clock.
            Anchor = new DateTimeOffset(portal.Now.UtcDateTime.Date, TimeSpan.Zero),
        };
        foreach (var (name, total) in Totals(contacts))
        {
            if (name == DemoProjects.Name)
            {
                // The custom object's store exists once the seed registers its schema (which then sets NextId); a
                // portal that already has a schema of that name keeps it, and gets no projects.
                if (total > 0 && DemoProjects.CanCreate(portal))
                {
                    progress.Types[name] = new DemoSeedTypeProgress { Total = total };
                }

                continue;
            }

            progress.Types[name] = new DemoSeedTypeProgress { Total = total, NextId = portal.Store(portal.ResolveType(name)).NextId };
        }

        return progress;
    }

    /// <summary>Object types in seeding order, with how many records each gets.</summary>
    internal static (string Name, int Total)[] Totals(int contacts)
    {
        var some = contacts > 0;
        var products = some ? Math.Clamp(contacts / 10, 1, Products.Length) : 0;
        var deals = contacts / 2;
        return
        [
            ("companies", some ? Math.Max(1, contacts / 5) : 0),
            ("contacts", contacts),
            ("products", products),
            ("deals", deals),
            ("line_items", products > 0 ? LineItemsBefore(deals) : 0),
            ("tickets", contacts / 4),
            ("notes", contacts / 2),
            ("tasks", contacts / 4),
            (DemoProjects.Name, some ? Math.Max(1, contacts / 10) : 0),
        ];
    }

    /// <summary>Deal <c>i</c> has <c>1 + i % 3</c> line items: how many the deals before <paramref name="deal"/> have.</summary>
    private static int LineItemsBefore(int deal) => deal + (deal / 3 * 3) + (deal % 3 == 2 ? 1 : 0);

    /// <summary>
    /// Runs (or resumes) <paramref name="progress"/>; stops between chunks when cancelled, leaving a resumable seed.
    /// <paramref name="report"/> hears one line per committed chunk.
    /// </summary>
    internal static void Seed(PortalState portal, DemoSeedProgress progress, Action<string>? report, CancellationToken cancellationToken)
    {
        portal.DemoSeed = progress;
        var seeder = new Run(portal, progress, report, cancellationToken);
        var previousOverride = portal.WriteTimestampOverride;
        // Values HubSpot calculates on an association (num_associated_*, associatedcompanyid) carry the write's
        // timestamp: the backdated time of the record being seeded, so they are as repeatable as the rest.
        portal.WriteTimestampOverride = seeder.CurrentTime;
        try
        {
            seeder.All();
        }
        finally
        {
            portal.WriteTimestampOverride = previousOverride;
        }

        using var _ = portal.Write();
        progress.Complete = true;
        portal.MarkDemoSeedProgressChanged();
    }

    private sealed class Run(PortalState portal, DemoSeedProgress progress, Action<string>? report, CancellationToken cancellationToken)
    {
        private readonly Random _random = new(progress.SeedValue);
        private readonly RecordWriter _writer = new(portal);
        private readonly Associator _associator = new(portal);
        private readonly Dictionary<(string, string, bool), AssociationDefinition[]> _pairTypes = [];
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly DateTimeOffset _today = progress.Anchor;
        private readonly string[] _owners = [.. portal.Owners.Where(o => !o.Archived).Select(o => o.Id)];
        private readonly Dictionary<string, long> _firstIds = new(StringComparer.Ordinal);
        private PropertyCatalog _catalog = null!;
        private DateTimeOffset _created;

        /// <summary>True while re-drawing records an earlier run committed: their values are drawn, not written.</summary>
        private bool _replaying;

        // What later types refer to, by index in seeding order (rebuilt by the replay, so a resume sees it too).
        private (string Name, string Domain)[] _companies = [];
        private DateTimeOffset[] _companyTimes = [];
        private int[] _contactCompany = [];
        private DateTimeOffset[] _contactTimes = [];
        private (string Name, string Sku, long Price)[] _products = [];
        private int[] _dealContact = [];
        private DateTimeOffset[] _dealTimes = [];
        private int[] _dealOpenDays = [];
        private (int Deal, int Product, int Quantity, long Discount)[] _lineItems = [];

        public DateTimeOffset? CurrentTime() => _created;

        public void All()
        {
            Companies();
            Contacts();
            Products();
            Deals();
            LineItems();
            Tickets();
            Engagements("notes");
            Engagements("tasks");
            Projects();
        }

        private void Companies()
        {
            if (!Planned("companies", out var count))
            {
                return;
            }

            var type = portal.ResolveType("companies");
            var industries = Options(type, "industry");
            var slugs = new Dictionary<string, int>(StringComparer.Ordinal);
            _companies = new (string, string)[count];
            _companyTimes = RandomTimes(count);
            Create(type, _companyTimes, i =>
            {
                var first = Pick(CompanyWords);
                var second = Pick(CompanyWords);
                var suffix = Pick(CompanySuffixes);
                var name = first == second ? $"{first} {suffix}" : $"{first} {second} {suffix}";
                var slug = Slug(first == second ? first + suffix : first + second);
                var seen = slugs.GetValueOrDefault(slug);
                slugs[slug] = seen + 1;
                var domain = seen == 0 ? $"{slug}.com" : $"{slug}{seen + 1}.com";
                _companies[i] = (name, domain);
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
        }

        private void Contacts()
        {
            if (!Planned("contacts", out var count))
            {
                return;
            }

            var type = portal.ResolveType("contacts");
            var store = portal.Store(type);
            var stages = Options(type, "lifecyclestage");
            // Older companies have had time to gather more people: the draw leans towards the low (old) indexes.
            (_contactCompany, _contactTimes) = After(count, _companyTimes, () => _random.Next(_random.Next(1, _companyTimes.Length + 1)));
            var companyType = portal.ResolveType("companies");
            Create(type, _contactTimes, i =>
            {
                var first = Pick(FirstNames);
                var last = Pick(LastNames);
                var company = _companies[_contactCompany[i]];
                // Most people sign up with their work address; some with a personal one.
                var domain = _random.Next(10) < 8 ? company.Domain : Pick(FreeMailDomains);
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
                Put("company", company.Name);
                Owner();
            }, (i, contact) => Associate(type, contact, companyType, Id("companies", _contactCompany[i]), primary: true));
        }

        private void Products()
        {
            if (!Planned("products", out var count))
            {
                return;
            }

            var type = portal.ResolveType("products");
            // The catalog was set up before the first sale: a product a minute at the start of the history.
            var times = new DateTimeOffset[count];
            for (var i = 0; i < count; i++)
            {
                times[i] = _today - History + TimeSpan.FromMinutes(i);
            }

            _products = new (string, string, long)[count];
            Create(type, times, i =>
            {
                var product = DemoVocabulary.Products[i];
                // Prices move a little from portal to portal (another seed value), never below the unit cost.
                var price = Math.Max(product.Cost + 1, product.Price * _random.Next(90, 111) / 100);
                _products[i] = (product.Name, product.Sku, price);
                Put("name", product.Name);
                Put("description", $"{product.Name} ({(product.Term.Length > 0 ? "subscription" : "one-off")}).");
                Put("price", Number(price));
                Put("hs_cost_of_goods_sold", Number(product.Cost));
                Put("hs_sku", product.Sku);
                Put("hs_product_type", product.Type);
                if (product.Term.Length > 0)
                {
                    Put("hs_recurring_billing_period", product.Term);
                }
            });
        }

        private void Deals()
        {
            if (!Planned("deals", out var count))
            {
                return;
            }

            var type = portal.ResolveType("deals");
            if (portal.Pipelines.GetValueOrDefault(type.TypeId)?.Find(p => !p.Archived) is not { } pipeline)
            {
                return;
            }

            var stages = pipeline.Stages.Where(s => !s.Archived).ToArray();
            (_dealContact, _dealTimes) = After(count, _contactTimes, () => _random.Next(_contactTimes.Length));
            _dealOpenDays = new int[count];
            var lineItems = new List<(int, int, int, long)>(progress.Types.GetValueOrDefault("line_items")?.Total ?? 0);
            var contactType = portal.ResolveType("contacts");
            var companyType = portal.ResolveType("companies");
            Create(type, _dealTimes, i =>
            {
                // The oldest deals walk every stage once, so even a tiny seed shows the whole pipeline.
                var stage = i < stages.Length ? stages[i] : Pick(stages);
                var buyer = _companies[_contactCompany[_dealContact[i]]].Name;
                var closed = stage.Metadata.GetValueOrDefault("isClosed") == "true";
                var closeDate = closed
                    ? Min(_created + TimeSpan.FromDays(_random.Next(7, 120)), _today)
                    : _today + TimeSpan.FromDays(_random.Next(1, 180));
                _dealOpenDays[i] = Math.Max(1, (int)(Min(closeDate, _today) - _created).TotalDays);
                long amount;
                if (_products.Length > 0)
                {
                    // What was sold: one to three line items, and the deal is worth what they add up to.
                    amount = 0;
                    for (var n = 0; n < 1 + (i % 3); n++)
                    {
                        var product = _random.Next(_products.Length);
                        var quantity = _random.Next(4) == 0 ? _random.Next(10, 101) : _random.Next(1, 10);
                        var discount = _random.Next(4) == 0 ? _products[product].Price / 10 : 0;
                        lineItems.Add((i, product, quantity, discount));
                        amount += quantity * (_products[product].Price - discount);
                    }
                }
                else
                {
                    amount = _random.Next(1, 500) * 250;
                }

                Put("dealname", $"{buyer} - {Pick(DealKinds)}");
                Put("amount", Number(amount));
                Put("closedate", PropertyValues.FormatInstant(new DateTimeOffset(closeDate.UtcDateTime.Date, TimeSpan.Zero)));
                Put("pipeline", pipeline.Id);
                Put("dealstage", stage.Id);
                Owner();
            }, (i, deal) =>
            {
                var contact = _dealContact[i];
                Associate(type, deal, contactType, Id("contacts", contact));
                Associate(type, deal, companyType, Id("companies", _contactCompany[contact]), primary: true);
            });
            _lineItems = [.. lineItems];
        }

        private void LineItems()
        {
            if (!Planned("line_items", out var count) || _lineItems.Length != count)
            {
                return;
            }

            var type = portal.ResolveType("line_items");
            var dealType = portal.ResolveType("deals");
            // Added to the deal as it was created: the same second, so ids still grow with time.
            Create(type, [.. _lineItems.Select(l => _dealTimes[l.Deal])], i =>
            {
                var (_, index, quantity, discount) = _lineItems[i];
                var product = _products[index];
                Put("name", product.Name);
                Put("hs_product_id", RecordJson.Id(Id("products", index)));
                Put("hs_sku", product.Sku);
                Put("quantity", Number(quantity));
                Put("price", Number(product.Price));
                if (discount > 0)
                {
                    Put("discount", Number(discount));
                }

                Put("amount", Number(quantity * (product.Price - discount)));
            }, (i, lineItem) => Associate(type, lineItem, dealType, Id("deals", _lineItems[i].Deal)));
        }

        private void Tickets()
        {
            if (!Planned("tickets", out var count))
            {
                return;
            }

            var type = portal.ResolveType("tickets");
            if (portal.Pipelines.GetValueOrDefault(type.TypeId)?.Find(p => !p.Archived) is not { } pipeline)
            {
                return;
            }

            var stages = pipeline.Stages.Where(s => !s.Archived).ToArray();
            var priorities = Options(type, "hs_ticket_priority");
            var (ticketContact, times) = After(count, _contactTimes, () => _random.Next(_contactTimes.Length));
            var contactType = portal.ResolveType("contacts");
            var companyType = portal.ResolveType("companies");
            var content = new StringBuilder();
            Create(type, times, i =>
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
            }, (i, ticket) =>
            {
                var contact = ticketContact[i];
                Associate(type, ticket, contactType, Id("contacts", contact));
                Associate(type, ticket, companyType, Id("companies", _contactCompany[contact]), primary: true);
            });
        }

        /// <summary>Notes and tasks: about a contact, and half the time about one of that contact's deals.</summary>
        private void Engagements(string name)
        {
            if (!Planned(name, out var count))
            {
                return;
            }

            var type = portal.ResolveType(name);
            var tasks = name == "tasks";
            var statuses = Options(type, "hs_task_status");
            var openStatuses = statuses.Where(s => s != "COMPLETED").DefaultIfEmpty("NOT_STARTED").ToArray();
            var priorities = Options(type, "hs_task_priority");
            var kinds = Options(type, "hs_task_type");
            var contactType = portal.ResolveType("contacts");
            var dealType = portal.ResolveType("deals");
            // Logged while the deal was open (or after the contact was created, when not about a deal).
            var about = new (int Contact, int Deal)[count];
            var times = new DateTimeOffset[count];
            for (var i = 0; i < count; i++)
            {
                if (_dealTimes.Length > 0 && _random.Next(2) == 0)
                {
                    var deal = _random.Next(_dealTimes.Length);
                    about[i] = (_dealContact[deal], deal);
                    times[i] = Min(_dealTimes[deal] + TimeSpan.FromSeconds(_random.NextInt64((long)TimeSpan.FromDays(_dealOpenDays[deal]).TotalSeconds)), _today);
                }
                else
                {
                    var contact = _random.Next(_contactTimes.Length);
                    about[i] = (contact, -1);
                    times[i] = Later(_contactTimes[contact]);
                }
            }

            // Oldest first, as every type: stable, so equal times keep their draw order.
            var order = Enumerable.Range(0, count).OrderBy(i => times[i]).ToArray();
            about = [.. order.Select(i => about[i])];
            times = [.. order.Select(i => times[i])];
            Create(type, times, i =>
            {
                if (tasks)
                {
                    var due = new DateTimeOffset(_created.UtcDateTime.Date, TimeSpan.Zero) + TimeSpan.FromDays(_random.Next(1, 15)) + TimeSpan.FromHours(_random.Next(8, 18));
                    var done = due <= _today && _random.Next(10) < 8;
                    Put("hs_task_subject", Pick(TaskSubjects));
                    Put("hs_task_body", $"<p>{Pick(NoteBodies)}</p>");
                    Put("hs_timestamp", PropertyValues.FormatInstant(due));
                    Put("hs_task_status", done ? "COMPLETED" : Pick(openStatuses));
                    PutAny("hs_task_priority", priorities);
                    PutAny("hs_task_type", kinds);
                }
                else
                {
                    Put("hs_timestamp", PropertyValues.FormatInstant(_created));
                    Put("hs_note_body", $"<p>{Pick(NoteBodies)}</p>");
                }

                Owner();
            }, (i, engagement) =>
            {
                var (contact, deal) = about[i];
                Associate(type, engagement, contactType, Id("contacts", contact));
                if (deal >= 0)
                {
                    Associate(type, engagement, dealType, Id("deals", deal));
                }
            });
        }

        private void Projects()
        {
            if (!Planned(DemoProjects.Name, out var count) || _companyTimes.Length == 0)
            {
                return;
            }

            var state = progress.Types[DemoProjects.Name];
            ObjectType type;
            if (progress.CustomObjectTypeId is { } typeId)
            {
                if (portal.FindType(typeId) is not { } found)
                {
                    // The schema was deleted since the seed made it: nothing to finish.
                    return;
                }

                type = found;
            }
            else
            {
                using var _ = portal.Write();
                // Registered before the first project, with the store's first id, in one commit.
                type = DemoProjects.Create(portal, _today - History);
                progress.CustomObjectTypeId = type.TypeId;
                state.NextId = portal.Store(type).NextId;
                portal.MarkDemoSeedProgressChanged();
            }

            var (projectCompany, times) = After(count, _companyTimes, () => _random.Next(_companyTimes.Length));
            var companyType = portal.ResolveType("companies");
            var statuses = Options(type, "status");
            var dateOnly = portal.Fidelity.DatePropertiesAsDateOnly;
            Create(type, times, i =>
            {
                var start = new DateTimeOffset(_created.UtcDateTime.Date, TimeSpan.Zero).AddDays(_random.Next(0, 30));
                var due = start.AddDays(_random.Next(30, 240));
                Put("project_name", $"{_companies[projectCompany[i]].Name} {Pick(ProjectKinds)}");
                Put("status", due < _today ? (_random.Next(10) < 8 ? "completed" : "on_hold") : start > _today ? "planned" : Pick(statuses));
                Put("budget", Number(_random.Next(5, 400) * 500));
                Put("start_date", Date(start));
                Put("due_date", Date(due));
            }, (i, project) => Associate(type, project, companyType, Id("companies", projectCompany[i])));

            string Date(DateTimeOffset day) =>
                PropertyValues.Normalize(_catalog.Find("start_date")!, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null, dateOnly).Stored!;
        }

        private bool Planned(string name, out int count)
        {
            count = progress.Types.TryGetValue(name, out var state) ? state.Total : 0;
            return count > 0;
        }

        /// <summary>
        /// Creates <paramref name="times"/>.Length records at those times (oldest first: ids grow with time, as in
        /// HubSpot); <paramref name="associate"/> runs after each record is written, in the same commit.
        /// </summary>
        private void Create(ObjectType type, DateTimeOffset[] times, Action<int> fill, Action<int, CrmRecord>? associate = null)
        {
            var count = times.Length;
            _catalog = portal.Catalog(type);
            var state = progress.Types[type.Name];
            var store = portal.Store(type);
            // Ids are consecutive from the first one the seed got: an earlier run's records are found by index.
            var firstId = state.NextId - state.Seeded;
            _firstIds[type.Name] = firstId;
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
                        var record = _writer.CommitCreate(type, _values, _created);
                        if (record.Id != firstId + i)
                        {
                            throw new InvalidOperationException($"The demo seed expected {type.Singular} {firstId + i} but the store gave {record.Id}.");
                        }

                        associate?.Invoke(i, record);
                    }

                    // Committed in the same transaction as the chunk: the file never claims more than it holds.
                    state.Seeded = end;
                    state.NextId = store.NextId;
                    portal.MarkDemoSeedProgressChanged();
                }

                report?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  {end:N0} of {count:N0} {type.Name}"));
            }

            void Fill(int i)
            {
                _created = times[i];
                _values.Clear();
                fill(i);
            }
        }

        /// <summary><paramref name="count"/> times over the history, oldest first, in whole seconds (as records made in a UI).</summary>
        private DateTimeOffset[] RandomTimes(int count)
        {
            var ages = new long[count];
            for (var i = 0; i < count; i++)
            {
                ages[i] = _random.NextInt64(History.Ticks);
            }

            // Largest age first: the oldest record gets the smallest id.
            Array.Sort(ages);
            Array.Reverse(ages);
            return [.. ages.Select(age => _today - TimeSpan.FromSeconds(Math.Ceiling(TimeSpan.FromTicks(age).TotalSeconds)))];
        }

        /// <summary>
        /// For records that belong to another: draws the other record (<paramref name="pick"/>, an index into
        /// <paramref name="parentTimes"/>) and a time between its creation and today, and orders both oldest first.
        /// </summary>
        private (int[] Parents, DateTimeOffset[] Times) After(int count, DateTimeOffset[] parentTimes, Func<int> pick)
        {
            var parents = new int[count];
            var times = new DateTimeOffset[count];
            for (var i = 0; i < count; i++)
            {
                parents[i] = pick();
                times[i] = Later(parentTimes[parents[i]]);
            }

            var order = Enumerable.Range(0, count).OrderBy(i => times[i]).ToArray();
            return ([.. order.Select(i => parents[i])], [.. order.Select(i => times[i])]);
        }

        /// <summary>A whole second between <paramref name="from"/> and today.</summary>
        private DateTimeOffset Later(DateTimeOffset from) =>
            from + TimeSpan.FromSeconds(_random.NextInt64((long)(_today - from).TotalSeconds + 1));

        /// <summary>The id of the <paramref name="index"/>th record the seed made of a type.</summary>
        private long Id(string typeName, int index) => _firstIds[typeName] + index;

        /// <summary>Associates a new record as a v4 PUT would (the primary type too when asked), both directions.</summary>
        private void Associate(ObjectType fromType, CrmRecord from, ObjectType toType, long toId, bool primary = false)
        {
            var to = portal.Store(toType).Find(toId) ?? throw new InvalidOperationException($"The demo seed has no {toType.Singular} {toId}.");
            var key = (fromType.TypeId, toType.TypeId, primary);
            if (!_pairTypes.TryGetValue(key, out var types))
            {
                var plain = _associator.RequireDefault(fromType, toType);
                types = primary ? [plain, _associator.Definitions(fromType, toType).First(d => d.IsPrimary)] : [plain];
                _pairTypes[key] = types;
            }

            _associator.Add(fromType, from, toType, to, types);
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
