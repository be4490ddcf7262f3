using System.Buffers;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Invocation;

namespace Optimus.Runtime.Serialization;

/// <summary>
/// The one codec for what grains exchange and store: arguments, results, exceptions and state, as JSON by declared
/// type. A local call copies through it (unless the type is immutable), so that a value behaves the same whether it
/// crossed the silo boundary or the wire.
/// </summary>
internal sealed class GrainCodec
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public GrainCodec(IOptions<SerializationOptions> options, IServiceProvider services)
    {
        GrainFactory? factory = null;
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(
                [.. options.Value.TypeInfoResolvers, RuntimeJsonContext.Default, new DefaultJsonTypeInfoResolver()]),
        };

        // Resolved lazily: the factory needs the runtime client, which needs the message center, which needs this codec.
        json.Converters.Add(new GrainReferenceConverter(() => factory ??= services.GetRequiredService<GrainFactory>()));
        json.MakeReadOnly();
        Json = json;
    }

    public JsonSerializerOptions Json { get; }

    public void Serialize(IBufferWriter<byte> output, object? value, Type type)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(output);
        }
        else
        {
            writer.Reset(output);
        }

        try
        {
            JsonSerializer.Serialize(writer, value, Json.GetTypeInfo(type));
            writer.Flush();
        }
        finally
        {
            writer.Reset(Stream.Null);
        }
    }

    public byte[] SerializeToBytes(object? value, Type type) => JsonSerializer.SerializeToUtf8Bytes(value, Json.GetTypeInfo(type));

    public object? Deserialize(ReadOnlySpan<byte> data, Type type) => JsonSerializer.Deserialize(data, Json.GetTypeInfo(type));

    /// <summary>A copy of <paramref name="value"/> that shares nothing mutable with it; immutable values as they are.</summary>
    public object? Copy(object? value, Type type)
    {
        if (value is null || Immutability.IsImmutable(type) || Immutability.IsImmutable(value.GetType()))
        {
            return value;
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        Serialize(buffer, value, type);
        var copy = Deserialize(buffer.WrittenSpan, type);
        if (buffer.Capacity > 1 << 20)
        {
            t_buffer = null; // do not pin a large buffer to the thread after one large copy
        }

        return copy;
    }

    public object?[] CopyArguments(object?[] arguments, MethodDescriptor method)
    {
        if (method.ArgumentsImmutable)
        {
            return arguments;
        }

        var copy = new object?[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            copy[i] = Copy(arguments[i], method.ParameterTypes[i]);
        }

        return copy;
    }

    public static Exception CopyException(Exception exception) => DecodeException(EncodeException(exception));

    public static ExceptionInfo EncodeException(Exception exception)
    {
        var type = exception.GetType();
        var typeName = exception is GrainException grain ? grain.OriginalTypeName : type.FullName!;
        var assembly = exception is GrainException ? "" : type.Assembly.GetName().Name ?? "";
        Dictionary<string, string>? data = null;
        foreach (System.Collections.DictionaryEntry entry in exception.Data)
        {
            if (entry is { Key: string key, Value: string value })
            {
                (data ??= new(StringComparer.Ordinal))[key] = value;
            }
        }

        return new ExceptionInfo(typeName, assembly, exception.Message, exception.StackTrace, data);
    }

    /// <summary>Recreates the exception's type when this process has it and it takes a message; else a <see cref="GrainException"/>.</summary>
    public static Exception DecodeException(ExceptionInfo info)
    {
        var exception = TryCreate(info) ?? new GrainException(info.TypeName, info.Message);
        foreach (var (key, value) in info.Data ?? [])
        {
            exception.Data[key] = value;
        }

        if (!string.IsNullOrEmpty(info.StackTrace))
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(exception, info.StackTrace);
        }

        return exception;
    }

    private static Exception? TryCreate(ExceptionInfo info)
    {
        if (info.AssemblyName.Length == 0)
        {
            return null;
        }

        var type = Type.GetType($"{info.TypeName}, {info.AssemblyName}", throwOnError: false);
        if (type is null || !typeof(Exception).IsAssignableFrom(type) || type.IsAbstract)
        {
            return null;
        }

        try
        {
            // Prefer (message, inner): (string) means the parameter name for ArgumentNullException and its kin.
            if (type.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner)
            {
                return (Exception)withInner.Invoke([info.Message, null]);
            }

            return type.GetConstructor([typeof(string)]) is { } withMessage ? (Exception)withMessage.Invoke([info.Message]) : null;
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }
}
