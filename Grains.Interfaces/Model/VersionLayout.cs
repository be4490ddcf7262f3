using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// What never changes about a version once it exists: its dataset, tables and shard count. Routers cache it forever.
/// </summary>
[Immutable]
public sealed record VersionLayout(string Id, string Dataset, ImmutableArray<string> Tables, int Shards)
{
    /// <summary>The shard a key of this version falls in: the stable hash of its UTF-8 bytes, modulo the shard count.</summary>
    public int ShardOf(string key) => ShardOf(StableHash.Hash64(key), Shards);

    /// <summary>The shard among <paramref name="shards"/> of a key whose stable hash is <paramref name="keyHash"/>.</summary>
    public static int ShardOf(ulong keyHash, int shards) => (int)(keyHash % (ulong)shards);

    /// <summary>The key of the shard grain for one table and shard.</summary>
    public string ShardKey(string table, int shard) => $"{Id}/{table}/{shard}";

    /// <summary>True when the dataset declares <paramref name="table"/>.</summary>
    public bool HasTable(string table) => Tables.Contains(table);
}
