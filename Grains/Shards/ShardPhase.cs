namespace Optimus.Grains.Shards;

/// <summary>The life of a shard.</summary>
internal enum ShardPhase
{
    /// <summary>Taking batches into its staging log.</summary>
    Open,

    /// <summary>Its segment is built and verified; batches are refused.</summary>
    Sealed,

    /// <summary>Its version was discarded, failed or pruned, and its files are gone.</summary>
    Deleted,
}
