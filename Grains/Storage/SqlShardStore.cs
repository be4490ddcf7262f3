using System.Data.Common;
using Optimus.Runtime.Persistence;

namespace Optimus.Grains.Storage;

/// <summary>
/// The shard store in a SQL database — PostgreSQL for a cluster of machines, SQLite for silos that share one. A batch is
/// one row keyed by (shard, batch id), inserted only if its id is new, with a per-shard sequence number that keeps the
/// order batches were acknowledged in (the last write of a key wins). A segment is stored as chunks of
/// <see cref="ChunkBytes"/>, written in one transaction, so a reader finds all of a segment or none of it.
/// </summary>
internal sealed class SqlShardStore(SqlDatabase database) : IShardStore
{
    /// <summary>The size of a segment's rows: large enough for few round trips, small enough for any driver's buffers.</summary>
    public const int ChunkBytes = 1 << 20;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS optimus_batches (
            shard    TEXT    NOT NULL,
            batch_id TEXT    NOT NULL,
            seq      {Int64} NOT NULL,
            hash     {Int64} NOT NULL,
            payload  {Blob}  NOT NULL,
            PRIMARY KEY (shard, batch_id)
        ) {TableOptions};
        CREATE TABLE IF NOT EXISTS optimus_segments (
            shard TEXT    NOT NULL,
            chunk INTEGER NOT NULL,
            bytes {Blob}  NOT NULL,
            PRIMARY KEY (shard, chunk)
        ) {TableOptions};
        """;

    public Task<AppendOutcome> AddBatchAsync(string shard, string batchId, ulong hash, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using (var insert = connection.Command("""
                INSERT INTO optimus_batches (shard, batch_id, seq, hash, payload)
                SELECT @shard, @batch, COALESCE(MAX(seq), 0) + 1, @hash, @payload FROM optimus_batches WHERE shard = @shard
                ON CONFLICT DO NOTHING
                """).With("@shard", shard).With("@batch", batchId).With("@hash", unchecked((long)hash)).With("@payload", payload.ToArray()))
            {
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
                {
                    return AppendOutcome.Appended;
                }
            }

            await using var existing = connection.Command("SELECT hash FROM optimus_batches WHERE shard = @shard AND batch_id = @batch")
                .With("@shard", shard).With("@batch", batchId);
            return await existing.ExecuteScalarAsync(cancellationToken) is long seen && unchecked((ulong)seen) == hash
                ? AppendOutcome.Duplicate
                : AppendOutcome.Conflict;
        }, cancellationToken);

    public Task ReadBatchesAsync(string shard, Action<string, byte[]> batch, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = connection.Command("SELECT batch_id, payload FROM optimus_batches WHERE shard = @shard ORDER BY seq, batch_id")
                .With("@shard", shard);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                batch(reader.GetString(0), reader.GetFieldValue<byte[]>(1));
            }

            return true;
        }, cancellationToken);

    public Task DeleteBatchesAsync(string shard, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM optimus_batches WHERE shard = @shard", shard, cancellationToken);

    public Task PutSegmentAsync(string shard, string path, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
            await using (var clear = connection.Command("DELETE FROM optimus_segments WHERE shard = @shard", transaction).With("@shard", shard))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            var buffer = new byte[ChunkBytes];
            int read;
            for (var chunk = 0; (read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0; chunk++)
            {
                await using var insert = connection.Command("INSERT INTO optimus_segments (shard, chunk, bytes) VALUES (@shard, @chunk, @bytes)", transaction)
                    .With("@shard", shard).With("@chunk", chunk).With("@bytes", read == buffer.Length ? buffer : buffer[..read]);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> GetSegmentAsync(string shard, string path, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = connection.Command("SELECT bytes FROM optimus_segments WHERE shard = @shard ORDER BY chunk").With("@shard", shard);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var temporary = path + ".download";
            var found = false;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    found = true;
                    await file.WriteAsync(reader.GetFieldValue<byte[]>(0), cancellationToken);
                }

                await DiskFlush.FileAsync(file); // off the thread pool: see DiskFlush
            }

            if (found)
            {
                File.Move(temporary, path, overwrite: true);
            }
            else
            {
                File.Delete(temporary);
            }

            return found;
        }, cancellationToken);

    public Task DeleteSegmentAsync(string shard, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM optimus_segments WHERE shard = @shard", shard, cancellationToken);

    private Task<int> ExecuteAsync(string sql, string shard, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = connection.Command(sql).With("@shard", shard);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}
