namespace Optimus.Grains.Shards;

/// <summary>The durable state of a shard grain: open for batches, sealed (with its figures), or deleted.</summary>
internal sealed class ShardState
{
    public ShardPhase Phase { get; set; }

    public long Entries { get; set; }

    public ulong Checksum { get; set; }
}
