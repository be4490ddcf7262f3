using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Optimus.Compare.Bench.Peers;

/// <summary>
/// One connection speaking Redis' protocol (RESP2), enough for the benchmark: commands are written into a buffer and
/// flushed together (pipelining), replies are read in order. Bulk strings come back as byte arrays, arrays as lists.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly ArrayBufferWriter<byte> _out = new(64 * 1024);
    private readonly byte[] _in = new byte[256 * 1024];
    private int _start;
    private int _end;

    private RespConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RespConnection> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        return new RespConnection(tcp);
    }

    /// <summary>Appends a command to the pipeline: an array of bulk strings.</summary>
    public void Write(params ReadOnlySpan<string> arguments)
    {
        Header('*', arguments.Length);
        foreach (var argument in arguments)
        {
            Header('$', Encoding.UTF8.GetByteCount(argument));
            _out.Advance(Encoding.UTF8.GetBytes(argument, _out.GetSpan(Encoding.UTF8.GetMaxByteCount(argument.Length))));
            Crlf();
        }
    }

    /// <summary>Appends <c>SET key value</c> with the value as raw bytes.</summary>
    public void WriteSet(string key, ReadOnlySpan<byte> value)
    {
        Header('*', 3);
        Header('$', 3);
        "SET"u8.CopyTo(_out.GetSpan(3));
        _out.Advance(3);
        Crlf();
        Header('$', Encoding.UTF8.GetByteCount(key));
        _out.Advance(Encoding.UTF8.GetBytes(key, _out.GetSpan(Encoding.UTF8.GetMaxByteCount(key.Length))));
        Crlf();
        Header('$', value.Length);
        value.CopyTo(_out.GetSpan(value.Length));
        _out.Advance(value.Length);
        Crlf();
    }

    public async Task FlushAsync()
    {
        await _stream.WriteAsync(_out.WrittenMemory);
        _out.ResetWrittenCount();
    }

    /// <summary>Sends one command and reads its reply.</summary>
    public async Task<object?> CallAsync(params string[] arguments)
    {
        Write(arguments);
        await FlushAsync();
        return await ReadAsync();
    }

    /// <summary>Reads the next reply: a string (simple), long (integer), byte[] (bulk), null, or a list (array); errors throw.</summary>
    public async Task<object?> ReadAsync()
    {
        var line = await ReadLineAsync();
        var kind = (char)line[0];
        var rest = line.AsSpan(1);
        switch (kind)
        {
            case '+':
                return Encoding.ASCII.GetString(rest);
            case '-':
                throw new InvalidOperationException($"Redis answered an error: {Encoding.ASCII.GetString(rest)}");
            case ':':
                return Number(rest);
            case '$':
                var length = Number(rest);
                if (length < 0)
                {
                    return null;
                }

                var bulk = new byte[length];
                await ReadExactlyAsync(bulk);
                await ReadLineAsync(); // the CRLF after the bulk
                return bulk;
            case '*':
                var count = Number(rest);
                if (count < 0)
                {
                    return null;
                }

                var items = new List<object?>((int)count);
                for (var i = 0; i < count; i++)
                {
                    items.Add(await ReadAsync());
                }

                return items;
            default:
                throw new InvalidDataException($"Not a RESP reply: '{kind}'.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private static long Number(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out long value, out _) ? value : throw new InvalidDataException("A RESP length or integer is not a number.");

    private void Header(char kind, long number)
    {
        var span = _out.GetSpan(24);
        span[0] = (byte)kind;
        Utf8Formatter.TryFormat(number, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        _out.Advance(written + 3);
    }

    private void Crlf()
    {
        "\r\n"u8.CopyTo(_out.GetSpan(2));
        _out.Advance(2);
    }

    private async Task<byte[]> ReadLineAsync()
    {
        while (true)
        {
            var newline = _in.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (newline >= 0)
            {
                var line = _in.AsSpan(_start, newline).ToArray();
                _start += newline + 2;
                return line;
            }

            await FillAsync();
        }
    }

    private async Task ReadExactlyAsync(byte[] target)
    {
        var copied = 0;
        while (copied < target.Length)
        {
            if (_start == _end)
            {
                await FillAsync();
            }

            var take = Math.Min(target.Length - copied, _end - _start);
            _in.AsSpan(_start, take).CopyTo(target.AsSpan(copied));
            _start += take;
            copied += take;
        }
    }

    private async Task FillAsync()
    {
        if (_start > 0)
        {
            _in.AsSpan(_start, _end - _start).CopyTo(_in);
            _end -= _start;
            _start = 0;
        }

        var read = await _stream.ReadAsync(_in.AsMemory(_end));
        _end += read > 0 ? read : throw new EndOfStreamException("Redis closed the connection.");
    }
}
