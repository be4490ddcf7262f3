using System.CommandLine;
using Optimus.Cli.Commands;
using Spectre.Console;

namespace Optimus.Cli;

/// <summary>The <c>optimus</c> command line: its commands, wired to the SDK, run with the given consoles.</summary>
internal static class OptimusCli
{
    public static Task<int> RunAsync(string[] args, IAnsiConsole output, IAnsiConsole error, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(output, error);
        var root = new RootCommand($"optimus: load, publish and read Optimus datasets. {ExitCodes.Help}");
        root.Options.Add(context.Server);
        root.Options.Add(context.Json);
        root.Subcommands.Add(DatasetCommands.Build(context));
        root.Subcommands.Add(VersionCommands.Build(context));
        root.Subcommands.Add(VersionCommands.Rollback(context));
        root.Subcommands.Add(GetCommand.Build(context));
        root.Subcommands.Add(LoadCommand.Build(context));
        return root.Parse(args).InvokeAsync(
            new InvocationConfiguration
            {
                Output = output.Profile.Out.Writer,
                Error = error.Profile.Out.Writer,
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30), // Ctrl+C: time for a failed load to discard its draft
            },
            cancellationToken);
    }
}
