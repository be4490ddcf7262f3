using System.Runtime.CompilerServices;
using System.Text;

namespace Optimus.Cli.Input;

/// <summary>
/// Splits CSV text into records of fields (RFC 4180: fields in double quotes may hold commas, doubled quotes and line
/// breaks), each with the number of the line it starts on. A record that cannot be split is yielded with its problem.
/// </summary>
internal static class CsvRecords
{
    public readonly record struct Record(long Line, List<string>? Fields, string? Problem);

    public static async IAsyncEnumerable<Record> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var number = 0L;
        var text = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            var start = number;
            text.Clear().Append(line);
            while (!Balanced(text) && await reader.ReadLineAsync(cancellationToken) is { } next)
            {
                number++;
                text.Append('\n').Append(next); // a quoted field goes on over a line break
            }

            if (text.Length == 0)
            {
                continue;
            }

            yield return Split(text.ToString(), start);
        }
    }

    private static bool Balanced(StringBuilder text)
    {
        var quotes = 0;
        foreach (var chunk in text.GetChunks())
        {
            quotes += chunk.Span.Count('"');
        }

        return quotes % 2 == 0;
    }

    private static Record Split(string record, long line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < record.Length && record[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= record.Length)
                    {
                        return new Record(line, null, "a quoted field is not closed");
                    }

                    if (record[i] == '"')
                    {
                        if (i + 1 < record.Length && record[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(record[i++]);
                }

                if (i < record.Length && record[i] != ',')
                {
                    return new Record(line, null, $"text after a closing quote at column {i + 1}");
                }
            }
            else
            {
                var end = record.IndexOf(',', i);
                field.Append(record, i, (end < 0 ? record.Length : end) - i);
                i = end < 0 ? record.Length : end;
            }

            fields.Add(field.ToString());
            if (i >= record.Length)
            {
                return new Record(line, fields, null);
            }

            i++; // the comma
        }
    }
}
