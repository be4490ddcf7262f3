using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// The binary wire format of <see cref="Message"/>: a compact header (varints, length-prefixed UTF-8) followed by the
/// body, whose arguments and result are JSON by the method's declared types (see <see cref="GrainCodec"/>). The body
/// stays encoded until the receiver has resolved the method, because only then are its types known.
/// Time-to-live travels as remaining milliseconds, so clocks need not agree between machines.
/// </summary>
internal sealed class MessageCodec(GrainCodec codec, InterfaceRegistry interfaces, TimeProvider time)
{
    public const byte FormatVersion = 1;
    private const byte BodyNone = 0;
    private const byte BodyValue = 1;
    private const byte BodyException = 2;

    // This thread's buffers for the message being encoded: its head, the body's first bytes, and the serialized
    // argument or result that ends it. Not arrays of their own per message: a 1,000-key answer would be a large-object
    // array per call, which only a full collection frees. ReleaseBuffers gives a large one's array back.
    [ThreadStatic]
    private static PooledBufferWriter? t_head;

    [ThreadStatic]
    private static PooledBufferWriter? t_prefix;

    [ThreadStatic]
    private static PooledBufferWriter? t_payload;

    [ThreadStatic]
    private static bool t_encoded; // a message encoded on this thread holds the buffers until its Dispose

    /// <summary>Now, on the clock that message deadlines are kept by.</summary>
    public long Now => time.GetTimestamp();

    public void Write(Message message, IBufferWriter<byte> output)
    {
        using var encoded = Encode(message);
        encoded.CopyTo(output);
    }

    /// <summary>
    /// Encodes <paramref name="message"/> into this thread's buffers, its serialized result or last argument apart, so
    /// that a transport can write it behind a frame header of the right length without copying it first.
    /// </summary>
    public EncodedMessage Encode(Message message)
    {
        if (t_encoded)
        {
            throw new InvalidOperationException("A message encoded on this thread was not disposed: its buffers are still in use.");
        }

        t_encoded = true;
        try
        {
            var head = Empty(ref t_head, 256);
            var writer = new WireWriter(head);
            writer.WriteByte(FormatVersion);
            writer.WriteByte((byte)message.Direction);
            writer.WriteVarUInt64((ulong)message.Id);
            writer.WriteByte((byte)message.Flags);
            writer.WriteSilo(message.SendingSilo);
            writer.WriteGrainId(message.SendingGrain);
            writer.WriteSilo(message.TargetSilo);
            writer.WriteGuid(message.Client);
            writer.WriteByte(message.ForwardCount);
            writer.WriteGrainId(message.TargetGrain);
            writer.WriteString(message.InterfaceName);
            writer.WriteUInt32(message.MethodId);
            writer.WriteVarUInt64(RemainingMilliseconds(message));
            writer.WriteGuid(message.CallChainId);
            WriteContext(writer, message.RequestContext);
            WritePath(writer, message.CallPath);

            // The body is its prefix, then its tail; its length goes first.
            var prefix = Empty(ref t_prefix, 64);
            var tail = message.Body is EncodedBody encoded
                ? encoded.Bytes // passed on as it came: a gateway relays a client's request or its response
                : message.Direction == MessageDirection.Response
                    ? WriteResponse(new WireWriter(prefix), message)
                    : WriteArguments(new WireWriter(prefix), message);
            writer.WriteVarUInt64((ulong)(prefix.WrittenCount + tail.Length));
            prefix.WrittenSpan.CopyTo(head.GetSpan(prefix.WrittenCount));
            head.Advance(prefix.WrittenCount);
            return new EncodedMessage(head.WrittenSpan, tail);
        }
        catch
        {
            ReleaseBuffers();
            throw;
        }
    }

    /// <summary>Empties this thread's encoding buffers, giving a large message's rented arrays back to the pool.</summary>
    internal static void ReleaseBuffers()
    {
        t_encoded = false;
        t_head?.Reset();
        t_prefix?.Reset();
        t_payload?.Reset();
    }

    public Message Read(ReadOnlySpan<byte> frame)
    {
        var reader = new WireReader(frame);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Message format version {version} is not supported (expected {FormatVersion}).");
        }

        var direction = (MessageDirection)reader.ReadByte();
        if (direction is not (MessageDirection.Request or MessageDirection.OneWay or MessageDirection.Response))
        {
            throw new InvalidDataException($"Unknown message direction {(byte)direction}.");
        }

        var message = new Message
        {
            Direction = direction,
            Id = (long)reader.ReadVarUInt64(),
            Flags = (MessageFlags)reader.ReadByte(),
            SendingSilo = reader.ReadSilo(),
            SendingGrain = reader.ReadGrainId(),
            TargetSilo = reader.ReadSilo(),
            Client = reader.ReadGuid(),
            ForwardCount = reader.ReadByte(),
            TargetGrain = reader.ReadGrainId(),
            InterfaceName = reader.ReadRequiredString(),
            MethodId = reader.ReadUInt32(),
        };
        var ttl = reader.ReadVarUInt64();
        message.ExpiresAt = ttl == 0 ? 0 : time.Deadline(TimeSpan.FromMilliseconds(ttl));
        message.CallChainId = reader.ReadGuid();
        message.RequestContext = ReadContext(ref reader);
        message.CallPath = ReadPath(ref reader);
        message.Body = EncodedBody.CopyOf(reader.ReadBytes());
        return message;
    }

    /// <summary>Turns a request's encoded arguments into objects of the method's parameter types.</summary>
    public void DecodeRequest(Message message, MethodDescriptor method)
    {
        // How the request may be scheduled is the receiver's method's business, not the sender's claim.
        const MessageFlags scheduling = MessageFlags.ReadOnly | MessageFlags.AlwaysInterleave;
        message.Flags = (message.Flags & ~scheduling) | (method.Flags & scheduling);
        message.Method = method;
        if (message.Body is not EncodedBody encoded)
        {
            return;
        }

        var reader = new WireReader(encoded.Bytes);
        var count = (int)reader.ReadVarUInt64();
        if (count != method.ParameterTypes.Length)
        {
            throw new InvalidDataException($"{method.Name} takes {method.ParameterTypes.Length} arguments; the message carries {count}.");
        }

        var arguments = new object?[count];
        for (var i = 0; i < count; i++)
        {
            arguments[i] = codec.Deserialize(reader.ReadBytes(), method.ParameterTypes[i]);
        }

        message.Body = arguments;
        encoded.Release();
    }

    /// <summary>Turns a response's encoded body into a <see cref="Response"/>.</summary>
    public void DecodeResponse(Message message, MethodDescriptor method)
    {
        message.Method = method;
        if (message.Body is not EncodedBody encoded)
        {
            return;
        }

        var reader = new WireReader(encoded.Bytes);
        message.Body = reader.ReadByte() switch
        {
            BodyNone => Response.Empty,
            BodyValue => Response.FromValue(codec.Deserialize(reader.ReadBytes(), method.ResultType ?? typeof(object))),
            BodyException => Response.FromException(GrainCodec.DecodeException(
                JsonSerializer.Deserialize(reader.ReadBytes(), RuntimeJsonContext.Default.ExceptionInfo)
                ?? throw new InvalidDataException("An exception body is empty."))),
            var kind => throw new InvalidDataException($"Unknown response body kind {kind}."),
        };
        encoded.Release();
    }

    /// <summary>Resolves the method a message from the wire names; null when this process does not know it.</summary>
    public MethodDescriptor? Resolve(Message message) => interfaces.FindMethod(message.InterfaceName, message.MethodId);

    // 0 means "never expires"; a message about to expire still says 1 ms. Transports drop expired messages before
    // writing them, so that the rule "dropped at every hop" holds on the wire too.
    private ulong RemainingMilliseconds(Message message) =>
        message.ExpiresAt == 0 ? 0 : (ulong)Math.Max(1, Math.Ceiling(time.Remaining(message.ExpiresAt).TotalMilliseconds));

    // The argument count and every argument but the last into the prefix; the last one's length too. It is the tail.
    private ReadOnlySpan<byte> WriteArguments(WireWriter prefix, Message message)
    {
        var arguments = message.Body as object?[] ?? [];
        var method = message.Method ?? throw new InvalidOperationException($"{message} has no resolved method.");
        prefix.WriteVarUInt64((ulong)arguments.Length);
        for (var i = 0; i < arguments.Length - 1; i++)
        {
            prefix.WriteBytes(Serialized(arguments[i], method.ParameterTypes[i]));
        }

        if (arguments.Length == 0)
        {
            return [];
        }

        var last = Serialized(arguments[^1], method.ParameterTypes[arguments.Length - 1]);
        prefix.WriteVarUInt64((ulong)last.Length);
        return last;
    }

    // The kind of answer, and the length of what follows, into the prefix; the value or exception is the tail.
    private ReadOnlySpan<byte> WriteResponse(WireWriter prefix, Message message)
    {
        var response = message.Body as Response ?? Response.Empty;
        ReadOnlySpan<byte> tail;
        if (response.Exception is { } exception)
        {
            prefix.WriteByte(BodyException);
            tail = JsonSerializer.SerializeToUtf8Bytes(GrainCodec.EncodeException(exception), RuntimeJsonContext.Default.ExceptionInfo);
        }
        else if (response.Value is { } value)
        {
            prefix.WriteByte(BodyValue);
            tail = Serialized(value, message.Method?.ResultType ?? value.GetType());
        }
        else
        {
            prefix.WriteByte(BodyNone);
            return [];
        }

        prefix.WriteVarUInt64((ulong)tail.Length);
        return tail;
    }

    // Valid until the next call on this thread, or ReleaseBuffers.
    private ReadOnlySpan<byte> Serialized(object? value, Type type)
    {
        var payload = Empty(ref t_payload, 256);
        codec.Serialize(payload, value, type);
        return payload.WrittenSpan;
    }

    private static PooledBufferWriter Empty(ref PooledBufferWriter? buffer, int initialBytes)
    {
        buffer ??= new PooledBufferWriter(initialBytes);
        buffer.Reset();
        return buffer;
    }

    private static void WriteContext(WireWriter writer, ImmutableDictionary<string, string>? context)
    {
        writer.WriteVarUInt64((ulong)(context?.Count ?? 0));
        if (context is null)
        {
            return;
        }

        foreach (var (key, value) in context)
        {
            writer.WriteString(key);
            writer.WriteString(value);
        }
    }

    private static ImmutableDictionary<string, string>? ReadContext(ref WireReader reader)
    {
        var count = reader.ReadLength();
        if (count == 0)
        {
            return null;
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            builder[reader.ReadRequiredString()] = reader.ReadRequiredString();
        }

        return builder.ToImmutable();
    }

    private static void WritePath(WireWriter writer, CallPathEntry[]? path)
    {
        writer.WriteVarUInt64((ulong)(path?.Length ?? 0));
        foreach (var entry in path ?? [])
        {
            writer.WriteGrainId(entry.Grain);
            writer.WriteString(entry.Method);
        }
    }

    private static CallPathEntry[]? ReadPath(ref WireReader reader)
    {
        var count = reader.ReadLength();
        if (count == 0)
        {
            return null;
        }

        var path = new CallPathEntry[count];
        for (var i = 0; i < count; i++)
        {
            path[i] = new CallPathEntry(reader.ReadGrainId(), reader.ReadRequiredString());
        }

        return path;
    }
}
