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
            Show(context, parse, dataset);
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

            if (parse.GetValue(context.Json))
            {
                datasets.ForEach(d => Render.Json(context.Out, d, OptimusJsonContext.Default.DatasetInfo));
            }
            else
            {
                Render.Datasets(context.Out, datasets);
            }

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
            Show(context, parse, await client.GetDatasetAsync(parse.GetValue(name)!, cancellationToken));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Show(CliContext context, ParseResult parse, DatasetInfo dataset)
    {
        if (parse.GetValue(context.Json))
        {
            Render.Json(context.Out, dataset, OptimusJsonContext.Default.DatasetInfo);
        }
        else
        {
            Render.Dataset(context.Out, dataset);
        }
    }
}
