using System.Text.Json.Serialization.Metadata;

namespace Optimus.Runtime;

/// <summary>
/// How grain arguments, results and state are serialized: System.Text.Json, camelCase. Add the source-generated
/// <c>JsonSerializerContext</c> of your grain interfaces' types to <see cref="TypeInfoResolvers"/>; grain references
/// need none. Types no context covers fall back to reflection, except in a process compiled ahead of time, which has
/// none and refuses to start naming them.
/// </summary>
public sealed class SerializationOptions
{
    /// <summary>Resolvers tried in order before the reflection fallback.</summary>
    public IList<IJsonTypeInfoResolver> TypeInfoResolvers { get; } = [];
}
