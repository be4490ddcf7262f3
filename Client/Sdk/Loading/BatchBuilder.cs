using System.Buffers;
using System.Text.Json;

namespace Optimus.Client.Loading;

/// <summary>Writes the entries of one table's shard into a batch body, <c>[{"key":..,"value":..}, ...]</c>, until it is full.</summary>
#pragma warning disable CA1001 // a JSON writer over an in-memory buffer holds nothing that needs disposing; Take disposes it anyway
internal sealed class BatchBuilder(string table, int shard)
#pragma warning restore CA1001
{
    private ArrayBufferWriter<byte>? _buffer;
    private Utf8JsonWriter? _writer;
    private int _sequence;

    public int Count { get; private set; }

    public long Bytes => _writer is null ? 0 : _writer.BytesCommitted + _writer.BytesPending;

    /// <summary>Appends one entry, its key in UTF-8; <paramref name="json"/> is one JSON value, without surrounding whitespace.</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> json)
    {
        if (_writer is null)
        {
            _buffer = new ArrayBufferWriter<byte>(64 * 1024);
            _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
            _writer.WriteStartArray();
        }

        _writer.WriteStartObject();
        _writer.WriteString("key"u8, key);
        _writer.WritePropertyName("value"u8);
        _writer.WriteRawValue(json, skipInputValidation: true); // exactly these bytes: the checksum covers them
        _writer.WriteEndObject();
        Count++;
    }

    /// <summary>The batch so far, numbered <paramref name="number"/>; the builder starts afresh.</summary>
    public Batch Take(int number)
    {
        var writer = _writer!;
        writer.WriteEndArray();
        writer.Flush();
        var batch = new Batch(table, shard, _sequence++, number, Count, _buffer!.WrittenMemory);
        writer.Dispose();
        _writer = null;
        _buffer = null;
        Count = 0;
        return batch;
    }
}
