using System.Collections.Frozen;
using System.Collections.Immutable;
using Optimus.Grains;
using Optimus.Runtime;

namespace Optimus.Client.Routing;

/// <summary>
/// A version's routes, parsed once: per table, the HTTP server and the gateway of each shard's silo (null where the
/// service did not know).
/// </summary>
internal sealed class ShardMap(int shards, FrozenDictionary<string, Uri?[]> tables, FrozenDictionary<string, SiloAddress?[]> gateways)
{
    public int Shards { get; } = shards;

    public static ShardMap From(ShardRoutes routes) => new(
        routes.Shards,
        routes.Tables.ToFrozenDictionary(
            t => t.Key, t => t.Value.Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null).ToArray(), StringComparer.Ordinal),
        (routes.Gateways ?? ImmutableDictionary<string, ImmutableArray<string>>.Empty).ToFrozenDictionary(
            t => t.Key, t => t.Value.Select(text => SiloAddress.TryParse(text, out var silo) ? silo : null).ToArray(), StringComparer.Ordinal));

    public Uri? ServerFor(string table, int shard) => tables.TryGetValue(table, out var servers) && shard < servers.Length ? servers[shard] : null;

    public SiloAddress? GatewayFor(string table, int shard) => gateways.TryGetValue(table, out var silos) && shard < silos.Length ? silos[shard] : null;

    public bool Names(Uri server) => tables.Values.Any(servers => Array.Exists(servers, s => s == server));
}
