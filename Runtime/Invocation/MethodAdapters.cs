namespace Optimus.Runtime.Invocation;

/// <summary>
/// Turns whatever a grain method returned into a <see cref="ValueTask{Object}"/> of its result, without an async state
/// machine when the method completed synchronously.
/// </summary>
internal static class MethodAdapters
{
    public static ValueTask<object?> FromTask(Task task) =>
        task.IsCompletedSuccessfully ? default : AwaitTask(task);

    public static ValueTask<object?> FromTaskOf<T>(Task<T> task) =>
        task.IsCompletedSuccessfully ? new ValueTask<object?>(task.Result) : AwaitTaskOf(task);

    public static ValueTask<object?> FromValueTask(ValueTask task) =>
        task.IsCompletedSuccessfully ? default : AwaitValueTask(task);

    public static ValueTask<object?> FromValueTaskOf<T>(ValueTask<T> task) =>
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
