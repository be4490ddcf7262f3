using System.Buffers;
using System.Runtime.CompilerServices;

namespace Optimus.Client.Loading;

/// <summary>
/// Writes the entries of one table's shard into a batch body, <c>[{"key":..,"value":..}, ...]</c>, until it is full.
/// The framing is written here, not by a JSON writer: it is the same few bytes around every entry, and the key is the
/// only text that may need escaping. The body is an array rented from the load's pool, sized from the largest body
/// so far, so that a load does not allocate (and collect) a large array and its doublings for every batch;
/// <see cref="Batch.Release"/> gives it back once the service has acknowledged the batch.
/// </summary>
internal sealed class BatchBuilder(string table, int shard, ArrayPool<byte> bodies)
{
    private const int FirstBodyBytes = 64 * 1024;
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();
    private byte[]? _body;
    private int _length;
    private int _sequence;
    private int _largest = FirstBodyBytes;

    public int Count { get; private set; }

    public long Bytes => _length;

    /// <summary>
    /// At most how many bytes an entry adds to a body: every key byte escaped as <c>\u00XX</c>, the value as it is, the
    /// framing around it (20 bytes) and the array's closing bracket, with room to spare.
    /// </summary>
    public static int MostBytes(int keyBytes, int jsonBytes) => (keyBytes * 6) + jsonBytes + 32;

    /// <summary>Appends one entry, its key in UTF-8; <paramref name="json"/> is one JSON value, without surrounding whitespace.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per entry: see Loader.Add
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> json)
    {
        var body = Reserve(MostBytes(key.Length, json.Length));
        body[_length++] = Count == 0 ? (byte)'[' : (byte)',';
        Append(body, "{\"key\":\""u8);
        foreach (var b in key)
        {
            if (b is < 0x20 or (byte)'"' or (byte)'\\')
            {
                Escape(body, b);
            }
            else
            {
                body[_length++] = b;
            }
        }

        Append(body, "\",\"value\":"u8);
        Append(body, json); // exactly these bytes: the checksum covers them
        body[_length++] = (byte)'}';
        Count++;
    }

    /// <summary>The batch so far, numbered <paramref name="number"/>; the builder starts afresh.</summary>
    public Batch Take(int number)
    {
        var body = Reserve(1);
        body[_length++] = (byte)']';
        _largest = Math.Max(_largest, _length);
        var batch = new Batch(table, shard, _sequence++, number, Count, bodies, body, _length);
        _body = null;
        _length = 0;
        Count = 0;
        return batch;
    }

    private byte[] Reserve(int bytes)
    {
        if (_body is null)
        {
            _body = bodies.Rent(Math.Max(_largest, bytes));
        }
        else if (_body.Length - _length < bytes)
        {
            var grown = bodies.Rent(Math.Max(_body.Length * 2, _length + bytes));
            _body.AsSpan(0, _length).CopyTo(grown);
            bodies.Return(_body);
            _body = grown;
        }

        return _body;
    }

    private void Append(byte[] body, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(body.AsSpan(_length));
        _length += bytes.Length;
    }

    // What JSON requires escaped in a string: the quote, the backslash and the control characters.
    private void Escape(byte[] body, byte b)
    {
        body[_length++] = (byte)'\\';
        switch (b)
        {
            case (byte)'"' or (byte)'\\':
                body[_length++] = b;
                break;
            case (byte)'\n':
                body[_length++] = (byte)'n';
                break;
            case (byte)'\r':
                body[_length++] = (byte)'r';
                break;
            case (byte)'\t':
                body[_length++] = (byte)'t';
                break;
            default:
                Append(body, "u00"u8);
                body[_length++] = Hex[b >> 4];
                body[_length++] = Hex[b & 0xF];
                break;
        }
    }
}
