using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Networking;

/// <summary>
/// One TCP connection between two silos, or a client and its gateway, speaking the runtime's framed protocol:
/// <c>[u32 length][u8 kind][payload]</c>. The connecting side says hello (cluster id, who it is, which silo generation it
/// expects); the other side welcomes or refuses it. Then messages and pings flow both ways. Everything written goes
/// through one loop that writes every frame waiting and flushes once, so messages are batched under load. When the
/// connection ends, every message still queued is handed back as undeliverable.
/// </summary>
internal sealed partial class Connection : IAsyncDisposable
{
    private const int HeaderBytes = 5;
    private const int MaxFrameBytes = 64 << 20;
    private readonly Socket _socket;
    private readonly Channel<Outgoing> _outgoing = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _pings = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private readonly IConnectionOwner _owner;
    private readonly MessageCodec _codec;
    private readonly ILogger _logger;
    private NetworkStream? _stream;
    private PipeReader _input = null!; // set by Open, before anything reads or writes
    private PipeWriter _output = null!;
    private long _nextPing;
    private int _closed;
    private int _disposed;

    private Connection(Socket socket, IConnectionOwner owner, MessageCodec codec, ILogger logger)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _owner = owner;
        _codec = codec;
        _logger = logger;
    }

    /// <summary>Who is at the other end, once the handshake is done: a silo, or a client's gateway connection.</summary>
    public Hello? Peer { get; private set; }

    /// <summary>On the connecting side, once the handshake is done: the other side's welcome.</summary>
    public Welcome? Welcome { get; private set; }

    /// <summary>Completes when the handshake is done; faults when it failed.</summary>
    public Task Ready => _ready.Task;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> and says <paramref name="hello"/>.</summary>
    public static Connection Connect(string host, int port, Hello hello, IConnectionOwner owner, MessageCodec codec, ILogger logger, TimeSpan timeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var connection = new Connection(socket, owner, codec, logger);
        _ = connection.ConnectAsync(host, port, hello, timeout);
        return connection;
    }

    /// <summary>Serves a connection a peer opened: waits for its hello and lets the owner decide.</summary>
    public static Connection Accept(Socket socket, IConnectionOwner owner, MessageCodec codec, ILogger logger)
    {
        var connection = new Connection(socket, owner, codec, logger);
        connection.Open();
        _ = connection.ReadAsync(accepting: true);
        return connection;
    }

    /// <summary>Queues a message; false when the connection is closed (the caller then treats it as undeliverable).</summary>
    public bool Send(Message message) => _outgoing.Writer.TryWrite(new Outgoing(FrameKind.Message, message, 0));

    /// <summary>Sends a ping and waits for its pong; false on timeout or a closed connection.</summary>
    public async Task<bool> PingAsync(TimeSpan timeout)
    {
        var id = Interlocked.Increment(ref _nextPing);
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[id] = pong;
        try
        {
            await _ready.Task.WaitAsync(timeout);
            if (!_outgoing.Writer.TryWrite(new Outgoing(FrameKind.Ping, null, id)))
            {
                return false;
            }

            await pong.Task.WaitAsync(timeout);
            return true;
        }
        catch (Exception exception) when (exception is TimeoutException or IOException or SocketException or InvalidOperationException)
        {
            return false;
        }
        finally
        {
            _pings.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close(null);
        if (Interlocked.Exchange(ref _disposed, 1) == 0) // a silo forgets a dead peer's connection, and then closes them all
        {
            await _closing.CancelAsync();
            _closing.Dispose();
        }
    }

    public override string ToString() => Peer is { } peer ? $"connection to {peer}" : "connection (handshake pending)";

    private async Task ConnectAsync(string host, int port, Hello hello, TimeSpan timeout)
    {
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token))
            {
                connect.CancelAfter(timeout);
                await _socket.ConnectAsync(host, port, connect.Token);
            }

            Open();

            await WriteFrameAsync(FrameKind.Hello, w => hello.Write(w));
            await ReadAsync(accepting: false);
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Close(exception);
        }
    }

    // The streams exist once the socket is connected.
    private void Open()
    {
        _stream = new NetworkStream(_socket, ownsSocket: true);
        // An idle connection waits for data before it takes a block: a silo's thousand clients hold none of them.
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(
            SegmentPool.Shared, bufferSize: SegmentPool.BlockBytes, minimumReadSize: 4096, useZeroByteReads: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(SegmentPool.Shared, minimumBufferSize: SegmentPool.BlockBytes));
    }

    private async Task ReadAsync(bool accepting)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_closing.Token);
                var buffer = result.Buffer;
                while (TryReadFrame(ref buffer, out var kind, out var payload))
                {
                    await HandleAsync(kind, payload, accepting);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
#pragma warning disable CA1031 // whatever ends the read loop ends the connection, and is reported to its owner
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
        }

        Close(failure ?? new IOException($"The peer closed the {this}."));
    }

    private async ValueTask HandleAsync(FrameKind kind, ReadOnlySequence<byte> payload, bool accepting)
    {
        switch (kind)
        {
            case FrameKind.Hello when accepting && Peer is null:
                var hello = Hello.Read(payload);
                if (_owner.Admit(hello, out var welcome, out var refusal))
                {
                    Peer = hello;
                    await WriteFrameAsync(FrameKind.Welcome, welcome!.Write);
                    Start(); // from here on, only the write loop writes
                    _owner.Opened(this);
                }
                else
                {
                    await WriteFrameAsync(FrameKind.Refuse, w => w.WriteString(refusal));
                    throw new InvalidOperationException($"Refused a peer: {refusal}");
                }

                break;
            case FrameKind.Welcome when !accepting && Peer is null:
                Welcome = Welcome.Read(payload);
                Peer = new Hello(_owner.ClusterId, Welcome.Silo, Guid.Empty, null);
                Start();
                _owner.Opened(this);
                break;
            case FrameKind.Refuse when !accepting && Peer is null:
                throw new InvalidOperationException($"The peer refused the connection: {ReadString(payload)}");
            case FrameKind.Ping when Peer is not null:
                _outgoing.Writer.TryWrite(new Outgoing(FrameKind.Pong, null, BinaryPrimitives.ReadInt64LittleEndian(payload.FirstSpan.Length >= 8 ? payload.FirstSpan : payload.ToArray())));
                break;
            case FrameKind.Pong when Peer is not null:
                var id = BinaryPrimitives.ReadInt64LittleEndian(payload.FirstSpan.Length >= 8 ? payload.FirstSpan : payload.ToArray());
                if (_pings.TryGetValue(id, out var pong))
                {
                    pong.TrySetResult();
                }

                break;
            case FrameKind.Message when Peer is not null:
                _owner.Received(this, Read(payload));
                break;
            default:
                throw new InvalidDataException($"Unexpected frame {kind} on the {this}.");
        }
    }

    private Message Read(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return _codec.Read(payload.FirstSpan);
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        try
        {
            payload.CopyTo(rented);
            return _codec.Read(rented.AsSpan(0, (int)payload.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Start()
    {
        _ready.TrySetResult();
        _ = WriteLoopAsync();
    }

    // Writes every frame waiting, then flushes once: under load, many messages share one system call.
    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(_closing.Token))
            {
                while (_outgoing.Reader.TryRead(out var item))
                {
                    if (item.Kind == FrameKind.Message)
                    {
                        WriteMessage(item.Message!);
                    }
                    else
                    {
                        var span = _output.GetSpan(HeaderBytes + 8);
                        BinaryPrimitives.WriteUInt32LittleEndian(span, 9);
                        span[4] = (byte)item.Kind;
                        BinaryPrimitives.WriteInt64LittleEndian(span[HeaderBytes..], item.PingId);
                        _output.Advance(HeaderBytes + 8);
                    }
                }

                var flushed = await _output.FlushAsync(_closing.Token);
                if (flushed.IsCompleted)
                {
                    break;
                }
            }
        }
#pragma warning disable CA1031 // a write failure ends the connection, and is reported to its owner
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Close(exception);
        }
    }

    private void WriteMessage(Message message)
    {
        if (message.IsExpired(_codec.Now))
        {
            MessagingLog.Expired(_logger, message); // dropped at every hop, the wire included
            return;
        }

        EncodedMessage encoded;
        try
        {
            encoded = _codec.Encode(message);
        }
#pragma warning disable CA1031 // a message that cannot be written fails its own call, not the connection
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _owner.Undeliverable(message, exception);
            return;
        }

        using (encoded)
        {
            var span = _output.GetSpan(HeaderBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)(encoded.Length + 1));
            span[4] = (byte)FrameKind.Message;
            _output.Advance(HeaderBytes);
            encoded.CopyTo(_output); // the body straight from where it was serialized
        }
    }

    private async Task WriteFrameAsync(FrameKind kind, Action<WireWriter> body)
    {
        var scratch = new ArrayBufferWriter<byte>(256);
        body(new WireWriter(scratch));
        var span = _output.GetSpan(HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)(scratch.WrittenCount + 1));
        span[4] = (byte)kind;
        _output.Advance(HeaderBytes);
        _output.Write(scratch.WrittenSpan);
        await _output.FlushAsync(_closing.Token);
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out FrameKind kind, out ReadOnlySequence<byte> payload)
    {
        kind = default;
        payload = default;
        if (buffer.Length < HeaderBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        buffer.Slice(0, HeaderBytes).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length is 0 or > MaxFrameBytes)
        {
            throw new InvalidDataException($"A frame of {length} bytes is outside the protocol's limits.");
        }

        if (buffer.Length < 4 + length)
        {
            return false;
        }

        kind = (FrameKind)header[4];
        payload = buffer.Slice(HeaderBytes, length - 1);
        buffer = buffer.Slice(4 + length);
        return true;
    }

    private static string ReadString(ReadOnlySequence<byte> payload)
    {
        var bytes = payload.ToArray();
        return new WireReader(bytes).ReadString() ?? "";
    }

    private void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        _ready.TrySetException(reason ?? new IOException($"The {this} was closed."));
        _ = _ready.Task.Exception; // observed: nobody need wait for a handshake that failed
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }

        if (_stream is { } stream)
        {
            stream.Dispose();
        }
        else
        {
            _socket.Dispose();
        }

        foreach (var pong in _pings.Values)
        {
            pong.TrySetCanceled();
        }

        var undelivered = NotDelivered.Mark(new SiloUnavailableException($"The {this} closed before the message was sent: {reason?.Message ?? "closed"}"));
        while (_outgoing.Reader.TryRead(out var item))
        {
            if (item.Message is { } message)
            {
                _owner.Undeliverable(message, undelivered);
            }
        }

        if (reason is not null)
        {
            LogClosed(_logger, this, reason.Message);
        }

        _owner.Closed(this);
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Debug, Message = "The {Connection} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, Connection connection, string reason);

    private readonly record struct Outgoing(FrameKind Kind, Message? Message, long PingId);
}
