using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// The routing caches of one silo (silo-bound: keyed by the silo's address). A dataset tells every silo of its new
/// active version through it before a publish or rollback answers.
/// </summary>
public interface ISiloRoutingGrain : IGrainWithStringKey
{
    /// <summary>Takes <paramref name="active"/> as the dataset's active version unless this silo knows a newer one.</summary>
    Task OfferActive(string dataset, ActiveVersion active);
}
