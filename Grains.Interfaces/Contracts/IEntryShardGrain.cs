using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// One shard of one table of one version, keyed <c>{version}/{table}/{shard}</c>. While the version awaits entries it
/// takes batches, acknowledging each once it is on disk; sealing builds its immutable segment; afterwards it serves
/// reads from it.
/// </summary>
public interface IEntryShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a batch, durably, and returns how many entries it held; a batch id seen before adds nothing and returns 0.
    /// Problem: <c>version-not-writable</c> once the shard is sealed or deleted.
    /// </summary>
    Task<int> AddBatch(string batchId, ImmutableArray<Entry> entries);

    /// <summary>Fences batches and builds the segment (last write of a key wins); idempotent.</summary>
    Task<ShardStats> Seal();

    /// <summary>The value of a key, or null.</summary>
    [ReadOnly]
    Task<ReadOnlyMemory<byte>?> Get(string key);

    /// <summary>The values of several keys, in their order, null where missing.</summary>
    [ReadOnly]
    Task<ImmutableArray<ReadOnlyMemory<byte>?>> GetMany(ImmutableArray<string> keys);

    /// <summary>Deletes the shard's files; later batches and reads are refused.</summary>
    Task DeleteData();
}
