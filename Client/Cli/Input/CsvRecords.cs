using System.Text;

namespace Optimus.Cli.Input;

/// <summary>
/// Splits CSV lines into records of fields (RFC 4180: fields in double quotes may hold commas, doubled quotes and line
/// breaks), each with the number of the line it starts on. A record that cannot be split is yielded with its problem.
/// Blank lines between records are skipped.
/// </summary>
internal static class CsvRecords
{
    public readonly record struct Record(long Line, List<string>? Fields, string? Problem);

    // A quoted field may run over line breaks, but not without end: past this, the record is reported and dropped.
    private const int MaxRecordChars = 4 << 20;

    public static async IAsyncEnumerable<Record> ReadAsync(IAsyncEnumerable<(long Number, string Text)> lines)
    {
        var text = new StringBuilder();
        var start = 0L;
        var inQuotes = false;
        await foreach (var (number, line) in lines)
        {
            if (text.Length == 0)
            {
                start = number;
            }
            else
            {
                text.Append('\n'); // inside a quoted field, the line break is part of the value
            }

            text.Append(line);
            inQuotes = StillQuoted(line, inQuotes);
            if (inQuotes)
            {
                if (text.Length > MaxRecordChars)
                {
                    yield return new Record(start, null, $"a quoted field is not closed within {MaxRecordChars:N0} characters");
                    text.Clear();
                    inQuotes = false;
                }

                continue;
            }

            if (text.Length > 0)
            {
                yield return Split(text.ToString(), start);
            }

            text.Clear();
        }

        if (text.Length > 0)
        {
            yield return new Record(start, null, "a quoted field is not closed before the end of the file");
        }
    }

    // Whether a record is still inside a quoted field after this line. A quote opens a field only at its start ("a,"b"),
    // so a stray quote inside an unquoted field (5" screen) is text, as most CSV writers mean it.
    private static bool StillQuoted(string line, bool inQuotes)
    {
        var fieldStart = !inQuotes;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        i++; // an escaped quote
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
            }
            else if (c == ',')
            {
                fieldStart = true;
            }
            else
            {
                inQuotes = fieldStart && c == '"';
                fieldStart = false;
            }
        }

        return inQuotes;
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
