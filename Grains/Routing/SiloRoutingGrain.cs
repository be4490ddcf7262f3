using Optimus.Runtime;

namespace Optimus.Grains.Routing;

/// <summary>One per silo: hands the active versions datasets announce to this silo's cache.</summary>
[SiloBound]
internal sealed class SiloRoutingGrain(ActiveVersionCache cache) : Grain, ISiloRoutingGrain
{
    public Task OfferActive(string dataset, ActiveVersion active)
    {
        cache.Offer(dataset, active);
        return Task.CompletedTask;
    }
}
