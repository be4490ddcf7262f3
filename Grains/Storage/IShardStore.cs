namespace Optimus.Grains.Storage;

/// <summary>
/// Where the data of shards lives durably in a cluster, shared by every silo so that any of them can take a shard over
/// without the dataset being loaded again: the batches of shards whose version awaits entries, and the segments of
/// saved ones. Shards are named by their grain key, <c>{version}/{table}/{shard}</c>. Embedded, the data directory is
/// that home and no store is configured.
/// </summary>
internal interface IShardStore
{
    /// <summary>
    /// Adds a batch unless its id is there already: <see cref="AppendOutcome.Appended"/> once it is committed,
    /// <see cref="AppendOutcome.Duplicate"/> when the same batch (same hash) is there, <see cref="AppendOutcome.Conflict"/>
    /// when another batch has this id.
    /// </summary>
    Task<AppendOutcome> AddBatchAsync(string shard, string batchId, ulong hash, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Hands every batch of the shard to <paramref name="batch"/> (id and payload), in the order they were added.</summary>
    Task ReadBatchesAsync(string shard, Action<string, byte[]> batch, CancellationToken cancellationToken);

    /// <summary>Forgets the shard's batches (once its segment is built, or its version deleted).</summary>
    Task DeleteBatchesAsync(string shard, CancellationToken cancellationToken);

    /// <summary>Stores the segment file at <paramref name="path"/> whole, replacing any earlier copy, in one transaction.</summary>
    Task PutSegmentAsync(string shard, string path, CancellationToken cancellationToken);

    /// <summary>Writes the shard's segment to <paramref name="path"/> (whole or not at all); false when the store holds none.</summary>
    Task<bool> GetSegmentAsync(string shard, string path, CancellationToken cancellationToken);

    /// <summary>Forgets the shard's segment.</summary>
    Task DeleteSegmentAsync(string shard, CancellationToken cancellationToken);
}
