using System.CommandLine;
using Spoke.Cli.Emulator;
using Spoke.Cli.Webhooks;

var root = new RootCommand("spoke: the .NET toolkit for HubSpot CRM integrations");
root.Subcommands.Add(EmulatorCommand.Create());
root.Subcommands.Add(WebhooksCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
