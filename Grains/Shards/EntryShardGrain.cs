using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Optimus.Grains.Storage;
using Optimus.Runtime;

namespace Optimus.Grains.Shards;

/// <summary>
/// One shard of one table of one version. While open it takes batches (see <see cref="ShardStaging"/> for where they
/// become durable) and ignores a batch id it has seen. Sealing fences batches (this grain runs one call at a time, so a
/// batch is either in before the seal or refused after it), builds the segment, keeps its durable copy in the shard
/// store when there is one, and records the shard's figures. Afterwards it serves reads from the memory-mapped segment,
/// opened on the first read — fetched from the store if this silo has no copy — and checked against those figures, so
/// that sealing or deleting a version never reads its data back and no silo serves a segment that is not this one.
/// Once open, the segment is also on this silo's <see cref="OpenSegments"/>, where the silo's reads find it without a
/// turn of this grain; while such reads come, the grain keeps itself from idle collection as their calls would have.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A grain lets go of its files on deactivation.")]
internal sealed class EntryShardGrain(
    [PersistentState("shard")] IPersistentState<ShardState> state,
    ShardFiles files,
    OpenSegments openSegments,
    LoadMemoryReclaimer reclaimer,
    IOptions<GrainCollectionOptions> collection,
    IShardStore? store = null) : Grain, IEntryShardGrain
{
    private const int MaxBatchIdLength = 256;
    private ShardKey _key;
    private ShardStaging _staging = null!; // set on activation
    private Segment? _segment;
    private Task<Segment>? _opening; // reads interleave: the first one opens the segment, the others wait for it
    private IGrainTimer? _keepAlive;

    private ShardState Shard => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = ShardKey.Parse(GetPrimaryKeyString());
        _staging = new ShardStaging(GetPrimaryKeyString(), files.Staging(_key.Version, _key.Table, _key.Shard), store);
        if (Shard.Phase != ShardPhase.Open)
        {
            await _staging.DeleteAsync(); // left behind by a crash between sealing (or deleting) and cleaning up
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _staging.Dispose();
        CloseSegment();
        return Task.CompletedTask;
    }

    public async Task<int> AddBatch(string batchId, ImmutableArray<Entry> entries)
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

        return await _staging.AppendAsync(batchId, entries) switch
        {
            AppendOutcome.Appended => entries.Length,
            AppendOutcome.Duplicate => 0,
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

        DirectorySync.CreateDurably(Path.GetDirectoryName(SegmentPath)!);
        var stats = await SegmentWriter.BuildAsync(await _staging.ForSealingAsync(), SegmentPath);
        if (store is not null)
        {
            await store.PutSegmentAsync(GetPrimaryKeyString(), SegmentPath, CancellationToken.None);
        }

        Shard.Phase = ShardPhase.Sealed;
        Shard.Entries = stats.Entries;
        Shard.Checksum = stats.Checksum;
        await state.WriteStateAsync();
        await _staging.DeleteAsync();
        reclaimer.AfterSeal();
        return stats;
    }

    public Task<ReadOnlyMemory<byte>?> Get(string key) =>
        _segment is { } segment ? Task.FromResult(segment.Get(key)) : ReadAsync(key);

    public async Task<ImmutableArray<ReadOnlyMemory<byte>?>> GetMany(ImmutableArray<string> keys)
    {
        var values = ImmutableArray.CreateBuilder<ReadOnlyMemory<byte>?>(keys.Length);
        foreach (var key in keys)
        {
            values.Add(_segment is { } segment ? segment.Get(key) : await ReadAsync(key));
        }

        return values.MoveToImmutable();
    }

    public async Task DeleteData()
    {
        if (Shard.Phase == ShardPhase.Deleted)
        {
            return;
        }

        Shard.Phase = ShardPhase.Deleted;
        await state.WriteStateAsync();
        CloseSegment();
        await _staging.DeleteAsync();
        File.Delete(SegmentPath);
        if (store is not null)
        {
            await store.DeleteSegmentAsync(GetPrimaryKeyString(), CancellationToken.None);
        }
    }

    private string SegmentPath => files.Segment(_key.Version, _key.Table, _key.Shard);

    private async Task<ReadOnlyMemory<byte>?> ReadAsync(string key) => Shard.Phase switch
    {
        ShardPhase.Sealed => (_segment ??= await OpenOnceAsync()).Get(key),
        ShardPhase.Open => AsMemory(await _staging.ReadAsync(key)),
        _ => throw Deleted(),
    };

    private async Task<Segment> OpenOnceAsync()
    {
        try
        {
            return await (_opening ??= OpenAndShelveAsync());
        }
        catch
        {
            _opening = null; // the next read tries again
            throw;
        }
    }

    private async Task<Segment> OpenAndShelveAsync()
    {
        var segment = await OpenSegmentAsync();
        openSegments.Add(_key, segment);
        if (collection.Value.CollectionAge is var age && age != Timeout.InfiniteTimeSpan)
        {
            _keepAlive = RegisterGrainTimer(_ => KeepAliveWhileReadAsync(age), age / 2, age / 2);
        }

        return segment;
    }

    // Reads that came through OpenSegments since the last tick count as activity, as their calls would have.
    private Task KeepAliveWhileReadAsync(TimeSpan age)
    {
        if (openSegments.TakeReadSince(_key))
        {
            DelayDeactivation(age);
        }

        return Task.CompletedTask;
    }

    private void CloseSegment()
    {
        _keepAlive?.Dispose();
        _keepAlive = null;
        if (_segment is { } segment)
        {
            openSegments.Withdraw(_key, segment);
            segment.Dispose(); // unmapped once the reads already in it are done
        }

        _segment = null;
        _opening = null;
    }

    // Opens (and verifies) the segment this shard sealed: the local copy if it is this one, else the store's.
    private async Task<Segment> OpenSegmentAsync()
    {
        if (File.Exists(SegmentPath) && TryOpenSealed() is { } local)
        {
            return local;
        }

        if (store is null || !await store.GetSegmentAsync(GetPrimaryKeyString(), SegmentPath, CancellationToken.None))
        {
            throw new InvalidDataException($"The segment of shard {GetPrimaryKeyString()} is missing.");
        }

        return TryOpenSealed() ?? throw new InvalidDataException(
            $"The stored segment of shard {GetPrimaryKeyString()} does not hold the {Shard.Entries} entries (checksum {Shard.Checksum:x16}) it was sealed with.");
    }

    private Segment? TryOpenSealed()
    {
        var segment = Segment.Open(SegmentPath);
        if (segment.Count == Shard.Entries && segment.Checksum == Shard.Checksum)
        {
            return segment;
        }

        segment.Dispose(); // another version's file under a reused name, or a stale copy
        return null;
    }

    // Spelled out: in "value is null ? null : memory" the null itself converts to an empty memory, not a missing value.
    private static ReadOnlyMemory<byte>? AsMemory(byte[]? value) => value is null ? default(ReadOnlyMemory<byte>?) : value;

    private ProblemException Deleted() =>
        new(ProblemCodes.VersionNotFound, $"The data of version {_key.Version} was deleted (it was discarded, failed or pruned).");
}
