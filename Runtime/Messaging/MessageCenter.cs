using Microsoft.Extensions.Logging;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// Where messages leave and enter the silo. Every grain lives on this silo in part 1, so a request goes to the local
/// dispatcher and a response to the local callback table — but through the copy boundary: arguments, results and
/// exceptions are copied through the codec (unless immutable) exactly as if they had crossed the wire. Part 2 adds
/// the transport for other silos here, and nothing above this class changes.
/// </summary>
internal sealed partial class MessageCenter(GrainCodec codec, LocalSilo silo, ILogger<MessageCenter> logger)
{
    private Dispatcher? _dispatcher;
    private CallbackTable? _callbacks;

    public SiloAddress Address => silo.Address;

    /// <summary>Connects the receiving ends; until then nothing can be delivered.</summary>
    public void Attach(Dispatcher dispatcher, CallbackTable callbacks)
    {
        _dispatcher = dispatcher;
        _callbacks = callbacks;
    }

    public void SendRequest(Message request)
    {
        var dispatcher = _dispatcher ?? throw new SiloUnavailableException($"Silo {silo.Address} has not started.");
        request.TargetSilo ??= silo.Address;
        request.Body = codec.CopyArguments((object?[])request.Body!, request.Method!);
        dispatcher.ReceiveRequest(request);
    }

    public void SendResponse(Message response)
    {
        if (_callbacks is not { } callbacks || (response.TargetSilo is { } target && target != silo.Address))
        {
            return; // not started, or addressed to another silo (or a previous generation of this one)
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

    /// <summary>Fails a request with <paramref name="exception"/>: the caller gets it as the call's outcome.</summary>
    public void Reject(Message request, Exception exception)
    {
        if (request.Direction == MessageDirection.Request)
        {
            SendResponse(request.CreateResponse(Response.FromException(exception)));
        }
        else
        {
            LogOneWayRejected(logger, exception, request);
        }
    }

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

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "The one-way {Message} was not delivered.")]
    private static partial void LogOneWayRejected(ILogger logger, Exception exception, Message message);
}
