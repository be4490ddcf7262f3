using System.Text;
using Optimus.Grains.Storage;
using Xunit;

namespace Optimus.Grains.Tests.Conformance;

/// <summary>The contract of the shard store, run against every provider.</summary>
public abstract class ShardStoreConformance : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private IShardStore? _store;

    private protected IShardStore Store => _store ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Cleanup();
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected virtual void Cleanup()
    {
    }

    /// <summary>A store over a fresh database; <see cref="Reopen"/> gives a second one over the same database.</summary>
    private protected abstract Task<IShardStore> CreateStoreAsync();

    private protected abstract IShardStore Reopen();

    private static string NewShard() => $"ds-{Guid.NewGuid():N}@1/main/{Random.Shared.Next(16)}";

    private static (ulong Hash, byte[] Payload) Batch(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return (Runtime.StableHash.Hash64(payload), payload);
    }

    private async Task<List<(string Id, string Text)>> ReadAsync(IShardStore store, string shard)
    {
        var batches = new List<(string, string)>();
        await store.ReadBatchesAsync(shard, (id, payload) => batches.Add((id, Encoding.UTF8.GetString(payload))), default);
        return batches;
    }

    [Fact]
    public async Task ABatchId_IsAddedOnce_ThenRecognisedAsTheSameBatch_OrAConflict()
    {
        var shard = NewShard();
        var (hash, payload) = Batch("one");
        var (otherHash, otherPayload) = Batch("other");

        Assert.Equal(AppendOutcome.Appended, await Store.AddBatchAsync(shard, "b1", hash, payload, default));
        Assert.Equal(AppendOutcome.Duplicate, await Store.AddBatchAsync(shard, "b1", hash, payload, default));
        Assert.Equal(AppendOutcome.Conflict, await Store.AddBatchAsync(shard, "b1", otherHash, otherPayload, default));
        Assert.Equal(AppendOutcome.Appended, await Store.AddBatchAsync(NewShard(), "b1", otherHash, otherPayload, default)); // ids are per shard

        Assert.Equal([("b1", "one")], await ReadAsync(Store, shard));
    }

    [Fact]
    public async Task Batches_ComeBackInTheOrderTheyWereAdded_FromAnyStoreOverTheDatabase()
    {
        var shard = NewShard();
        var ids = new[] { "z", "a", "m", "b" };
        foreach (var id in ids)
        {
            var (hash, payload) = Batch($"payload of {id}");
            await Store.AddBatchAsync(shard, id, hash, payload, default);
        }

        var expected = ids.Select(id => (id, $"payload of {id}")).ToList();
        Assert.Equal(expected, await ReadAsync(Store, shard));
        Assert.Equal(expected, await ReadAsync(Reopen(), shard)); // committed: another silo sees them
        Assert.Empty(await ReadAsync(Store, NewShard()));
    }

    [Fact]
    public async Task ConcurrentAdds_OfOneBatch_AppendItOnce()
    {
        var shard = NewShard();
        var (hash, payload) = Batch("racing");
        var other = Reopen();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? Store : other).AddBatchAsync(shard, "b", hash, payload, default)));

        Assert.Single(outcomes, o => o == AppendOutcome.Appended);
        Assert.All(outcomes.Where(o => o != AppendOutcome.Appended), o => Assert.Equal(AppendOutcome.Duplicate, o));
        Assert.Single(await ReadAsync(Store, shard));
    }

    [Fact]
    public async Task DeletingBatches_ForgetsThatShardOnly()
    {
        var (shard, kept) = (NewShard(), NewShard());
        var (hash, payload) = Batch("x");
        await Store.AddBatchAsync(shard, "b", hash, payload, default);
        await Store.AddBatchAsync(kept, "b", hash, payload, default);

        await Store.DeleteBatchesAsync(shard, default);

        Assert.Empty(await ReadAsync(Store, shard));
        Assert.Single(await ReadAsync(Store, kept));
        Assert.Equal(AppendOutcome.Appended, await Store.AddBatchAsync(shard, "b", hash, payload, default)); // the id is free again
    }

    [Fact]
    public async Task Segments_ComeBackByteForByte_AcrossChunks()
    {
        var shard = NewShard();
        var bytes = new byte[(SqlShardStore.ChunkBytes * 2) + 12345];
        Random.Shared.NextBytes(bytes);
        var source = _temp.File("source.segment");
        await File.WriteAllBytesAsync(source, bytes);

        await Store.PutSegmentAsync(shard, source, default);

        var copy = _temp.File("copy.segment");
        Assert.True(await Reopen().GetSegmentAsync(shard, copy, default));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));
    }

    [Fact]
    public async Task PuttingASegmentAgain_ReplacesItWhole()
    {
        var shard = NewShard();
        var (first, second) = (_temp.File("first"), _temp.File("second"));
        await File.WriteAllBytesAsync(first, new byte[SqlShardStore.ChunkBytes + 1]);
        await File.WriteAllBytesAsync(second, [1, 2, 3]);

        await Store.PutSegmentAsync(shard, first, default);
        await Store.PutSegmentAsync(shard, second, default);

        var copy = _temp.File("copy");
        Assert.True(await Store.GetSegmentAsync(shard, copy, default));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(copy));
    }

    [Fact]
    public async Task AMissingOrDeletedSegment_IsNotFound_AndWritesNoFile()
    {
        var shard = NewShard();
        var source = _temp.File("source");
        await File.WriteAllBytesAsync(source, [9, 9]);
        await Store.PutSegmentAsync(shard, source, default);

        await Store.DeleteSegmentAsync(shard, default);

        var copy = _temp.File("copy");
        Assert.False(await Store.GetSegmentAsync(shard, copy, default));
        Assert.False(await Store.GetSegmentAsync(NewShard(), copy, default));
        Assert.False(File.Exists(copy));
        Assert.Empty(Directory.GetFiles(_temp.Path, "copy*"));
    }
}
