using System.CommandLine;
using Spoke.Cli.Auth;
using Spoke.Cli.Emulator;
using Spoke.Cli.Export;
using Spoke.Cli.Gdpr;
using Spoke.Cli.Sync;
using Spoke.Cli.Webhooks;

var root = new RootCommand("spoke: the .NET toolkit for HubSpot CRM integrations");
root.Subcommands.Add(SyncCommand.Create());
root.Subcommands.Add(EmulatorCommand.Create());
root.Subcommands.Add(WebhooksCommand.Create());
root.Subcommands.Add(Spoke.Cli.Import.ImportCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(GdprCommand.Create());
root.Subcommands.Add(AuthCommand.Create());
// The commands stop their hosts on the cancellation token (Kestrel waits up to 5 s for requests in flight), which
// can take longer than System.CommandLine's default 2 s on a busy machine; past this it exits with 130/143 anyway.
// The default exception handler prints a stack trace: a login to fix (AuthException) gets its message only.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10), EnableDefaultExceptionHandler = false };
var parse = root.Parse(args);
if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
{
    // Bad input exits 2 on every command (System.CommandLine's own default is 1, which `spoke sync` uses for "a type
    // failed"), so a scheduler can tell a typo from a failed run.
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine($"Run `{string.Join(' ', ["spoke", .. CommandPath(parse.CommandResult), "--help"])}` for the options.");
    return 2;
}

try
{
    return await parse.InvokeAsync(invocation).ConfigureAwait(false);
}
catch (AuthException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
catch (OperationCanceledException)
{
    return 1;
}
catch (Exception e)
{
    // What System.CommandLine's default handler does.
    Console.Error.WriteLine($"Unhandled exception: {e}");
    return 1;
}

static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
{
    var names = new Stack<string>();
    for (var current = result; current.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
    {
        names.Push(current.Command.Name);
    }

    return names;
}
