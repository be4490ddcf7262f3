using System.CommandLine;
using Optimus.Cli.Input;

namespace Optimus.Cli.Commands;

/// <summary>The options of <c>optimus load</c>, declared once and read back from a parse.</summary>
internal sealed class LoadOptionsBinder
{
    public Option<string> Dataset { get; } = new("--dataset", "-d") { Description = "The dataset to load into", Required = true };

    public Option<string[]> Tables { get; } = new("--table", "-t")
    {
        Description = "TABLE=FILE: load FILE into TABLE (repeat for several tables); .tsv, .csv, .jsonl, each optionally .gz",
        Required = true,
    };

    public Option<string?> Version { get; } = new("--version", "-v")
    {
        Description = "Load into this existing draft instead of a new one: resumes a load (what already arrived counts once); kept if the load fails",
    };

    public Option<string?> Label { get; } = new("--label") { Description = "A label for the new version" };

    public Option<long?> ExpectedEntries { get; } = new("--expected-entries") { Description = "Entries expected in all (sizes the version's shards; estimated from the files otherwise)" };

    public Option<bool> Save { get; } = new("--save") { Description = "Save once loaded: the server verifies the counts and checksums the load computed" };

    public Option<bool> Publish { get; } = new("--publish") { Description = "Save, then publish: every table becomes visible at once" };

    public Option<bool> Keep { get; } = new("--keep") { Description = "Keep the new draft when the load fails (by default it is discarded)" };

    public Option<int> MaxErrors { get; } = new("--max-errors") { Description = "Malformed lines to skip (each is reported) before giving up", DefaultValueFactory = _ => 0 };

    public Option<InputFormat> Format { get; } = new("--format") { Description = "The files' format; by default from their extensions", DefaultValueFactory = _ => InputFormat.Auto };

    public Option<ValueMode> Values { get; } = new("--values")
    {
        Description = "TSV and CSV values: auto (JSON if it parses, else a string), json (must be JSON), string (always a string)",
        DefaultValueFactory = _ => ValueMode.Auto,
    };

    public Option<string> KeyColumn { get; } = new("--key-column") { Description = "CSV: the key's column", DefaultValueFactory = _ => "key" };

    public Option<string?> ValueColumn { get; } = new("--value-column") { Description = "CSV: the value's column (default 'value' if there is one; else the other columns as a JSON object)" };

    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Entries per request (at most 10,000)", DefaultValueFactory = _ => 5_000 };

    public Option<int> Parallel { get; } = new("--parallel") { Description = "Requests in flight at once", DefaultValueFactory = _ => 4 };

    public Option<bool> UniqueKeys { get; } = new("--unique-keys") { Description = "Promise no key repeats within a table: saves the loader's memory (a broken promise fails the save)" };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress display" };

    public IEnumerable<Option> All => [Dataset, Tables, Version, Label, ExpectedEntries, Save, Publish, Keep, MaxErrors, Format, Values, KeyColumn, ValueColumn, BatchSize, Parallel, UniqueKeys, Quiet];
}
