using System.Runtime.CompilerServices;
using Optimus.Client;

namespace Optimus.Cli.Input;

/// <summary>Reads <c>key&lt;TAB&gt;value</c> lines; blank lines are skipped, a line without a tab is malformed.</summary>
internal static class TsvReader
{
    public static async IAsyncEnumerable<TableEntry> ReadAsync(
        InputFile file, ValueMode mode, InputErrors errors, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var values = new ValueEncoder(mode);
        await foreach (var (number, line) in InputLines.ReadAsync(file, cancellationToken))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
            {
                errors.Add(file.Name, number, "no tab: expected key<TAB>value");
                continue;
            }

            if (tab == 0)
            {
                errors.Add(file.Name, number, "the key is empty");
                continue;
            }

            var problem = EntryProblem.OfKey(line.AsSpan(0, tab));
            var json = problem is null ? values.Encode(line.AsSpan(tab + 1), out problem) : null;
            problem ??= json is { } encoded ? EntryProblem.OfValue(encoded) : null;
            if (problem is not null || json is not { } value)
            {
                errors.Add(file.Name, number, problem!);
                continue;
            }

            yield return new TableEntry(file.Table, line[..tab], value);
        }
    }
}
