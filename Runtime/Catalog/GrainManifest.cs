using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// Which grain classes this silo hosts, by grain type name, and which grain type implements each grain interface.
/// Built once at start-up: two classes with one type name is an error then, not a surprise later. An interface that
/// several classes implement (a shared base interface) cannot name a grain by itself: asking for it says which
/// classes implement it. Interfaces of the runtime itself (such as <see cref="IRemindable"/>) are never mapped. In a
/// process compiled ahead of time, which serializes with source-generated JSON only, a grain method or state whose type
/// no context covers is an error at start-up too, naming the type and where it is used.
/// </summary>
internal sealed class GrainManifest : IGrainTypeResolver
{
    private readonly FrozenDictionary<string, GrainClassInfo> _classes;
    private readonly FrozenDictionary<Type, string[]> _grainTypesOfInterface;

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification =
        "Grain classes are only added through GrainTypeOptions.Add, whose parameter keeps what GrainClassAttribute.Kept names.")]
    public GrainManifest(IOptions<GrainTypeOptions> options, InterfaceRegistry interfaces, GrainCodec codec)
    {
        var classes = new Dictionary<string, GrainClassInfo>(StringComparer.Ordinal);
        var byInterface = new Dictionary<Type, List<string>>();
        foreach (var type in options.Value.Classes)
        {
            var info = new GrainClassInfo(type);
            if (!classes.TryAdd(info.GrainType, info))
            {
                throw new InvalidOperationException(
                    $"Grain classes {classes[info.GrainType].ClassType} and {type} both have the type name '{info.GrainType}'; rename one or use [GrainType].");
            }

            foreach (var grainInterface in info.Interfaces)
            {
                interfaces.GetInterface(grainInterface);
                if (grainInterface.Assembly == typeof(IGrain).Assembly)
                {
                    continue;
                }

                if (!byInterface.TryGetValue(grainInterface, out var implementations))
                {
                    byInterface[grainInterface] = implementations = [];
                }

                implementations.Add(info.GrainType);
            }
        }

        _classes = classes.ToFrozenDictionary(StringComparer.Ordinal);
        _grainTypesOfInterface = byInterface.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray());
        if (!JsonSerializer.IsReflectionEnabledByDefault && Unserializable(classes.Values, interfaces, codec) is { Count: > 0 } missing)
        {
            throw new InvalidOperationException(
                "This process was compiled ahead of time and serializes grain calls and state with source-generated JSON only, " +
                $"which covers none of: {string.Join("; ", missing)}. Add the types to a JsonSerializerContext in SerializationOptions.TypeInfoResolvers.");
        }
    }

    /// <summary>Each type of a grain method or state that only reflection could serialize, with where it is used.</summary>
    internal static List<string> Unserializable(IEnumerable<GrainClassInfo> classes, InterfaceRegistry interfaces, GrainCodec codec)
    {
        var uses = new Dictionary<Type, string>();
        foreach (var info in classes)
        {
            foreach (var grainInterface in info.Interfaces)
            {
                foreach (var method in interfaces.GetInterface(grainInterface).Slots)
                {
                    foreach (var type in method.ResultType is null ? method.ParameterTypes : [.. method.ParameterTypes, method.ResultType])
                    {
                        uses.TryAdd(type, method.Name);
                    }
                }
            }

            foreach (var parameter in info.ClassType.GetConstructors().SelectMany(c => c.GetParameters()))
            {
                if (parameter.GetCustomAttribute<PersistentStateAttribute>() is not null && parameter.ParameterType.IsGenericType)
                {
                    uses.TryAdd(parameter.ParameterType.GetGenericArguments()[0], $"the state of {info.ClassType.Name}");
                }
            }
        }

        return [.. uses.Where(use => !codec.HasGeneratedContract(use.Key)).Select(use => $"{use.Key} ({use.Value})")];
    }

    public GrainClassInfo? FindClass(string grainType) => _classes.GetValueOrDefault(grainType);

    /// <summary>Every grain interface one grain type implements, by interface name: what a client needs to make references.</summary>
    public IEnumerable<KeyValuePair<string, string>> UniqueGrainTypes() =>
        _grainTypesOfInterface.Where(pair => pair.Value.Length == 1).Select(pair => KeyValuePair.Create(pair.Key.FullName!, pair.Value[0]));

    public string GetGrainType(Type grainInterface)
    {
        if (!_grainTypesOfInterface.TryGetValue(grainInterface, out var grainTypes))
        {
            throw new ArgumentException(
                $"No grain class implements {grainInterface}; add the class's assembly to the silo with AddGrains.", nameof(grainInterface));
        }

        return grainTypes.Length == 1
            ? grainTypes[0]
            : throw new ArgumentException(
                $"{grainInterface} is implemented by the grain types {string.Join(", ", grainTypes)}; ask for an interface only one of them implements.",
                nameof(grainInterface));
    }
}
