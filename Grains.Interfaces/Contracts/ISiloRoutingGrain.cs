using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// The routing caches of one silo (silo-bound: keyed by the silo's address). A dataset tells every silo of its new
/// active version through it before a publish or rollback answers; other silos ask it where this one serves HTTP.
/// </summary>
public interface ISiloRoutingGrain : IGrainWithStringKey
{
    /// <summary>Takes <paramref name="active"/> as the dataset's active version unless this silo knows a newer one.</summary>
    Task OfferActive(string dataset, ActiveVersion active);

    /// <summary>The HTTP address this silo serves the API on, as clients reach it; null until it listens.</summary>
    [ReadOnly]
    Task<string?> GetServiceAddress();
}
