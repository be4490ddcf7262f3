using System.Collections.Concurrent;
using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains.Routing;

/// <summary>
/// Answers "which silo holds each shard of this version" with the silos' HTTP and gateway addresses, so that a client
/// can send a key's request to the silo that serves it. Placement decides by this silo's view; each silo's address is asked of
/// its routing grain once per generation and kept.
/// </summary>
internal sealed class ShardRouteMap(VersionDirectory directory, IGrainFactory grains, ILocalSilo silo)
{
    private readonly ConcurrentDictionary<SiloAddress, string> _addresses = new();

    public async Task<ShardRoutes> GetAsync(string version)
    {
        var layout = await directory.GetLayoutAsync(version);
        var members = silo.Membership.Silos;
        foreach (var gone in _addresses.Keys.Where(a => !members.ContainsKey(a)))
        {
            _addresses.TryRemove(gone, out _); // an old generation: its address is no longer asked for
        }

        var owners = layout.Tables.ToDictionary(
            t => t, t => Enumerable.Range(0, layout.Shards).Select(s => silo.Locate(grains.GetGrain<IEntryShardGrain>(layout.ShardKey(t, s)))).ToArray(), StringComparer.Ordinal);
        var addresses = new Dictionary<SiloAddress, string?>();
        foreach (var owner in owners.Values.SelectMany(o => o).Distinct())
        {
            addresses[owner] = await AddressOfAsync(owner);
        }

        return new ShardRoutes(
            layout.Id,
            layout.Shards,
            owners.ToImmutableDictionary(o => o.Key, o => o.Value.Select(owner => addresses[owner]).ToImmutableArray(), StringComparer.Ordinal),
            owners.ToImmutableDictionary(o => o.Key, o => o.Value.Select(owner => owner.ToString()).ToImmutableArray(), StringComparer.Ordinal));
    }

    private async Task<string?> AddressOfAsync(SiloAddress owner)
    {
        if (_addresses.TryGetValue(owner, out var known))
        {
            return known;
        }

        try
        {
            var address = await grains.GetGrain<ISiloRoutingGrain>(owner.ToString()).GetServiceAddress();
            return address is null ? null : _addresses.GetOrAdd(owner, address);
        }
        catch (SiloUnavailableException)
        {
            return null; // leaving or dead: its shards are about to move, and the client sends those keys anywhere
        }
    }
}
