using Microsoft.Extensions.Logging;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Networking;
using Optimus.Runtime.Placement;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// Where messages leave and enter the silo. A request goes to the silo that placement names — this one, or another
/// over the network — and a response to the silo (or the client) that sent the request. Within the silo, arguments,
/// results and exceptions cross the copy boundary through the codec (unless immutable) exactly as if they had crossed
/// the wire; across the network the wire codec does the same.
/// </summary>
internal sealed partial class MessageCenter(GrainCodec codec, MessageCodec wire, LocalSilo silo, GrainPlacement placement, ILogger<MessageCenter> logger)
{
    private Dispatcher? _dispatcher;
    private CallbackTable? _callbacks;
    private SiloConnections? _network;

    public SiloAddress Address => silo.Address;

    /// <summary>Connects the receiving ends, and the network when the silo listens (in a cluster, or for clients).</summary>
    public void Attach(Dispatcher dispatcher, CallbackTable callbacks, SiloConnections? network)
    {
        _dispatcher = dispatcher;
        _callbacks = callbacks;
        _network = network;
        callbacks.RelayFailed = (request, exception) => Reject(request, exception);
    }

    public void SendRequest(Message request)
    {
        if (_dispatcher is not { } dispatcher)
        {
            throw new SiloUnavailableException($"Silo {silo.Address} has not started.");
        }

        var target = request.TargetSilo ??= placement.Locate(request.TargetGrain);
        if (target == silo.Address)
        {
            request.Body = codec.CopyArguments((object?[])request.Body!, request.Method!);
            dispatcher.ReceiveRequest(request);
        }
        else
        {
            Network.Send(target, request);
        }
    }

    /// <summary>Passes a request on to the silo that owns its grain by this silo's view.</summary>
    public void Forward(Message request, SiloAddress owner)
    {
        request.ForwardCount++;
        request.TargetSilo = owner;
        if (request.Client != Guid.Empty && request.SendingSilo == silo.Address)
        {
            _callbacks?.TrackRelay(request); // this silo is the client's gateway: it answers if the owner dies first
        }

        Network.Send(owner, request);
    }

    /// <summary>Hands a request back to the dispatcher, as when its activation went away before running it.</summary>
    public void Redeliver(Message request) => _dispatcher?.ReceiveRequest(request);

    public void SendResponse(Message response)
    {
        if (response.TargetSilo is { } target && target != silo.Address)
        {
            Network.Send(target, response);
            return;
        }

        if (response.Client != Guid.Empty)
        {
            _callbacks?.EndRelay(response);
            Network.SendToClient(response.Client, response); // this silo is the client's gateway
            return;
        }

        if (_callbacks is not { } callbacks)
        {
            return;
        }

        try
        {
            response.Body = CopyResponse((Response)response.Body!, response);
        }
#pragma warning disable CA1031 // a result that cannot be copied is the caller's error, not the silo's
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogResultNotCopied(logger, exception, response);
            response.Body = Response.FromException(new GrainException(
                exception.GetType().FullName!, $"The result of {response.SendingGrain}.{response.MethodName} could not be serialized: {exception.Message}"));
        }

        callbacks.OnResponse(response);
    }

    /// <summary>A message that arrived over the network: its body is decoded once the method it names is known.</summary>
    public void ReceiveFromNetwork(Message message)
    {
        try
        {
            if (message.Direction == MessageDirection.Response)
            {
                if (message.Client != Guid.Empty && message.TargetSilo == silo.Address)
                {
                    _callbacks?.EndRelay(message);
                    Network.SendToClient(message.Client, message); // relayed as it came: the client decodes it
                }
                else if (_callbacks?.FindRequest(message.Id) is { Method: { } method })
                {
                    wire.DecodeResponse(message, method);
                    _callbacks.OnResponse(message);
                }

                return;
            }

            var resolved = wire.Resolve(message) ?? throw new GrainException(
                $"Silo {silo.Address} does not know method #{message.MethodId} of {message.InterfaceName}; are its grain interfaces older than the caller's?");
            wire.DecodeRequest(message, resolved);
            _dispatcher?.ReceiveRequest(message);
        }
#pragma warning disable CA1031 // a message that cannot be decoded fails its own call
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Reject(message, exception);
        }
    }

    /// <summary>Fails a request with <paramref name="exception"/>: the caller gets it as the call's outcome.</summary>
    public void Reject(Message request, Exception exception)
    {
        if (request.Direction == MessageDirection.Request)
        {
            SendResponse(request.CreateResponse(Response.FromException(exception)));
        }
        else
        {
            LogNotDelivered(logger, exception, request);
        }
    }

    private SiloConnections Network => _network ?? throw new SiloUnavailableException($"Silo {silo.Address} is not part of a cluster.");

    private Response CopyResponse(Response response, Message message)
    {
        if (response.Exception is { } exception)
        {
            return Response.FromException(GrainCodec.CopyException(exception));
        }

        var method = message.Method;
        return response.Value is null || method is null || method.ResultImmutable
            ? response
            : Response.FromValue(codec.Copy(response.Value, method.ResultType!));
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "The result of {Message} could not be copied.")]
    private static partial void LogResultNotCopied(ILogger logger, Exception exception, Message message);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Message} was not delivered.")]
    private static partial void LogNotDelivered(ILogger logger, Exception exception, Message message);
}
