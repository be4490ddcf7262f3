using System.Runtime.CompilerServices;
using Optimus.Client;

namespace Optimus.Cli.Input;

/// <summary>
/// Reads CSV with a header: the key from <c>--key-column</c> (default <c>key</c>), the value from <c>--value-column</c>
/// (default <c>value</c> when the header has it), or else every other column as a JSON object.
/// </summary>
internal static class CsvReader
{
    public static async IAsyncEnumerable<TableEntry> ReadAsync(
        InputFile file, string keyColumn, string? valueColumn, ValueMode mode, InputErrors errors, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var values = new ValueEncoder(mode);
        List<string>? header = null;
        int keyIndex = -1, valueIndex = -1;
        await foreach (var record in CsvRecords.ReadAsync(InputLines.ReadAsync(file, cancellationToken)))
        {
            if (header is null)
            {
                header = record.Fields ?? throw new InputRejectedException($"{file.Name}:{record.Line}: the header cannot be read: {record.Problem}");
                keyIndex = header.IndexOf(keyColumn);
                valueIndex = valueColumn is null ? header.IndexOf("value") : header.IndexOf(valueColumn);
                if (keyIndex < 0 || (valueColumn is not null && valueIndex < 0))
                {
                    throw new InputRejectedException(
                        $"{file.Name}:{record.Line}: the header ({string.Join(",", header)}) has no column '{(keyIndex < 0 ? keyColumn : valueColumn)}'; name it with --key-column/--value-column.");
                }

                continue;
            }

            if (record.Fields is not { } fields)
            {
                errors.Add(file.Name, record.Line, record.Problem!);
                continue;
            }

            if (fields.Count != header.Count)
            {
                errors.Add(file.Name, record.Line, $"{fields.Count} fields where the header has {header.Count}");
                continue;
            }

            var problem = EntryProblem.OfKey(fields[keyIndex]);
            var json = problem is not null ? null
                : valueIndex >= 0 ? values.Encode(fields[valueIndex], out problem)
                : values.EncodeObject(header, fields, keyIndex);
            problem ??= json is { } encoded ? EntryProblem.OfValue(encoded) : null;
            if (problem is not null || json is not { } value)
            {
                errors.Add(file.Name, record.Line, problem!);
                continue;
            }

            yield return new TableEntry(file.Table, fields[keyIndex], value);
        }
    }
}
