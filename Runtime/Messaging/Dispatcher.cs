using Microsoft.Extensions.Logging;
using Optimus.Runtime.Hosting;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// Receives requests for this silo: drops expired ones, refuses what the silo's status does not allow, and hands the
/// rest to the catalog.
/// </summary>
internal sealed class Dispatcher(Catalog.Catalog catalog, MessageCenter messageCenter, LocalSilo silo, TimeProvider time, ILogger<Dispatcher> logger)
{
    public void ReceiveRequest(Message request)
    {
        if (request.IsExpired(time.GetTimestamp()))
        {
            MessagingLog.Expired(logger, request);
            return;
        }

        var status = silo.Status;
        if (status is SiloStatus.Stopped or SiloStatus.Created
            || (status == SiloStatus.ShuttingDown && (request.Flags & MessageFlags.FromClient) != 0))
        {
            messageCenter.Reject(request, new SiloUnavailableException(
                $"Silo {silo.Address} is {status}; the call to {request.TargetGrain}.{request.MethodName} was not delivered."));
            return;
        }

        catalog.Deliver(request);
    }
}
