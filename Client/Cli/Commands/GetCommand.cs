using System.CommandLine;
using Optimus.Grains;

namespace Optimus.Cli.Commands;

/// <summary><c>optimus get DATASET TABLE KEY [--version V]</c>: the value's JSON on standard output, the versions on standard error.</summary>
internal static class GetCommand
{
    public static Command Build(CliContext context)
    {
        var dataset = new Argument<string>("dataset") { Description = "The dataset" };
        var table = new Argument<string>("table") { Description = "The table" };
        var key = new Argument<string>("key") { Description = "The key" };
        var version = new Option<string?>("--version", "-v") { Description = "Read this version instead of the active one" };
        var command = new Command("get", "Read one key: its JSON value from the active version, or from --version") { dataset, table, key, version };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            var read = await client.GetAsync(parse.GetValue(dataset)!, parse.GetValue(table)!, parse.GetValue(key)!, parse.GetValue(version), cancellationToken);
            if (!read.Found)
            {
                context.Problem($"version {read.Version} has no key '{read.Key}' in table '{parse.GetValue(table)}' [{ProblemCodes.KeyNotFound}]");
                return ExitCodes.Refused;
            }

            context.Out.Profile.Out.Writer.WriteLine(read.JsonText);
            context.Note($"read from {read.Version}; active: {read.ActiveVersion ?? "none"}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
