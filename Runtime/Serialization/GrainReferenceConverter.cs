using System.Text.Json;
using System.Text.Json.Serialization;
using Optimus.Runtime.Invocation;

namespace Optimus.Runtime.Serialization;

/// <summary>
/// Writes a grain reference as its id (<c>"type/key"</c>) and reads it back as a reference of the declared interface,
/// bound to this process's runtime. That is what lets references travel as arguments and live in grain state.
/// </summary>
internal sealed class GrainReferenceConverter(Func<GrainFactory> factory) : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsInterface && typeof(IAddressable).IsAssignableFrom(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Typed<>).MakeGenericType(typeToConvert), factory)!;

    private sealed class Typed<T>(Func<GrainFactory> factory) : JsonConverter<T>
        where T : class, IAddressable
    {
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
