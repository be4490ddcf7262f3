using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Invocation;

/// <summary>
/// The grain interfaces this process knows, by type (for callers) and by name (for messages), with their method
/// descriptors built once. An interface is checked when first seen: a method the runtime cannot call is an error
/// that names the method, not a surprise at call time.
/// </summary>
internal sealed class InterfaceRegistry
{
    private readonly ConcurrentDictionary<Type, InterfaceDescriptor> _byType = new();
    private readonly ConcurrentDictionary<string, InterfaceDescriptor> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MethodInfo, MethodDescriptor> _byMethod = new();

    /// <summary>The descriptor of the method a proxy was called with.</summary>
    public MethodDescriptor GetMethod(MethodInfo method)
    {
        if (_byMethod.TryGetValue(method, out var descriptor))
        {
            return descriptor;
        }

        var declaring = GetInterface(method.DeclaringType!);
        foreach (var candidate in declaring.Methods.Values)
        {
            if (candidate.Method.MethodHandle == method.MethodHandle)
            {
                return _byMethod.GetOrAdd(method, candidate);
            }
        }

        throw new InvalidOperationException($"{method.DeclaringType}.{method.Name} is not a grain method.");
    }

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

        Validate(type);
        var descriptor = new InterfaceDescriptor(type);
        descriptor.Methods = BuildMethods(descriptor);
        descriptor = _byType.GetOrAdd(type, descriptor);
        _byName.TryAdd(descriptor.Name, descriptor);
        foreach (var parent in type.GetInterfaces())
        {
            if (typeof(IAddressable).IsAssignableFrom(parent))
            {
                GetInterface(parent);
            }
        }

        return descriptor;
    }

    private static void Validate(Type type)
    {
        if (!type.IsInterface || !typeof(IAddressable).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type} is not a grain interface: it must be an interface deriving from IGrain.");
        }

        if (type.IsGenericType)
        {
            throw new ArgumentException($"{type} is generic; grain interfaces may not be.");
        }

        if (type.GetProperties().Length > 0 || type.GetEvents().Length > 0)
        {
            throw new ArgumentException($"{type} declares properties or events; grain interfaces may declare only methods.");
        }
    }

    private static FrozenDictionary<uint, MethodDescriptor> BuildMethods(InterfaceDescriptor owner)
    {
        var methods = new Dictionary<uint, MethodDescriptor>();
        foreach (var method in owner.Type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            var descriptor = Describe(owner, method);
            if (!methods.TryAdd(descriptor.Id, descriptor))
            {
                throw new ArgumentException(
                    $"{owner.Type}: methods {methods[descriptor.Id].Method} and {method} have the same id; rename one.");
            }
        }

        return methods.ToFrozenDictionary();
    }

    private static MethodDescriptor Describe(InterfaceDescriptor owner, MethodInfo method)
    {
        var name = $"{owner.Type.Name}.{method.Name}";
        if (method.IsGenericMethodDefinition)
        {
            throw new ArgumentException($"{name} is generic; grain methods may not be.");
        }

        var parameters = method.GetParameters();
        foreach (var parameter in parameters)
        {
            if (parameter.ParameterType.IsByRef)
            {
                throw new ArgumentException($"{name}: parameter '{parameter.Name}' is ref, out or in; grain methods take values.");
            }
        }

        var (kind, resultType) = ClassifyReturn(name, method.ReturnType);
        var oneWay = method.IsDefined(typeof(OneWayAttribute));
        if (oneWay && resultType is not null)
        {
            throw new ArgumentException($"{name} is [OneWay] but returns a result; one-way methods return Task or ValueTask.");
        }

        var flags = MessageFlags.None;
        if (method.IsDefined(typeof(ReadOnlyAttribute)))
        {
            flags |= MessageFlags.ReadOnly;
        }

        if (method.IsDefined(typeof(AlwaysInterleaveAttribute)))
        {
            flags |= MessageFlags.AlwaysInterleave;
        }

        var parameterTypes = Array.ConvertAll(parameters, p => p.ParameterType);
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
            IsOneWay = oneWay,
            Timeout = method.GetCustomAttribute<ResponseTimeoutAttribute>()?.Timeout,
            ArgumentsImmutable = Array.TrueForAll(parameterTypes, Immutability.IsImmutable),
            ResultImmutable = resultType is null || Immutability.IsImmutable(resultType),
            Invoker = CompileInvoker(owner.Type, method, parameterTypes, kind, resultType),
            Issuer = CreateIssuer(kind, resultType),
        };
    }

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

    // (grain, args) => MethodAdapters.FromX(((IFoo)grain).Method((T0)args[0], ...))
    private static Func<object, object?[], ValueTask<object?>> CompileInvoker(
        Type interfaceType, MethodInfo method, Type[] parameterTypes, ReturnKind kind, Type? resultType)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var arguments = new Expression[parameterTypes.Length];
        for (var i = 0; i < parameterTypes.Length; i++)
        {
            arguments[i] = Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), parameterTypes[i]);
        }

        var call = Expression.Call(Expression.Convert(grain, interfaceType), method, arguments);
        var adapter = kind switch
        {
            ReturnKind.Task => typeof(MethodAdapters).GetMethod(nameof(MethodAdapters.FromTask))!,
            ReturnKind.ValueTask => typeof(MethodAdapters).GetMethod(nameof(MethodAdapters.FromValueTask))!,
            ReturnKind.TaskOfT => typeof(MethodAdapters).GetMethod(nameof(MethodAdapters.FromTaskOf))!.MakeGenericMethod(resultType!),
            _ => typeof(MethodAdapters).GetMethod(nameof(MethodAdapters.FromValueTaskOf))!.MakeGenericMethod(resultType!),
        };
        return Expression.Lambda<Func<object, object?[], ValueTask<object?>>>(Expression.Call(adapter, call), grain, args).Compile();
    }

    private static Func<GrainReference, MethodDescriptor, object?[], object> CreateIssuer(ReturnKind kind, Type? resultType)
    {
        var issuer = kind switch
        {
            ReturnKind.Task => typeof(MethodIssuers).GetMethod(nameof(MethodIssuers.IssueTask))!,
            ReturnKind.ValueTask => typeof(MethodIssuers).GetMethod(nameof(MethodIssuers.IssueValueTask))!,
            ReturnKind.TaskOfT => typeof(MethodIssuers).GetMethod(nameof(MethodIssuers.IssueTaskOf))!.MakeGenericMethod(resultType!),
            _ => typeof(MethodIssuers).GetMethod(nameof(MethodIssuers.IssueValueTaskOf))!.MakeGenericMethod(resultType!),
        };
        return issuer.CreateDelegate<Func<GrainReference, MethodDescriptor, object?[], object>>();
    }
}
