using System.Collections.Immutable;

namespace Optimus.Grains.Storage;

/// <summary>
/// The batches of one shard while its version awaits entries. Embedded, the staging log in the data directory is their
/// durable home: a batch is acknowledged once it is flushed there. In a cluster the shard store is — a batch is
/// acknowledged once its row is committed — so that any silo can take the shard over; the local log is then a cache,
/// built from the store for the first read of the draft, and again, whole, for sealing (another silo may have added
/// batches while it held the shard).
/// </summary>
internal sealed class ShardStaging(string shard, string path, IShardStore? store) : IDisposable
{
    private StagingLog? _log;
    private Task<StagingLog?>? _building; // draft reads interleave: the first builds the cache, the others wait for it

    public async Task<AppendOutcome> AppendAsync(string batchId, ImmutableArray<Entry> entries)
    {
        if (store is null)
        {
            return await (_log ??= StagingLog.Open(path)).AppendAsync(batchId, entries);
        }

        using var record = StagingRecord.Encode(batchId, entries);
        var outcome = await store.AddBatchAsync(shard, batchId, record.Hash, record.Payload, CancellationToken.None);
        if (outcome == AppendOutcome.Appended)
        {
            _log?.AppendCached(record); // keeps the cache of a draft being read current
        }

        return outcome;
    }

    /// <summary>The value last written for <paramref name="key"/>, for reads of a draft; null when there is none.</summary>
    public async Task<byte[]?> ReadAsync(string key) => (await CachedAsync())?.Read(key);

    /// <summary>Every batch acknowledged so far, to build the segment from; null when there is none.</summary>
    public Task<StagingLog?> ForSealingAsync() => LogAsync(rebuild: store is not null);

    /// <summary>Deletes the batches, here and in the store.</summary>
    public async Task DeleteAsync()
    {
        DeleteLocal();
        if (store is not null)
        {
            await store.DeleteBatchesAsync(shard, CancellationToken.None);
        }
    }

    public void Dispose()
    {
        _log?.Dispose();
        _log = null;
    }

    private async Task<StagingLog?> CachedAsync()
    {
        if (store is null || _log is not null)
        {
            return await LogAsync(rebuild: false);
        }

        try
        {
            return await (_building ??= LogAsync(rebuild: true));
        }
        finally
        {
            _building = null;
        }
    }

    private async Task<StagingLog?> LogAsync(bool rebuild)
    {
        if (store is null)
        {
            return _log ??= File.Exists(path) ? StagingLog.Open(path) : null;
        }

        if (_log is not null && !rebuild)
        {
            return _log;
        }

        DeleteLocal();
        var log = StagingLog.Open(path, durable: false);
        try
        {
            await store.ReadBatchesAsync(shard, (batchId, payload) =>
            {
                using var record = StagingRecord.FromPayload(batchId, payload);
                log.AppendCached(record);
            }, CancellationToken.None);
        }
        catch
        {
            log.Dispose();
            throw;
        }

        return _log = log;
    }

    private void DeleteLocal()
    {
        Dispose();
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
