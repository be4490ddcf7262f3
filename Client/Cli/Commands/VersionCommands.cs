using System.CommandLine;
using Optimus.Cli.Output;
using Optimus.Grains;

namespace Optimus.Cli.Commands;

/// <summary><c>optimus versions list|show|save|publish|discard</c>, and <c>optimus rollback</c>.</summary>
internal static class VersionCommands
{
    public static Command Build(CliContext context)
    {
        var command = new Command("versions", "List, show, save, publish and discard versions");
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Show(context));
        command.Subcommands.Add(Save(context));
        command.Subcommands.Add(Publish(context));
        command.Subcommands.Add(Discard(context));
        return command;
    }

    public static Command Rollback(CliContext context)
    {
        var dataset = new Argument<string>("dataset") { Description = "The dataset" };
        var command = new Command("rollback", "Publish again the version that was active before the current one") { dataset };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            Show(context, parse, await client.RollbackAsync(parse.GetValue(dataset)!, cancellationToken));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var dataset = new Argument<string>("dataset") { Description = "The dataset" };
        var command = new Command("list", "List a dataset's versions, newest first") { dataset };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            var versions = new List<VersionInfo>();
            await foreach (var version in client.ListVersionsAsync(parse.GetValue(dataset)!, cancellationToken))
            {
                versions.Add(version);
            }

            context.PrintAll(parse, versions, OptimusJsonContext.Default.VersionInfo, Render.Versions);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var version = VersionArgument();
        var command = new Command("show", "Show a version: status, tables' counts and checksums, history") { version };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            Show(context, parse, await client.GetVersionAsync(parse.GetValue(version)!, cancellationToken));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Save(CliContext context)
    {
        var version = VersionArgument();
        var expect = new Option<string[]>("--expect")
        {
            Description = "What a table must hold, TABLE=ENTRIES:CHECKSUM (as `optimus load` prints it); repeat for several",
        };
        var command = new Command("save", "Seal a draft, verify it, and wait for the verdict (SAVED or FAILED)") { version, expect };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            var expected = parse.GetValue(expect) is { Length: > 0 } specs ? specs.ToDictionary(s => Table(s), Stats, StringComparer.Ordinal) : null;
            Show(context, parse, await client.SaveAsync(parse.GetValue(version)!, expected, cancellationToken: cancellationToken));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Publish(CliContext context)
    {
        var version = VersionArgument();
        var command = new Command("publish", "Make a saved version the active one, for all tables at once") { version };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            Show(context, parse, await client.PublishAsync(parse.GetValue(version)!, cancellationToken));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Discard(CliContext context)
    {
        var version = VersionArgument();
        var reason = new Option<string?>("--reason") { Description = "Why, for the version's history" };
        var command = new Command("discard", "Give a version up; its data is deleted") { version, reason };
        command.SetAction(context.Run(async (client, parse, cancellationToken) =>
        {
            Show(context, parse, await client.DiscardAsync(parse.GetValue(version)!, parse.GetValue(reason), cancellationToken));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Argument<string> VersionArgument() => new("version") { Description = "The version id, DATASET@N" };

    private static string Table(string spec) => spec.Split('=', 2) is [{ Length: > 0 } table, _] ? table : throw Malformed(spec);

    private static TableStats Stats(string spec)
    {
        var parts = spec.Split('=', 2) is [_, var stats] ? stats.Split(':') : [];
        return parts is [var entries, var checksum] && long.TryParse(entries, out var count) && EntryChecksum.TryParse(checksum, out _)
            ? new TableStats(count, checksum.ToLowerInvariant())
            : throw Malformed(spec);
    }

    private static FormatException Malformed(string spec) => new($"--expect takes TABLE=ENTRIES:CHECKSUM (16 hex digits); '{spec}' is not of that form.");

    private static void Show(CliContext context, ParseResult parse, VersionInfo version) =>
        context.Print(parse, version, OptimusJsonContext.Default.VersionInfo, Render.Version);
}
