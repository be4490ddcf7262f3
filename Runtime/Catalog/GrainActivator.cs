using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// Creates grain instances: picks the public constructor, fills <see cref="PersistentStateAttribute"/> parameters with
/// state bound to the activation and everything else from the silo's services. The plan is made once per class.
/// </summary>
internal sealed class GrainActivator(IServiceProvider services, GrainCodec codec)
{
    private readonly ConcurrentDictionary<Type, Plan> _plans = new();

    public Grain CreateInstance(ActivationData activation)
    {
        var type = activation.Class.ClassType;
        if (!_plans.TryGetValue(type, out var plan))
        {
            plan = _plans.GetOrAdd(type, MakePlan(type));
        }

        var arguments = new object?[plan.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = plan.Parameters[i](activation);
        }

        try
        {
            return (Grain)plan.Constructor.Invoke(arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }

    private Plan MakePlan([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type)
    {
        var constructors = type.GetConstructors();
        if (constructors.Length != 1)
        {
            throw new InvalidOperationException($"Grain class {type} must have exactly one public constructor; it has {constructors.Length}.");
        }

        var constructor = constructors[0];
        var parameters = Array.ConvertAll(constructor.GetParameters(), p => MakeParameter(type, p));
        return new Plan(constructor, parameters);
    }

    // A state type is a class (IPersistentState<T> says so), and the code of CreateState<T> for classes is one that
    // serves them all, which a process compiled ahead of time has.
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "CreateState<TState> is instantiated over classes only.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "CreateState<TState> requires nothing of TState that trimming could remove.")]
    private Func<ActivationData, object?> MakeParameter(Type grainType, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } state)
        {
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            {
                throw new InvalidOperationException(
                    $"{grainType}: parameter '{parameter.Name}' has [PersistentState] but is not an IPersistentState<T>.");
            }

            var storage = services.GetKeyedService<IGrainStorage>(state.StorageName) ?? throw new InvalidOperationException(
                $"{grainType}: no grain storage named '{state.StorageName}' is configured; add one with AddSqliteGrainStorage, AddPostgresGrainStorage or AddMemoryGrainStorage.");
            var create = typeof(GrainActivator).GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type.GetGenericArguments()[0])
                .CreateDelegate<Func<ActivationData, string, IGrainStorage, GrainCodec, object>>();
            return activation => create(activation, state.StateName, storage, codec);
        }

        return activation => services.GetService(type) ?? (parameter.HasDefaultValue
            ? parameter.DefaultValue
            : throw new InvalidOperationException($"{grainType}: no service of type {type} is registered for parameter '{parameter.Name}'."));
    }

    private static PersistentState<TState> CreateState<TState>(ActivationData activation, string stateName, IGrainStorage storage, GrainCodec codec)
        where TState : class, new() => new PersistentState<TState>(activation, stateName, storage, codec);

    private sealed record Plan(ConstructorInfo Constructor, Func<ActivationData, object?>[] Parameters);
}
