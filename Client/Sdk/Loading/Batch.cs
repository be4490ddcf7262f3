using System.Buffers;

namespace Optimus.Client.Loading;

/// <summary>
/// One request's worth of entries of one shard of one table, as the JSON body to send. Its id is its place among its
/// shard's batches and a hash of its content, so a batch sent again — by a retry, or by a load resumed over the same
/// input with the same options — is counted once, while an equal batch later in the input is not mistaken for it.
/// The body lives in an array rented from the load's pool (<see cref="BatchBuilder"/>), given back by
/// <see cref="Release"/> once the service has acknowledged the batch; a batch never acknowledged leaves its array to
/// the collector, since a request that failed may still be reading it.
/// </summary>
internal sealed class Batch(string table, int shard, int sequence, int number, int count, ArrayPool<byte> pool, byte[] buffer, int length)
{
    private byte[]? _buffer = buffer;

    public string Table => table;

    public int Shard => shard;

    /// <summary>The batch's number within the load, from 0.</summary>
    public int Number => number;

    public int Count => count;

    public ReadOnlyMemory<byte> Body => (_buffer ?? throw new InvalidOperationException("The batch was released.")).AsMemory(0, length);

    public string Id { get; } = $"{table}/{shard}/{sequence}/{Runtime.StableHash.Hash64(buffer.AsSpan(0, length)):x16}";

    /// <summary>Gives the body's array back to the pool: call once nothing will send the batch again.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } released)
        {
            pool.Return(released);
        }
    }
}
