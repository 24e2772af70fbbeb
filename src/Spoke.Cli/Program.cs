using System.CommandLine;
using Spoke.Cli.Emulator;
using Spoke.Cli.Sync;
using Spoke.Cli.Webhooks;

var root = new RootCommand("spoke: the .NET toolkit for HubSpot CRM integrations");
root.Subcommands.Add(SyncCommand.Create());
root.Subcommands.Add(EmulatorCommand.Create());
root.Subcommands.Add(WebhooksCommand.Create());
// The commands stop their hosts on the cancellation token (Kestrel waits up to 5 s for requests in flight), which
// can take longer than System.CommandLine's default 2 s on a busy machine; past this it exits with 130/143 anyway.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
