using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// Where each shard of a version lives, by the answering silo's view of the cluster: per table, the HTTP address of the
/// silo that holds each shard (null where it is not known), and that silo's address as cluster clients reach it (its
/// gateway, <c>host:port@generation</c>). A client that sends a key's request there spares the service a hop; a stale
/// map costs only that hop, never a wrong answer.
/// </summary>
[Immutable]
public sealed record ShardRoutes(
    string Version, int Shards, ImmutableDictionary<string, ImmutableArray<string?>> Tables, ImmutableDictionary<string, ImmutableArray<string>> Gateways);
