using Microsoft.Extensions.Options;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Invocation;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// Sends the calls made inside a silo, by its grains or by code hosted with it: builds the message, records the
/// pending call with its deadline, and hands the message to the message center.
/// </summary>
internal sealed class SiloRuntimeClient(
    MessageCenter messageCenter,
    CallbackTable callbacks,
    InterfaceRegistry interfaces,
    TimeProvider time,
    IOptions<MessagingOptions> options) : IRuntimeClient
{
    private readonly TimeSpan _defaultTimeout = options.Value.ResponseTimeout;
    private long _nextId;

    public InterfaceRegistry Interfaces => interfaces;

    public Task<T> InvokeAsync<T>(GrainReference target, MethodDescriptor method, object?[] arguments)
    {
        var context = RequestContextData.Current;
        var timeout = method.Timeout ?? _defaultTimeout;
        var fromGrain = context?.Self is not null;
        var message = new Message
        {
            Direction = method.IsOneWay ? MessageDirection.OneWay : MessageDirection.Request,
            Id = Interlocked.Increment(ref _nextId),
            SendingSilo = messageCenter.Address,
            SendingGrain = context?.Self?.Grain ?? default,
            TargetGrain = target.GrainId,
            InterfaceName = method.Interface.Name,
            MethodId = method.Id,
            Flags = fromGrain ? method.Flags : method.Flags | MessageFlags.FromClient,
            RequestContext = context?.Values,
            CallChainId = context?.CallChainId ?? Guid.Empty,
            CallPath = context?.OutgoingPath(),
            Body = arguments,
            Method = method,
            ExpiresAt = time.Deadline(timeout),
        };

        if (method.IsOneWay)
        {
            messageCenter.SendRequest(message);
            return Task.FromResult<T>(default!);
        }

        var call = new PendingCall<T>(message, timeout);
        callbacks.Register(message.Id, call);
        try
        {
            messageCenter.SendRequest(message);
        }
#pragma warning disable CA1031 // an argument that cannot be sent fails this call, not the silo
        catch (Exception exception)
#pragma warning restore CA1031
        {
            callbacks.Remove(message.Id);
            call.Fail(exception);
        }

        return call.Task;
    }
}
