using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Optimus.Client;

namespace Optimus.Cli.Input;

/// <summary>Reads JSON Lines, <c>{"key": "...", "value": any JSON}</c> per line; the value is kept exactly as written.</summary>
internal static class JsonLinesReader
{
    public static async IAsyncEnumerable<TableEntry> ReadAsync(InputFile file, InputErrors errors, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        await foreach (var (number, line) in InputLines.ReadAsync(file, cancellationToken))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            buffer.ResetWrittenCount();
            buffer.Advance(Encoding.UTF8.GetBytes(line, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length))));
            var problem = Parse(buffer.WrittenMemory, out var key, out var value);
            problem ??= EntryProblem.OfKey(key) ?? EntryProblem.OfValue(value);
            if (problem is not null)
            {
                errors.Add(file.Name, number, problem);
                continue;
            }

            yield return new TableEntry(file.Table, key!, value);
        }
    }

    private static string? Parse(ReadOnlyMemory<byte> line, out string? key, out ReadOnlyMemory<byte> value)
    {
        key = null;
        value = default;
        var found = false;
        try
        {
            var reader = new Utf8JsonReader(line.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "not a JSON object";
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                if (name == "key")
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return "\"key\" is not a string";
                    }

                    key = reader.GetString();
                }
                else
                {
                    reader.Skip();
                    if (name == "value")
                    {
                        value = line[start..(int)reader.BytesConsumed];
                        found = true;
                    }
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return "text after the JSON object";
            }
        }
        catch (InvalidOperationException exception)
        {
            return $"the key cannot be read: {exception.Message}"; // an escape that is not a character, such as a lone surrogate
        }
        catch (JsonException exception)
        {
            var message = exception.Message;
            var where = message.IndexOf(" LineNumber:", StringComparison.Ordinal); // the line is ours to name; the column is in the message
            return $"not valid JSON: {(where > 0 ? message[..where] : message)}";
        }

        return key is null ? "no \"key\"" : !found ? "no \"value\"" : null;
    }
}
