using System.Text.Json.Serialization;

namespace Optimus.Runtime.Serialization;

/// <summary>Source-generated serializers for the runtime's own types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ExceptionInfo))]
[JsonSerializable(typeof(Suspicion[]))]
[JsonSerializable(typeof(TickStatus))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
