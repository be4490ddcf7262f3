using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Invocation;

/// <summary>
/// The grain interfaces this process knows, by type (for callers) and by name (for messages), with their method
/// descriptors built once from the interface's generated code (<see cref="GrainInterfaceCode"/>). The generator refuses
/// at compile time a method the runtime cannot call; what is left here is what reflection can tell of a method
/// cheaply once: its id, attributes and return shape.
/// </summary>
internal sealed class InterfaceRegistry
{
    // The generated code of every assembly asked so far, by interface; shared by every registry of the process.
    private static readonly ConcurrentDictionary<Assembly, FrozenDictionary<Type, GrainInterfaceCode>> CodeByAssembly = new();

    private readonly ConcurrentDictionary<Type, InterfaceDescriptor> _byType = new();
    private readonly ConcurrentDictionary<string, InterfaceDescriptor> _byName = new(StringComparer.Ordinal);

    /// <summary>The descriptor of the method a proxy was called through: its interface and its slot there.</summary>
    public MethodDescriptor GetMethod(Type declaring, int slot) => GetInterface(declaring).Slots[slot];

    /// <summary>The method a message names, or null when this process does not know it.</summary>
    public MethodDescriptor? FindMethod(string interfaceName, uint methodId) =>
        _byName.TryGetValue(interfaceName, out var descriptor) && descriptor.Methods.TryGetValue(methodId, out var method)
            ? method
            : null;

    /// <summary>Registers an interface and the interfaces it extends.</summary>
    public InterfaceDescriptor GetInterface(Type type)
    {
        if (_byType.TryGetValue(type, out var known))
        {
            return known;
        }

        var code = FindCode(type) ?? throw new ArgumentException(type.IsInterface && typeof(IAddressable).IsAssignableFrom(type)
            ? $"{type} has no generated grain code: the project declaring it must use the grain code generator (Runtime.CodeGen, an analyzer reference every project here gets from Directory.Build.props)."
            : $"{type} is not a grain interface: it must be an interface deriving from IGrain.");
        var descriptor = new InterfaceDescriptor(type, code);
        descriptor.Slots = BuildSlots(descriptor);
        descriptor.Methods = ById(descriptor);
        descriptor = _byType.GetOrAdd(type, descriptor);
        _byName.TryAdd(descriptor.Name, descriptor);
        foreach (var parent in code.Parents)
        {
            GetInterface(parent);
        }

        return descriptor;
    }

    private static GrainInterfaceCode? FindCode(Type type) =>
        CodeByAssembly.GetOrAdd(type.Assembly, static assembly => assembly.GetCustomAttributes<GrainInterfaceCodeAttribute>()
            .ToFrozenDictionary(a => a.InterfaceType, a => (GrainInterfaceCode)Activator.CreateInstance(a.CodeType)!))
            .GetValueOrDefault(type);

    private static MethodDescriptor[] BuildSlots(InterfaceDescriptor owner)
    {
        var methods = owner.Code.Methods;
        var slots = new MethodDescriptor[methods.Count];
        for (var slot = 0; slot < slots.Length; slot++)
        {
            slots[slot] = Describe(owner, methods[slot], owner.Code.Invoker(slot));
        }

        return slots;
    }

    private static FrozenDictionary<uint, MethodDescriptor> ById(InterfaceDescriptor owner)
    {
        var methods = new Dictionary<uint, MethodDescriptor>();
        foreach (var descriptor in owner.Slots)
        {
            if (!methods.TryAdd(descriptor.Id, descriptor))
            {
                throw new ArgumentException(
                    $"{owner.Type}: methods {methods[descriptor.Id].Method} and {descriptor.Method} have the same id; rename one.");
            }
        }

        return methods.ToFrozenDictionary();
    }

    private static MethodDescriptor Describe(InterfaceDescriptor owner, MethodInfo method, Func<object, object?[], ValueTask<object?>> invoker)
    {
        var name = $"{owner.Type.Name}.{method.Name}";
        var (kind, resultType) = ClassifyReturn(name, method.ReturnType);
        var flags = MessageFlags.None;
        if (method.IsDefined(typeof(ReadOnlyAttribute)))
        {
            flags |= MessageFlags.ReadOnly;
        }

        if (method.IsDefined(typeof(AlwaysInterleaveAttribute)))
        {
            flags |= MessageFlags.AlwaysInterleave;
        }

        var parameterTypes = Array.ConvertAll(method.GetParameters(), p => p.ParameterType);
        var signature = string.Create(
            CultureInfo.InvariantCulture,
            $"{method.Name}({string.Join(",", Array.ConvertAll(parameterTypes, t => t.FullName))})");
        return new MethodDescriptor
        {
            Interface = owner,
            Method = method,
            Id = StableHash.Hash32(signature),
            Name = name,
            ParameterTypes = parameterTypes,
            ResultType = resultType,
            ReturnKind = kind,
            Flags = flags,
            IsOneWay = method.IsDefined(typeof(OneWayAttribute)),
            Timeout = method.GetCustomAttribute<ResponseTimeoutAttribute>()?.Timeout,
            ArgumentsImmutable = Array.TrueForAll(parameterTypes, Immutability.IsImmutable),
            ResultImmutable = resultType is null || Immutability.IsImmutable(resultType),
            Invoker = invoker,
        };
    }

    // The generator has refused every other shape; this reads which of the four it is.
    private static (ReturnKind Kind, Type? ResultType) ClassifyReturn(string name, Type returnType)
    {
        if (returnType == typeof(Task))
        {
            return (ReturnKind.Task, null);
        }

        if (returnType == typeof(ValueTask))
        {
            return (ReturnKind.ValueTask, null);
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return (ReturnKind.TaskOfT, returnType.GetGenericArguments()[0]);
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            return (ReturnKind.ValueTaskOfT, returnType.GetGenericArguments()[0]);
        }

        throw new ArgumentException($"{name} returns {returnType}; grain methods return Task, Task<T>, ValueTask or ValueTask<T>.");
    }
}
