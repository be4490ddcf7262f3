using Microsoft.Extensions.Logging;
using Optimus.Runtime;

namespace Optimus.Grains.Routing;

/// <summary>
/// Tells the silos of a new active version, for one dataset grain's activation. Those told are every silo that asked
/// this activation for the active version (it may have cached the old one) and every silo the membership knows that is
/// not dead (it may have asked an earlier activation). A publish waits for them all, so that once it answers no read on
/// any silo resolves the old version; a silo that does not answer within <see cref="Patience"/> is on its way out — it
/// is no longer in the cluster once its peers find it dead — and is logged, not waited for.
/// </summary>
internal sealed partial class ActiveVersionAnnouncer(IGrainFactory grains, ILocalSilo silo, ActiveVersionCache local, ILogger logger)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly HashSet<string> _watchers = new(StringComparer.Ordinal);

    /// <summary>Remembers a silo that asked for the active version.</summary>
    public void Watch(string siloAddress) => _watchers.Add(siloAddress);

    public async Task AnnounceAsync(string dataset, ActiveVersion active)
    {
        var membership = silo.Membership;
        var silos = new HashSet<string>(_watchers, StringComparer.Ordinal);
        foreach (var (member, status) in membership.Silos)
        {
            var address = member.ToString();
            if (status == MembershipStatus.Dead)
            {
                silos.Remove(address);
                _watchers.Remove(address);
            }
            else
            {
                silos.Add(address);
            }
        }

        local.Offer(dataset, active); // this silo directly; a silo alone makes no call at all
        silos.Remove(silo.Address.ToString());
        await Task.WhenAll(silos.Select(address => OfferAsync(address, dataset, active)));
    }

    private async Task OfferAsync(string address, string dataset, ActiveVersion active)
    {
        try
        {
            await grains.GetGrain<ISiloRoutingGrain>(address).OfferActive(dataset, active).WaitAsync(Patience);
        }
#pragma warning disable CA1031 // a silo that cannot be told is leaving the cluster; the publish stands
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogNotTold(logger, exception, address, dataset, active.Id);
        }
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Warning, Message = "Silo {Silo} was not told that {Dataset}'s active version is now {Version}.")]
    private static partial void LogNotTold(ILogger logger, Exception exception, string silo, string dataset, string? version);
}
