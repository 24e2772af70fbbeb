using System.CommandLine;
using Spoke.Cli.Emulator;
using Spoke.Cli.Webhooks;

var root = new RootCommand("spoke: the .NET toolkit for HubSpot CRM integrations");
root.Subcommands.Add(EmulatorCommand.Create());
root.Subcommands.Add(WebhooksCommand.Create());
// Ctrl+C and SIGTERM cancel the command; it then has this long to stop its servers cleanly before the process is ended
// with 130/143 (System.CommandLine's default of 2 s is too short for a loaded machine).
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
