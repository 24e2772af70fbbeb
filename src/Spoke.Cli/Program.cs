using System.CommandLine;
using Spoke.Cli.Emulator;

var root = new RootCommand("spoke: the .NET toolkit for HubSpot CRM integrations");
root.Subcommands.Add(EmulatorCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
