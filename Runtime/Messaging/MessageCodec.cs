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

    [ThreadStatic]
    private static PooledBufferWriter? t_scratch;

    [ThreadStatic]
    private static PooledBufferWriter? t_payload;

    /// <summary>Now, on the clock that message deadlines are kept by.</summary>
    public long Now => time.GetTimestamp();

    public void Write(Message message, IBufferWriter<byte> output)
    {
        var writer = new WireWriter(output);
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
        try
        {
            if (message.Direction == MessageDirection.Response)
            {
                WriteResponse(writer, message);
            }
            else
            {
                WriteArguments(writer, message);
            }
        }
        finally
        {
            t_payload?.Reset(); // a large body's rented arrays go back to the pool, not stay with this thread
            t_scratch?.Reset();
        }
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

    private void WriteArguments(WireWriter writer, Message message)
    {
        if (message.Body is EncodedBody encoded)
        {
            writer.WriteBytes(encoded.Bytes); // passed on as it came
            return;
        }

        var scratch = Scratch();
        var body = new WireWriter(scratch);
        var arguments = message.Body as object?[] ?? [];
        var method = message.Method ?? throw new InvalidOperationException($"{message} has no resolved method.");
        body.WriteVarUInt64((ulong)arguments.Length);
        for (var i = 0; i < arguments.Length; i++)
        {
            body.WriteBytes(Serialized(arguments[i], method.ParameterTypes[i]));
        }

        writer.WriteBytes(scratch.WrittenSpan);
    }

    private void WriteResponse(WireWriter writer, Message message)
    {
        if (message.Body is EncodedBody encoded)
        {
            writer.WriteBytes(encoded.Bytes); // a gateway relays a response to its client as it came
            return;
        }

        var scratch = Scratch();
        var body = new WireWriter(scratch);
        var response = message.Body as Response ?? Response.Empty;
        if (response.Exception is { } exception)
        {
            body.WriteByte(BodyException);
            body.WriteBytes(JsonSerializer.SerializeToUtf8Bytes(GrainCodec.EncodeException(exception), RuntimeJsonContext.Default.ExceptionInfo));
        }
        else if (response.Value is { } value)
        {
            body.WriteByte(BodyValue);
            body.WriteBytes(Serialized(value, message.Method?.ResultType ?? value.GetType()));
        }
        else
        {
            body.WriteByte(BodyNone);
        }

        writer.WriteBytes(scratch.WrittenSpan);
    }

    // Serialized into this thread's buffer, not an array of its own: a large answer (a thousand values read) would be
    // a large-object array per call, which only a full collection frees. Write gives a large one's array back.
    private ReadOnlySpan<byte> Serialized(object? value, Type type)
    {
        var payload = t_payload ??= new PooledBufferWriter(256);
        payload.Reset();
        codec.Serialize(payload, value, type);
        return payload.WrittenSpan;
    }

    private static PooledBufferWriter Scratch()
    {
        var scratch = t_scratch ??= new PooledBufferWriter(1024);
        scratch.Reset();
        return scratch;
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
