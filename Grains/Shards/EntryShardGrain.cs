using System.Collections.Immutable;
using Optimus.Grains.Storage;
using Optimus.Runtime;

namespace Optimus.Grains.Shards;

/// <summary>
/// One shard of one table of one version. While open it appends batches to its staging log, acknowledging each once
/// it is flushed to disk, and ignores a batch id it has seen. Sealing fences batches (this grain runs one call at a
/// time, so a batch is either in before the seal or refused after it), builds the segment, and records the shard's
/// figures. Afterwards it serves reads from the memory-mapped segment, opened (and verified) on the first read, so that
/// sealing or deleting a version never reads its data back.
/// </summary>
internal sealed class EntryShardGrain(
    [PersistentState("shard")] IPersistentState<ShardState> state,
    ShardFiles files) : Grain, IEntryShardGrain
{
    private const int MaxBatchIdLength = 256;
    private ShardKey _key;
    private StagingLog? _log;
    private Segment? _segment;

    private ShardState Shard => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = ShardKey.Parse(GetPrimaryKeyString());
        if (Shard.Phase != ShardPhase.Open)
        {
            DeleteStaging(); // left behind by a crash between sealing (or deleting) and cleaning up
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _log?.Dispose();
        _segment?.Dispose();
        return Task.CompletedTask;
    }

    public Task<int> AddBatch(string batchId, ImmutableArray<Entry> entries)
    {
        if (string.IsNullOrEmpty(batchId) || batchId.Length > MaxBatchIdLength)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, $"A batch id has 1 to {MaxBatchIdLength} characters.");
        }

        if (Shard.Phase != ShardPhase.Open)
        {
            throw new ProblemException(ProblemCodes.VersionNotWritable,
                $"Version {_key.Version} takes no more entries: it is being saved, saved, or discarded.");
        }

        var log = _log ??= StagingLog.Open(StagingPath);
        return log.Append(batchId, entries) switch
        {
            AppendOutcome.Appended => Task.FromResult(entries.Length),
            AppendOutcome.Duplicate => Task.FromResult(0),
            _ => throw new ProblemException(ProblemCodes.InvalidRequest,
                $"Batch id '{batchId}' was used before in version {_key.Version} with other entries; use a new id (Idempotency-Key) for new entries."),
        };
    }

    public async Task<ShardStats> Seal()
    {
        switch (Shard.Phase)
        {
            case ShardPhase.Sealed:
                return new ShardStats(Shard.Entries, Shard.Checksum);
            case ShardPhase.Deleted:
                throw Deleted();
        }

        if (_log is null && File.Exists(StagingPath))
        {
            _log = StagingLog.Open(StagingPath);
        }

        DirectorySync.CreateDurably(Path.GetDirectoryName(SegmentPath)!);
        var stats = SegmentWriter.Build(_log, SegmentPath);
        Shard.Phase = ShardPhase.Sealed;
        Shard.Entries = stats.Entries;
        Shard.Checksum = stats.Checksum;
        await state.WriteStateAsync();

        _log?.Dispose();
        _log = null;
        DeleteStaging();
        return stats;
    }

    public Task<ReadOnlyMemory<byte>?> Get(string key) => Task.FromResult(Read(key));

    public Task<ImmutableArray<ReadOnlyMemory<byte>?>> GetMany(ImmutableArray<string> keys)
    {
        var values = ImmutableArray.CreateBuilder<ReadOnlyMemory<byte>?>(keys.Length);
        foreach (var key in keys)
        {
            values.Add(Read(key));
        }

        return Task.FromResult(values.MoveToImmutable());
    }

    public async Task DeleteData()
    {
        if (Shard.Phase == ShardPhase.Deleted)
        {
            return;
        }

        Shard.Phase = ShardPhase.Deleted;
        await state.WriteStateAsync();
        _log?.Dispose();
        _log = null;
        _segment?.Dispose();
        _segment = null;
        DeleteStaging();
        File.Delete(SegmentPath);
    }

    private string StagingPath => files.Staging(_key.Version, _key.Table, _key.Shard);

    private string SegmentPath => files.Segment(_key.Version, _key.Table, _key.Shard);

    private ReadOnlyMemory<byte>? Read(string key)
    {
        var value = Shard.Phase switch
        {
            ShardPhase.Sealed => (_segment ??= Segment.Open(SegmentPath)).Get(key), // opened, and verified, on the first read
            ShardPhase.Open => (_log ??= File.Exists(StagingPath) ? StagingLog.Open(StagingPath) : null)?.Read(key),
            _ => throw Deleted(),
        };

        // Spelled out: in "value is null ? null : memory" the null itself converts to an empty memory, not a missing value.
        return value is null ? default(ReadOnlyMemory<byte>?) : value;
    }

    private ProblemException Deleted() =>
        new(ProblemCodes.VersionNotFound, $"The data of version {_key.Version} was deleted (it was discarded, failed or pruned).");

    private void DeleteStaging()
    {
        if (File.Exists(StagingPath))
        {
            File.Delete(StagingPath);
        }
    }
}
