using Optimus.Runtime.Invocation;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Client;

/// <summary>
/// Sends a client's calls through its gateways and matches their responses. A call that fails because its silo or its
/// gateway went away is made again when that is safe: the method is read-only, or the request never reached a grain
/// (it never left this process, or a silo could not pass it on — see <see cref="NotDelivered"/>).
/// </summary>
internal sealed class ClientRuntime(
    ClusterClientOptions options, InterfaceRegistry interfaces, MessageCodec codec, CallbackTable callbacks, TimeProvider time) : IRuntimeClient
{
    private long _nextId;

    public InterfaceRegistry Interfaces => interfaces;

    /// <summary>The connections the calls go out on; set once connected.</summary>
    public ClientGateways? Gateways { get; set; }

    public Task<T> InvokeAsync<T>(GrainReference target, MethodDescriptor method, object?[] arguments) => InvokeAsync<T>(target, method, arguments, via: null);

    /// <summary>Makes a call through <paramref name="via"/> when that gateway is connected, else through any.</summary>
    public Task<T> InvokeAsync<T>(GrainReference target, MethodDescriptor method, object?[] arguments, SiloAddress? via)
    {
        if (method.IsOneWay)
        {
            Send(Request(target, method, arguments), via);
            return Task.FromResult<T>(default!);
        }

        return InvokeWithRetriesAsync<T>(target, method, arguments, via);
    }

    /// <summary>A response from a gateway: decoded by the method of the call it answers.</summary>
    public void OnResponse(Message response)
    {
        if (callbacks.FindRequest(response.Id) is { Method: { } method })
        {
            codec.DecodeResponse(response, method);
            callbacks.OnResponse(response);
        }
    }

    /// <summary>A request that never left: its call fails as not delivered, which makes any call safe to make again.</summary>
    public void OnNotSent(Message request, Exception reason)
    {
        if (request.Direction == MessageDirection.Request)
        {
            callbacks.OnResponse(request.CreateResponse(Response.FromException(NotDelivered.Mark(
                new SiloUnavailableException($"The call to {request.TargetGrain}.{request.MethodName} was not sent: {reason.Message}", reason)))));
        }
    }

    /// <summary>A gateway closed: the calls it carried get no answer through it.</summary>
    public void OnGatewayLost(SiloAddress gateway) => callbacks.FailCallsTo(gateway, $"The client's gateway {gateway} went away");

    private async Task<T> InvokeWithRetriesAsync<T>(GrainReference target, MethodDescriptor method, object?[] arguments, SiloAddress? via)
    {
        var delay = options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var request = Request(target, method, arguments);
            var call = new PendingCall<T>(request, method.Timeout ?? options.ResponseTimeout);
            callbacks.Register(request.Id, call);
            Send(request, via);
            try
            {
                return await call.Task;
            }
            catch (SiloUnavailableException failure) when (attempt < options.MaxAttempts
                && ((method.Flags & MessageFlags.ReadOnly) != 0 || NotDelivered.Is(failure)))
            {
                await Task.Delay(delay, time);
                delay *= 2;
            }
        }
    }

    private Message Request(GrainReference target, MethodDescriptor method, object?[] arguments) => new()
    {
        Direction = method.IsOneWay ? MessageDirection.OneWay : MessageDirection.Request,
        Id = Interlocked.Increment(ref _nextId),
        TargetGrain = target.GrainId,
        InterfaceName = method.Interface.Name,
        MethodId = method.Id,
        Flags = method.Flags | MessageFlags.FromClient,
        RequestContext = RequestContextData.Current?.Values,
        Body = arguments,
        Method = method,
        ExpiresAt = time.Deadline(method.Timeout ?? options.ResponseTimeout),
    };

    private void Send(Message request, SiloAddress? via)
    {
        if (Gateways?.TrySend(request, via) != true)
        {
            OnNotSent(request, new SiloUnavailableException("no gateway of the cluster is connected"));
        }
    }
}
