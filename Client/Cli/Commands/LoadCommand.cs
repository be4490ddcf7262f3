using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using Optimus.Cli.Input;
using Optimus.Cli.Output;
using Optimus.Client;
using Optimus.Grains;
using Spectre.Console;

namespace Optimus.Cli.Commands;

/// <summary>
/// <c>optimus load</c>: reads files into the tables of a new draft (or an existing one, to resume), with progress,
/// then optionally saves — the server verifying the counts and checksums the load computed — and publishes. A load
/// that fails discards the draft it created, unless <c>--keep</c>.
/// </summary>
internal static class LoadCommand
{
    private const int MaxReasonLength = 1000; // the service keeps reasons of at most 1,024 characters

    public static Command Build(CliContext context)
    {
        var options = new LoadOptionsBinder();
        var command = new Command("load", "Load files into a dataset's tables, then optionally save and publish");
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(context.Run((client, parse, cancellationToken) => RunAsync(context, options, client, parse, cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, LoadOptionsBinder options, OptimusClient client, ParseResult parse, CancellationToken cancellationToken)
    {
        var format = parse.GetValue(options.Format);
        var files = parse.GetValue(options.Tables)!.Select(spec => InputFile.Parse(spec, format)).ToList();
        var dataset = parse.GetValue(options.Dataset)!;
        var load = new LoadOptions
        {
            MaxBatchEntries = parse.GetValue(options.BatchSize),
            Parallelism = parse.GetValue(options.Parallel),
            KeysAreUnique = parse.GetValue(options.UniqueKeys),
        };

        var (version, created) = await OpenVersionAsync(client, options, parse, dataset, files, cancellationToken);
        var errors = new InputErrors(parse.GetValue(options.MaxErrors), context.Error.Profile.Out.Writer);
        LoadSummary summary;
        var status = VersionStatus.AwaitingEntries;
        try
        {
            var entries = ReadAll(files, parse, options, errors, cancellationToken);
            summary = await new LoadDisplay(context.Error, files, parse.GetValue(options.Quiet))
                .RunAsync(progress => client.LoadAsync(version, entries, load, progress, cancellationToken));
            if (parse.GetValue(options.Save) || parse.GetValue(options.Publish))
            {
                status = (await client.SaveAsync(version, summary.Tables, cancellationToken: cancellationToken)).Status;
            }
        }
        catch (Exception exception) when (created && !parse.GetValue(options.Keep) && exception is not VersionFailedException)
        {
            await DiscardAsync(context, client, version, exception); // a FAILED version stays, to be looked at; it can never be published
            throw;
        }

        if (parse.GetValue(options.Publish))
        {
            status = (await client.PublishAsync(version, cancellationToken)).Status; // if this fails, the saved version stays for a retry
        }

        Report(context, parse, summary, errors.Count, status);
        return ExitCodes.Ok;
    }

    private static async Task<(string Version, bool Created)> OpenVersionAsync(
        OptimusClient client, LoadOptionsBinder options, ParseResult parse, string dataset, List<InputFile> files, CancellationToken cancellationToken)
    {
        if (parse.GetValue(options.Version) is { } existing)
        {
            var info = await client.GetVersionAsync(existing, cancellationToken);
            if (info.Dataset != dataset)
            {
                throw new OptimusException(ProblemCodes.VersionDatasetMismatch, $"Version {info.Id} belongs to dataset '{info.Dataset}', not '{dataset}'.");
            }

            return (info.Id, false);
        }

        var expected = parse.GetValue(options.ExpectedEntries) ?? await EstimateEntriesAsync(files, cancellationToken);
        var created = await client.CreateVersionAsync(dataset, parse.GetValue(options.Label), expected, cancellationToken);
        return (created.Id, true);
    }

    private static async IAsyncEnumerable<TableEntry> ReadAll(
        List<InputFile> files, ParseResult parse, LoadOptionsBinder options, InputErrors errors, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var values = parse.GetValue(options.Values);
        foreach (var file in files)
        {
            var entries = file.Format switch
            {
                InputFormat.Tsv => TsvReader.ReadAsync(file, values, errors, cancellationToken),
                InputFormat.Csv => CsvReader.ReadAsync(file, parse.GetValue(options.KeyColumn)!, parse.GetValue(options.ValueColumn), values, errors, cancellationToken),
                _ => JsonLinesReader.ReadAsync(file, errors, cancellationToken),
            };
            await foreach (var entry in entries)
            {
                yield return entry;
            }
        }
    }

    // Lines in all, from the average line length of each file's first 64 KiB; null when a file is compressed.
    private static async Task<long?> EstimateEntriesAsync(List<InputFile> files, CancellationToken cancellationToken)
    {
        var total = 0L;
        foreach (var file in files)
        {
            var buffer = new byte[64 * 1024];
            await using var stream = File.OpenRead(file.Path);
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            if (read >= 2 && buffer[0] == 0x1f && buffer[1] == 0x8b)
            {
                return null;
            }

            var lines = buffer.AsSpan(0, read).Count((byte)'\n');
            total += lines == 0 ? 1 : file.Length * lines / read;
        }

        return total;
    }

    private static async Task DiscardAsync(CliContext context, OptimusClient client, string version, Exception cause)
    {
        var reason = $"the load failed: {cause.Message}";
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await client.DiscardAsync(version, reason[..Math.Min(reason.Length, MaxReasonLength)], patience.Token);
            context.Note($"discarded {version} (keep a failed load's draft with --keep)");
        }
        catch (Exception exception) when (exception is OptimusException or OperationCanceledException)
        {
            context.Note($"could not discard {version}: {exception.Message} (the janitor fails abandoned drafts)");
        }
    }

    private static void Report(CliContext context, ParseResult parse, LoadSummary summary, int malformed, VersionStatus status)
    {
        var report = new LoadReport(
            summary.Version, VersionStatusNames.Of(status), summary.Entries, summary.NewEntries, summary.Bytes, summary.Elapsed.TotalSeconds, malformed, summary.Tables);
        context.Print(parse, report, CliJsonContext.Default.LoadReport, (console, r) =>
        {
            var culture = CultureInfo.InvariantCulture;
            console.Profile.Out.Writer.WriteLine(string.Create(culture,
                $"Loaded {r.Entries:N0} entries ({r.Bytes / 1048576.0:N1} MiB) into {r.Version} in {r.Seconds:N1} s: {summary.EntriesPerSecond:N0} entries/s; {r.NewEntries:N0} new, {r.MalformedLines:N0} malformed line(s) skipped."));
            var table = new Table().AddColumns("Table", "Distinct keys", "Checksum");
            foreach (var (name, stats) in r.Tables.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                table.AddRow(new Text(name), new Text(stats.Entries.ToString("N0", culture)), new Text(stats.Checksum));
            }

            console.Write(table);
            console.Profile.Out.Writer.WriteLine($"Version {r.Version}: {r.Status}");
        });
    }
}
