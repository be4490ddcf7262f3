using System.Reflection;

namespace Optimus.Runtime.Invocation;

/// <summary>
/// What the grain code generator (<c>Runtime.CodeGen</c>) writes for one grain interface, in the assembly that declares
/// it: its methods in a fixed order (their slots), a call of each on a grain instance, and a proxy to make references
/// of. Nothing of it is built at run time, so a process compiled ahead of time needs neither emitted proxy types nor
/// compiled expression trees. Found through <see cref="GrainInterfaceCodeAttribute"/>.
/// </summary>
public abstract class GrainInterfaceCode
{
    /// <summary>The grain interfaces it extends, all the way up.</summary>
    public abstract IReadOnlyList<Type> Parents { get; }

    /// <summary>The methods it declares, by slot.</summary>
    public abstract IReadOnlyList<MethodInfo> Methods { get; }

    /// <summary>Calls the method in <paramref name="slot"/> on a grain with arguments and adapts what it returns.</summary>
    public abstract Func<object, object?[], ValueTask<object?>> Invoker(int slot);

    /// <summary>A new, unbound reference implementing the interface.</summary>
    public abstract GrainReference NewReference();

    /// <summary>A completed <see cref="Task"/> as a result, without an async state machine.</summary>
    protected static ValueTask<object?> FromTask(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.IsCompletedSuccessfully ? default : AwaitTask(task);
    }

    /// <summary>The result of a <see cref="Task{T}"/>, without an async state machine when it has completed.</summary>
    protected static ValueTask<object?> FromTaskOf<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.IsCompletedSuccessfully ? new ValueTask<object?>(task.Result) : AwaitTaskOf(task);
    }

    /// <summary>A completed <see cref="ValueTask"/> as a result, without an async state machine.</summary>
    protected static ValueTask<object?> FromValueTask(ValueTask task) =>
        task.IsCompletedSuccessfully ? default : AwaitValueTask(task);

    /// <summary>The result of a <see cref="ValueTask{T}"/>, without an async state machine when it has completed.</summary>
    protected static ValueTask<object?> FromValueTaskOf<T>(ValueTask<T> task) =>
        task.IsCompletedSuccessfully ? new ValueTask<object?>(task.Result) : AwaitValueTaskOf(task);

    private static async ValueTask<object?> AwaitTask(Task task)
    {
        await task;
        return null;
    }

    private static async ValueTask<object?> AwaitTaskOf<T>(Task<T> task) => await task;

    private static async ValueTask<object?> AwaitValueTask(ValueTask task)
    {
        await task;
        return null;
    }

    private static async ValueTask<object?> AwaitValueTaskOf<T>(ValueTask<T> task) => await task;
}
