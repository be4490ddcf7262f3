using System.CommandLine;
using Optimus.Cli.Output;
using Optimus.Grains;

namespace Optimus.Cli.Commands;

/// <summary><c>optimus datasets create|list|show</c>.</summary>
internal static class DatasetCommands
{
    public static Command Build(CliContext context)
    {
        var command = new Command("datasets", "Create, list and show datasets");
        command.Subcommands.Add(Create(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Show(context));
        return command;
    }

    private static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The dataset's name: letters, digits, '.', '_', '-'" };
        var tables = new Option<string[]>("--table", "-t") { Description = "A table of the dataset (repeat for several)", Required = true };
        var keep = new Option<int?>("--keep-versions") { Description = "Saved versions to keep besides the active one (default 10)" };
        var command = new Command("create", "Create a dataset with its tables") { name, tables, keep };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            var dataset = await client.CreateDatasetAsync(parse.GetValue(name)!, parse.GetValue(tables)!, parse.GetValue(keep), cancellationToken);
            context.Print(parse, dataset, OptimusJsonContext.Default.DatasetInfo, Render.Dataset);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List every dataset");
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            var datasets = new List<DatasetInfo>();
            await foreach (var dataset in client.ListDatasetsAsync(cancellationToken))
            {
                datasets.Add(dataset);
            }

            context.PrintAll(parse, datasets, OptimusJsonContext.Default.DatasetInfo, Render.Datasets);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The dataset" };
        var command = new Command("show", "Show a dataset: tables, retention, active and recent versions") { name };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            context.Print(parse, await client.GetDatasetAsync(parse.GetValue(name)!, cancellationToken), OptimusJsonContext.Default.DatasetInfo, Render.Dataset);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
