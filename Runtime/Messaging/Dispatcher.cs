using Microsoft.Extensions.Logging;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Placement;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// Receives requests for this silo: drops expired ones, refuses what the silo's status does not allow, passes on those
/// whose grain another silo owns, and hands the rest to the catalog. A request another silo passed on here names this
/// silo as the owner by the sender's view, which may be newer than this silo's: this silo reads the membership table
/// before it passes the request on again, and it passes a request on at most twice, so that views that disagree for a
/// moment cannot bounce it forever.
/// </summary>
internal sealed class Dispatcher(
    Catalog.Catalog catalog, MessageCenter messageCenter, GrainPlacement placement, LocalSilo silo, TimeProvider time, ILogger<Dispatcher> logger)
{
    private const int MaxForwards = 2;

    public void ReceiveRequest(Message request) => Receive(request, viewRefreshed: false);

    private void Receive(Message request, bool viewRefreshed)
    {
        if (request.IsExpired(time.GetTimestamp()))
        {
            MessagingLog.Expired(logger, request);
            return;
        }

        var status = silo.Status;
        if (status is SiloStatus.Stopped or SiloStatus.Created)
        {
            messageCenter.Reject(request, NotDelivered.Mark(new SiloUnavailableException(
                $"Silo {silo.Address} is {status}; the call to {request.TargetGrain}.{request.MethodName} was not delivered.")));
            return;
        }

        if (!placement.IsLocal(request.TargetGrain))
        {
            if (request.ForwardCount > 0 && !viewRefreshed)
            {
                _ = ReceiveAfterRefreshAsync(request);
                return;
            }

            if (request.ForwardCount >= MaxForwards)
            {
                messageCenter.Reject(request, NotDelivered.Mark(new SiloUnavailableException(
                    $"The call to {request.TargetGrain}.{request.MethodName} was passed on {MaxForwards} times: the silos' views of the cluster disagree. Retry.")));
                return;
            }

            messageCenter.Forward(request, placement.Locate(request.TargetGrain));
            return;
        }

        if (status == SiloStatus.ShuttingDown && (request.Flags & MessageFlags.FromClient) != 0 && !silo.IsClustered)
        {
            messageCenter.Reject(request, NotDelivered.Mark(new SiloUnavailableException(
                $"Silo {silo.Address} is {status}; the call to {request.TargetGrain}.{request.MethodName} was not delivered.")));
            return;
        }

        catalog.Deliver(request);
    }

    private async Task ReceiveAfterRefreshAsync(Message request)
    {
        await placement.RefreshViewAsync();
        Receive(request, viewRefreshed: true);
    }
}
