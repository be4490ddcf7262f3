namespace Optimus.Runtime.Messaging;

/// <summary>A pending call whose caller awaits a <typeparamref name="T"/>.</summary>
internal sealed class PendingCall<T>(Message request, TimeSpan timeout) : PendingCall(request, timeout)
{
    // Continuations never run on the thread that delivers the response: that thread may be another activation's.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override void Complete(Response response)
    {
        if (response.Exception is { } exception)
        {
            _completion.TrySetException(exception);
        }
        else if (response.Value is T value)
        {
            _completion.TrySetResult(value);
        }
        else if (response.Value is null && default(T) is null)
        {
            _completion.TrySetResult(default!);
        }
        else
        {
            _completion.TrySetException(new GrainException(
                $"{Request.TargetGrain}.{Request.MethodName} answered with {response.Value?.GetType().Name ?? "null"}, not the {typeof(T).Name} its caller expects."));
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
