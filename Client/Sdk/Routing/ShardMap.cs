using System.Collections.Frozen;
using Optimus.Grains;

namespace Optimus.Client.Routing;

/// <summary>A version's routes, parsed once: per table, the server of each shard (null where the service did not know).</summary>
internal sealed class ShardMap(int shards, FrozenDictionary<string, Uri?[]> tables)
{
    public int Shards { get; } = shards;

    public static ShardMap From(ShardRoutes routes) => new(
        routes.Shards,
        routes.Tables.ToFrozenDictionary(
            t => t.Key, t => t.Value.Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null).ToArray(), StringComparer.Ordinal));

    public Uri? ServerFor(string table, int shard) => tables.TryGetValue(table, out var servers) && shard < servers.Length ? servers[shard] : null;

    public bool Names(Uri server) => tables.Values.Any(servers => Array.Exists(servers, s => s == server));
}
