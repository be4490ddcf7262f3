using System.Buffers;
using System.Diagnostics.CodeAnalysis;
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
    private static PooledBufferWriter? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly IJsonTypeInfoResolver _generated;

    public GrainCodec(IOptions<SerializationOptions> options, IServiceProvider services)
        : this(options, services, JsonSerializer.IsReflectionEnabledByDefault)
    {
    }

    /// <summary>With <paramref name="reflection"/> false, as in a process compiled ahead of time: generated contracts only.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The reflection-based resolver is used only where reflection is enabled, a switch that is off, and trimmed away, in a process compiled ahead of time.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: not in a process compiled ahead of time.")]
    internal GrainCodec(IOptions<SerializationOptions> options, IServiceProvider services, bool reflection)
    {
        GrainFactory? factory = null;
        // Resolved lazily: the factory needs the runtime client, which needs the message center, which needs this codec.
        var references = new GrainReferenceContracts(() => factory ??= services.GetRequiredService<GrainFactory>());
        // Types the source-generated contexts do not cover are serialized by reflection, except in a process compiled
        // ahead of time, which has no reflection-based serializer: there every type must be in a context.
        _generated = JsonTypeInfoResolver.Combine([references, .. options.Value.TypeInfoResolvers, RuntimeJsonContext.Default]);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = reflection ? JsonTypeInfoResolver.Combine(_generated, new DefaultJsonTypeInfoResolver()) : _generated,
        };
        json.MakeReadOnly();
        Json = json;
    }

    public JsonSerializerOptions Json { get; }

    /// <summary>
    /// Whether a generated contract covers <paramref name="type"/> — a source-generated context's, or a grain
    /// interface's: what a process compiled ahead of time, without the reflection-based serializer, needs.
    /// </summary>
    public bool HasGeneratedContract(Type type) => _generated.GetTypeInfo(type, Json) is not null;

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

        var buffer = t_buffer ??= new PooledBufferWriter(512);
        try
        {
            Serialize(buffer, value, type);
            return Deserialize(buffer.WrittenSpan, type);
        }
        finally
        {
            buffer.Reset(); // a large copy's arrays go back to the pool, not stay with this thread
        }
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

    // Found by name, an exception type needs its constructors kept in a process compiled ahead of time: the runtime's
    // own and the framework's that grain code commonly throws are kept here, an application's where it is added (as
    // AddOptimus does for ProblemException). Any other arrives as a GrainException naming its type.
    [UnconditionalSuppressMessage("Trimming", "IL2057", Justification = "A type not kept is not found; see above.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(SiloUnavailableException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(StorageUnavailableException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(RequestTimeoutException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(InconsistentStateException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(ArgumentException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(ArgumentNullException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(ArgumentOutOfRangeException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(InvalidOperationException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(InvalidDataException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(KeyNotFoundException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(NotSupportedException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(TimeoutException))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(OperationCanceledException))]
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
