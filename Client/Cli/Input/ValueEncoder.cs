using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Optimus.Client;

namespace Optimus.Cli.Input;

/// <summary>
/// Turns the text of a field into an entry's JSON value, in one buffer reused for every line (the loader copies the
/// value before it asks for the next entry).
/// </summary>
internal sealed class ValueEncoder(ValueMode mode) : IDisposable
{
    // Readable JSON as stored: non-ASCII text stays as it is (quotes and control characters are still escaped).
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer = new(Stream.Null, WriterOptions);

    /// <summary>The JSON value of <paramref name="text"/> by the mode; null (with the problem) when the mode requires JSON and it is not.</summary>
    public ReadOnlyMemory<byte>? Encode(ReadOnlySpan<char> text, out string? problem)
    {
        problem = null;
        if (mode != ValueMode.String)
        {
            _buffer.ResetWrittenCount();
            var written = Encoding.UTF8.GetBytes(text, _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
            _buffer.Advance(written);
            if (JsonText.IsValue(_buffer.WrittenSpan))
            {
                return _buffer.WrittenMemory;
            }

            if (mode == ValueMode.Json)
            {
                problem = "the value is not JSON (use --values string or auto to load it as a string)";
                return null;
            }
        }

        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStringValue(text);
        _writer.Flush();
        return _buffer.WrittenMemory;
    }

    /// <summary>A JSON object of the named fields: those that read as JSON numbers become numbers, the rest strings.</summary>
    public ReadOnlyMemory<byte> EncodeObject(IReadOnlyList<string> names, IReadOnlyList<string> fields, int skip)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        for (var i = 0; i < names.Count; i++)
        {
            if (i == skip)
            {
                continue;
            }

            _writer.WritePropertyName(names[i]);
            if (IsNumber(fields[i]))
            {
                _writer.WriteRawValue(fields[i], skipInputValidation: true);
            }
            else
            {
                _writer.WriteStringValue(fields[i]);
            }
        }

        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenMemory;
    }

    public void Dispose() => _writer.Dispose();

    private static bool IsNumber(string field) =>
        field.Length > 0 && (char.IsAsciiDigit(field[0]) || (field[0] == '-' && field.Length > 1)) && JsonText.IsValue(Encoding.UTF8.GetBytes(field));
}
