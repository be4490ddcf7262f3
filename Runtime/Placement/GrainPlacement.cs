using Optimus.Runtime.Catalog;
using Optimus.Runtime.Hosting;

namespace Optimus.Runtime.Placement;

/// <summary>
/// Where a grain lives, by this silo's view: stateless workers here, a silo-bound grain on the silo its key names, every
/// other grain on the owner of its hash in the ring of active silos. The ring is rebuilt from each new membership snapshot; a silo that is shutting down leaves
/// its own ring at once, so that it forwards rather than serves.
/// </summary>
internal sealed class GrainPlacement(LocalSilo silo, GrainManifest manifest)
{
    private volatile ConsistentHashRing _ring = new([silo.Address]);
    private Func<Task>? _refreshView;

    public ConsistentHashRing Ring => _ring;

    /// <summary>
    /// Rebuilds the ring from a snapshot (called by the membership service). A silo that finds no active silo — it is
    /// the last, and leaving — keeps its grains: there is nobody to hand them to.
    /// </summary>
    public void Update(MembershipSnapshot snapshot) => _ring = new ConsistentHashRing(snapshot.Active.IsEmpty ? [silo.Address] : snapshot.Active);

    /// <summary>Lets the membership service read the table on demand (a silo alone has nothing to read).</summary>
    public void OnRefreshView(Func<Task> refresh) => _refreshView = refresh;

    /// <summary>Reads the membership table now and applies it; never fails (a failed read leaves the view as it was).</summary>
    public Task RefreshViewAsync() => _refreshView?.Invoke() ?? Task.CompletedTask;

    /// <summary>The silo a message for <paramref name="grain"/> should go to.</summary>
    public SiloAddress Locate(GrainId grain) => manifest.FindClass(grain.Type) switch
    {
        { IsStatelessWorker: true } => silo.Address,
        { IsSiloBound: true } => SiloAddress.TryParse(grain.Key, out var bound)
            ? bound
            : throw new ArgumentException($"{grain} is silo-bound, so its key must be a silo address (host:port@generation)."),
        _ => _ring.Owner(grain),
    };

    public bool IsLocal(GrainId grain) => Locate(grain) == silo.Address;
}
