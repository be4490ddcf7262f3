namespace Optimus.Runtime.Invocation;

/// <summary>Caller-side adapters from a runtime call to the return type the interface method declares.</summary>
internal static class MethodIssuers
{
    public static object IssueTask(GrainReference target, MethodDescriptor method, object?[] args) =>
        target.Runtime.InvokeAsync<object?>(target, method, args);

    public static object IssueTaskOf<T>(GrainReference target, MethodDescriptor method, object?[] args) =>
        target.Runtime.InvokeAsync<T>(target, method, args);

    public static object IssueValueTask(GrainReference target, MethodDescriptor method, object?[] args) =>
        new ValueTask(target.Runtime.InvokeAsync<object?>(target, method, args));

    public static object IssueValueTaskOf<T>(GrainReference target, MethodDescriptor method, object?[] args) =>
        new ValueTask<T>(target.Runtime.InvokeAsync<T>(target, method, args));
}
