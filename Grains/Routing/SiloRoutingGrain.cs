using Optimus.Runtime;

namespace Optimus.Grains.Routing;

/// <summary>One per silo: hands the active versions datasets announce to this silo's cache, and says where it serves HTTP.</summary>
[SiloBound]
internal sealed class SiloRoutingGrain(ActiveVersionCache cache, ServiceAddress address) : Grain, ISiloRoutingGrain
{
    public Task<string?> GetServiceAddress() => Task.FromResult(address.Url);

    public Task OfferActive(string dataset, ActiveVersion active)
    {
        cache.Offer(dataset, active);
        return Task.CompletedTask;
    }
}
