using System.Collections.Concurrent;

namespace Optimus.Grains.Routing;

/// <summary>
/// This silo's view of each dataset's active version. The dataset grain offers every new pointer after it is durable
/// and before its publish returns, so once a publish has answered, no read on this silo resolves the old version.
/// An offer with an older publish sequence never replaces a newer one.
/// </summary>
internal sealed class ActiveVersionCache
{
    private readonly ConcurrentDictionary<string, ActiveVersion> _active = new(StringComparer.Ordinal);

    public bool TryGet(string dataset, out ActiveVersion active) => _active.TryGetValue(dataset, out active!);

    public void Offer(string dataset, ActiveVersion active) =>
        _active.AddOrUpdate(dataset, active, (_, current) => active.Sequence >= current.Sequence ? active : current);
}
