using System.Collections.Concurrent;
using Optimus.Client.Http;
using Optimus.Grains;
using Optimus.Runtime;

namespace Optimus.Client.Routing;

/// <summary>
/// What the client has learned of where things live: for each version, the silo that holds each shard (asked of the
/// service, kept a few seconds, asked again in the background), and for each dataset the version its last unpinned
/// read got. A key's request goes to the silo holding its shard, which serves it without another hop; when the
/// map is stale the silo still answers rightly, passing the read on — a hop more, never a wrong answer.
/// </summary>
internal sealed class RouteCache(ApiConnection api, TimeProvider time)
{
    private const int MaxVersions = 256;
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, VersionRoutes> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _active = new(StringComparer.Ordinal);

    /// <summary>Notes the version an unpinned read of <paramref name="dataset"/> got: the likely version of the next.</summary>
    public void SawActive(string dataset, string version) => _active[dataset] = version;

    /// <summary>The version the last unpinned read of <paramref name="dataset"/> got, if any.</summary>
    public string? ActiveHint(string dataset) => _active.GetValueOrDefault(dataset);

    /// <summary>The silo holding <paramref name="key"/>'s shard of a table of a version, when known; learns it in the background when not.</summary>
    public Uri? ServerFor(string version, string table, string key) =>
        Current(version) is { } routes ? routes.ServerFor(table, ShardOf(routes, key)) : null;

    /// <summary>The gateway of the silo holding <paramref name="key"/>'s shard, when known; learns it in the background when not.</summary>
    public SiloAddress? GatewayFor(string version, string table, string key) =>
        Current(version) is { } routes ? routes.GatewayFor(table, ShardOf(routes, key)) : null;

    /// <summary>The silo holding one shard of a table of a version, when known.</summary>
    public Uri? ServerFor(string version, string table, int shard) => Current(version)?.ServerFor(table, shard);

    /// <summary>Learns the routes of a version now (a load does, before it sends its first batch); never fails.</summary>
    public Task LearnAsync(string version) => Entry(version).RefreshAsync(api, time);

    /// <summary>A silo the map pointed to could not serve: every map that names it is asked for again.</summary>
    public void Failed(Uri server)
    {
        foreach (var routes in _versions.Values)
        {
            routes.MarkStaleIfNaming(server);
        }
    }

    private static int ShardOf(ShardMap routes, string key) => VersionLayout.ShardOf(StableHash.Hash64(key), routes.Shards);

    private ShardMap? Current(string version)
    {
        var entry = Entry(version);
        if (entry.IsStale(time, Freshness))
        {
            _ = entry.RefreshAsync(api, time);
        }

        return entry.Map;
    }

    private VersionRoutes Entry(string version)
    {
        if (_versions.TryGetValue(version, out var known))
        {
            return known;
        }

        if (_versions.Count >= MaxVersions)
        {
            foreach (var (id, routes) in _versions)
            {
                if (routes.IsStale(time, Freshness))
                {
                    _versions.TryRemove(id, out _); // not read for a while: learned again if it is
                }
            }
        }

        return _versions.GetOrAdd(version, static v => new VersionRoutes(v));
    }
}
