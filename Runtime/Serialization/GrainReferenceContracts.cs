using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Optimus.Runtime.Invocation;

namespace Optimus.Runtime.Serialization;

/// <summary>
/// The JSON contract of every grain interface: a reference is written as its id (<c>"type/key"</c>) and read back as a
/// reference of the declared interface, bound to this process's runtime. That is what lets references travel as
/// arguments and results and live in grain state. It is a resolver rather than a converter in the options because no
/// source-generated context knows a grain interface, and a process compiled ahead of time has nothing else that would
/// build one; types of a context that hold a reference (a state's property, a list of them) reach it the same way.
/// </summary>
internal sealed class GrainReferenceContracts(Func<GrainFactory> factory) : IJsonTypeInfoResolver
{
    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
        type.IsInterface && typeof(IAddressable).IsAssignableFrom(type)
            ? ((IContract)Activator.CreateInstance(typeof(Contract<>).MakeGenericType(type), factory)!).TypeInfo(options)
            : null;

    private interface IContract
    {
        JsonTypeInfo TypeInfo(JsonSerializerOptions options);
    }

    // Over a reference type only, so that a process compiled ahead of time can make it for any interface at run time.
    private sealed class Contract<T>(Func<GrainFactory> factory) : JsonConverter<T>, IContract
        where T : class, IAddressable
    {
        public JsonTypeInfo TypeInfo(JsonSerializerOptions options) => JsonMetadataServices.CreateValueInfo<T>(options, this);

        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (!GrainId.TryParse(text, out var id))
            {
                throw new JsonException($"'{text}' is not a grain reference (type/key).");
            }

            return (T)factory().GetReference(typeof(T), id);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (value is not GrainReference reference)
            {
                throw new JsonException($"{value.GetType()} is not a grain reference; pass references from IGrainFactory.");
            }

            writer.WriteStringValue(reference.GrainId.ToString());
        }
    }
}
