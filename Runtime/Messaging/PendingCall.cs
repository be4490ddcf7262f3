namespace Optimus.Runtime.Messaging;

/// <summary>A call waiting for its response, as the callback table keeps it.</summary>
internal abstract class PendingCall(Message request, TimeSpan timeout)
{
    public Message Request { get; } = request;

    public TimeSpan Timeout { get; } = timeout;

    public abstract void Complete(Response response);

    public abstract void Fail(Exception exception);
}
