using System.CommandLine;
using System.Globalization;
using Spoke.Cli.Auth;
using Spoke.Cli.Portal;
using Spoke.Cli.Sync;
using Spoke.DataTools.Gdpr;
using Spoke.Errors;
using Spoke.Sync.Store;

namespace Spoke.Cli.Gdpr;

/// <summary>
/// <c>spoke gdpr export|delete|audit</c>: a data-subject access export, HubSpot's GDPR delete with the mirror purged
/// and an audit entry, and the audit log. The email given is never printed: messages say "the contact" and its id.
/// </summary>
internal static class GdprCommand
{
    public const string DefaultAudit = "spoke-gdpr-audit.db";

    public static Command Create()
    {
        var command = new Command("gdpr", "GDPR requests for one contact: access export, delete (HubSpot and the sync mirror) with an audit trail holding no personal data");
        command.Subcommands.Add(CreateExport());
        command.Subcommands.Add(CreateDelete());
        command.Subcommands.Add(CreateAudit());
        return command;
    }

    private static Option<string?> EmailOption() => new("--email") { Description = "The contact's email (never printed or logged)", HelpName = "EMAIL" };

    private static Option<string?> IdOption() => new("--id") { Description = "The contact's HubSpot record id", HelpName = "ID" };

    private static Option<string> AuditOption() => new("--audit")
    {
        Description = "The audit log, a SQLite file",
        HelpName = "PATH",
        DefaultValueFactory = _ => DefaultAudit,
    };

    private static GdprSubject? Subject(ParseResult parse, Option<string?> email, Option<string?> id)
    {
        var byEmail = parse.GetValue(email);
        var byId = parse.GetValue(id);
        if ((byEmail is null) == (byId is null))
        {
            Console.Error.WriteLine("Name the contact with exactly one of --email EMAIL or --id ID.");
            return null;
        }

        try
        {
            return byEmail is not null ? GdprSubject.ByEmail(byEmail) : GdprSubject.ById(byId!);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine((byEmail is not null ? "--email: " : "--id: ") + e.Message.Split(" (Parameter", 2)[0]);
            return null;
        }
    }

    private static Command CreateExport()
    {
        var portal = new PortalOptions();
        var email = EmailOption();
        var id = IdOption();
        var output = new Option<string?>("--out") { Description = "The JSON file to write (default: stdout)", HelpName = "FILE" };
        var events = new Option<string[]>("--timeline-event")
        {
            Description = "A timeline event to include, TEMPLATE_ID:EVENT_ID, repeatable (HubSpot's API cannot list a contact's timeline events)",
            HelpName = "TEMPLATE_ID:EVENT_ID",
        };
        var eventsFile = new Option<string?>("--timeline-events-file") { Description = "A file of TEMPLATE_ID:EVENT_ID lines to include", HelpName = "FILE" };
        var command = new Command("export", "Write one JSON document with everything HubSpot holds about a contact (a data-subject access request)");
        command.Options.Add(email);
        command.Options.Add(id);
        command.Options.Add(output);
        command.Options.Add(events);
        command.Options.Add(eventsFile);
        portal.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Subject(parse, email, id) is not { } subject)
            {
                return SyncCommand.ExitCodes.BadInput;
            }

            var references = new List<GdprTimelineEventRef>();
            try
            {
                var lines = (parse.GetValue(events) ?? []).ToList();
                if (parse.GetValue(eventsFile) is { } file)
                {
                    if (!File.Exists(file))
                    {
                        Console.Error.WriteLine($"--timeline-events-file: {Path.GetFullPath(file)} does not exist.");
                        return SyncCommand.ExitCodes.BadInput;
                    }

                    lines.AddRange((await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false)).Where(l => l.Trim() is { Length: > 0 } t && !t.StartsWith('#')));
                }

                references.AddRange(lines.Select(GdprTimelineEventRef.Parse));
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return SyncCommand.ExitCodes.BadInput;
            }

            var path = parse.GetValue(output) is { Length: > 0 } o ? Path.GetFullPath(o) : null;
            var messages = path is null ? Console.Error : Console.Out;
            await using var target = await portal.ConnectAsync(parse, messages, cancellationToken).ConfigureAwait(false);

            try
            {
                var exporter = new GdprAccessExporter(target.Client);
                GdprAccessResult? result;
                if (path is null)
                {
                    await using var stdout = Console.OpenStandardOutput();
                    result = await exporter.ExportAsync(subject, stdout, new GdprAccessOptions { TimelineEvents = references }, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var partial = path + ".partial";
                    await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
                    {
                        result = await exporter.ExportAsync(subject, stream, new GdprAccessOptions { TimelineEvents = references }, cancellationToken).ConfigureAwait(false);
                    }

                    if (result is null)
                    {
                        File.Delete(partial);
                    }
                    else
                    {
                        File.Move(partial, path, overwrite: true);
                    }
                }

                if (result is null)
                {
                    Console.Error.WriteLine(NotFound(subject));
                    return SyncCommand.ExitCodes.BadInput;
                }

                messages.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Exported contact {result.ContactId}: {result.Properties} properties with a value (every definition, with history), {result.AssociatedRecords} associated records, {result.ListMemberships} list memberships, {result.TimelineEvents} of {references.Count} named timeline events, to {path ?? "stdout"}."));
                return SyncCommand.ExitCodes.Succeeded;
            }
            catch (HubSpotApiException e) when (e.Status == 401)
            {
                Console.Error.WriteLine(AuthCommand.RefusedHint(e));
                return SyncCommand.ExitCodes.Unauthorized;
            }
        });
        return command;
    }

    private static string NotFound(GdprSubject subject) => subject.Email is not null
        ? "No contact has the email given (live or archived)."
        : $"No contact has the id {subject.ContactId} (live or archived).";

    private static Command CreateDelete()
    {
        var portal = new PortalOptions();
        var email = EmailOption();
        var id = IdOption();
        var yes = new Option<bool>("--yes") { Description = "Carry out the delete (permanent); without it the command only says what it would delete" };
        var database = new Option<string?>("--database")
        {
            Description = $"The Spoke sync mirror to purge the contact from (default: {SyncConnectionOptions.DefaultDatabase} when that file exists)",
            HelpName = "sqlite:PATH|postgres:CONNECTION_STRING",
        };
        var noMirror = new Option<bool>("--no-mirror") { Description = "Do not touch any sync mirror" };
        var audit = AuditOption();
        var command = new Command("delete", "HubSpot's GDPR delete of one contact (permanent), then the contact purged from the sync mirror, with an audit entry holding no personal data");
        command.Options.Add(email);
        command.Options.Add(id);
        command.Options.Add(yes);
        command.Options.Add(database);
        command.Options.Add(noMirror);
        command.Options.Add(audit);
        portal.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Subject(parse, email, id) is not { } subject)
            {
                return SyncCommand.ExitCodes.BadInput;
            }

            SyncDatabase? mirror = null;
            string mirrorNote;
            if (parse.GetValue(noMirror))
            {
                if (parse.GetValue(database) is not null)
                {
                    Console.Error.WriteLine("Give --database or --no-mirror, not both.");
                    return SyncCommand.ExitCodes.BadInput;
                }

                mirrorNote = "not purged (--no-mirror)";
            }
            else
            {
                var given = parse.GetValue(database);
                try
                {
                    mirror = SyncDatabase.Parse(given ?? SyncConnectionOptions.DefaultDatabase);
                }
                catch (FormatException e)
                {
                    Console.Error.WriteLine($"--database: {e.Message}");
                    return SyncCommand.ExitCodes.BadInput;
                }

                if (mirror.Kind == SyncDatabaseKind.Sqlite && !File.Exists(mirror.Target))
                {
                    if (given is not null)
                    {
                        Console.Error.WriteLine($"--database {mirror}: no mirror there. Give the mirror's --database, or --no-mirror when there is none.");
                        return SyncCommand.ExitCodes.BadInput;
                    }

                    mirror = null;
                }

                mirrorNote = mirror is null ? $"none configured ({SyncConnectionOptions.DefaultDatabase} does not exist)" : mirror.ToString();
            }

            var auditLog = new GdprAuditLog(parse.GetValue(audit) ?? DefaultAudit);
            await using var target = await portal.ConnectAsync(parse, Console.Out, cancellationToken).ConfigureAwait(false);

            try
            {
                var deleter = new GdprDeleter(target.Client);
                GdprDeletePlan plan;
                try
                {
                    plan = await deleter.PlanAsync(subject, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException e)
                {
                    Console.Error.WriteLine(e.Message);
                    return SyncCommand.ExitCodes.BadInput;
                }

                var what = plan.BlocklistOnly
                    ? "send HubSpot's GDPR delete by email although no contact has the email given: HubSpot still adds it to the portal's blocklist (so it cannot be used for a contact again)"
                    : $"GDPR-delete contact {plan.ContactId}{(plan.MergedIds.Count > 0 ? $" (and the records merged into it: {string.Join(", ", plan.MergedIds)})" : "")} from HubSpot, permanently, with its associated content";
                var mirrorPart = mirror is null ? $"; sync mirror: {mirrorNote}" : $", purge {(plan.BlocklistOnly ? "nothing" : "it")} from the mirror {mirror}";
                if (!parse.GetValue(yes))
                {
                    Console.Error.WriteLine($"Would {what}{mirrorPart}, and record an audit entry in {auditLog.Path}.");
                    Console.Error.WriteLine("Nothing was deleted. This cannot be undone: run again with --yes to carry it out.");
                    return SyncCommand.ExitCodes.BadInput;
                }

                var portalId = (await target.Client.Account.GetDetailsAsync(cancellationToken).ConfigureAwait(false)).PortalId;
                var outcome = await deleter.DeleteAsync(plan, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(outcome.Replace("No contact had the email", "No contact had the email given", StringComparison.Ordinal));

                var rows = new Dictionary<string, long>(StringComparer.Ordinal);
                if (mirror is not null && plan.RecordIds.Count > 0)
                {
                    await using var store = await mirror.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    var erased = await SyncMirrorEraser.EraseAsync(store, portalId, "contacts", plan.RecordIds, cancellationToken).ConfigureAwait(false);
                    foreach (var (table, count) in erased.RowsByTable)
                    {
                        rows[table] = count;
                    }

                    Console.WriteLine(erased.TotalRows == 0
                        ? $"The mirror {mirror} held nothing of the contact."
                        : $"Purged from the mirror {mirror}: {string.Join(", ", erased.RowsByTable.Select(r => $"{r.Value} from {r.Key}"))}."
                          + (mirror.Kind == SyncDatabaseKind.Postgres ? " Run VACUUM on those tables so PostgreSQL drops the dead rows." : ""));
                }

                var entry = await auditLog.RecordAsync(new GdprAuditRecord
                {
                    Email = plan.Email, PortalId = portalId, RecordIds = plan.RecordIds, HubSpotOutcome = outcome,
                    Mirror = mirror?.ToString() ?? mirrorNote, MirrorRows = rows,
                }, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Audit entry #{entry.EntryId} recorded in {auditLog.Path} (a salted hash of the email, no personal data). Prove it later with `spoke gdpr audit --email …`.");
                return SyncCommand.ExitCodes.Succeeded;
            }
            catch (HubSpotApiException e) when (e.Status == 401)
            {
                Console.Error.WriteLine(AuthCommand.RefusedHint(e));
                return SyncCommand.ExitCodes.Unauthorized;
            }
        });
        return command;
    }

    private static Command CreateAudit()
    {
        var email = new Option<string?>("--email") { Description = "Say which entries are about this email (it is hashed with each entry's salt, never stored or printed)", HelpName = "EMAIL" };
        var audit = AuditOption();
        var command = new Command("audit", "List the GDPR delete audit entries, or prove which are about an email");
        command.Options.Add(email);
        command.Options.Add(audit);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var log = new GdprAuditLog(parse.GetValue(audit) ?? DefaultAudit);
            if (!File.Exists(log.Path))
            {
                Console.Error.WriteLine($"{log.Path}: no audit log there. Give the log's --audit PATH.");
                return SyncCommand.ExitCodes.BadInput;
            }

            var given = parse.GetValue(email);
            if (given is not null)
            {
                try
                {
                    GdprSubject.ByEmail(given);
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine("--email: " + e.Message.Split(" (Parameter", 2)[0]);
                    return SyncCommand.ExitCodes.BadInput;
                }
            }

            var entries = given is null
                ? await log.ListAsync(cancellationToken).ConfigureAwait(false)
                : await log.MatchAsync(given, cancellationToken).ConfigureAwait(false);
            foreach (var e in entries)
            {
                var rows = e.MirrorRows.Count == 0 ? "nothing" : string.Join(", ", e.MirrorRows.Select(r => $"{r.Value} from {r.Key}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"#{e.EntryId} {e.PerformedAt:u} portal {e.PortalId} {e.ObjectType} [{string.Join(", ", e.RecordIds)}]: {e.HubSpotOutcome} Mirror {e.Mirror}: {rows} removed.{(e.HasEmailHash ? "" : " (no email hash)")}"));
            }

            if (given is not null)
            {
                Console.WriteLine(entries.Count == 0
                    ? "No entry is about the email given."
                    : $"{entries.Count} entr{(entries.Count == 1 ? "y is" : "ies are")} about the email given: {string.Join(", ", entries.Select(e => "#" + e.EntryId))}.");
            }
            else if (entries.Count == 0)
            {
                Console.WriteLine("The audit log has no entries.");
            }

            return SyncCommand.ExitCodes.Succeeded;
        });
        return command;
    }
}
