namespace Optimus.Grains.Storage;

/// <summary>
/// Copies values into memory of their own, out of a buffer that is about to be reused: a load request's pooled body,
/// a segment that a read releases. Small values share chunks, so that many values make no object each and no large
/// objects (each of which counts towards a full collection): a chunk is no larger than the bytes still expected
/// (those of a read's values are known exactly), and never larger than 64 kB, under the large-object threshold. A
/// value of more than 16 kB gets an array of its own, a large object only from 85,000 bytes.
/// </summary>
internal sealed class ValueArena(long expectedBytes)
{
    private const int ChunkBytes = 64 * 1024;
    private const int OwnArrayBytes = ChunkBytes / 4;
    // The chunks' bytes still to come (see ChunkedBytes), as far as the caller knows: a chunk holds no more.
    private long _expected = expectedBytes;
    private byte[]? _chunk;
    private int _used;

    /// <summary>What a value of <paramref name="length"/> bytes adds to the chunks: nothing when it gets an array of its own.</summary>
    public static long ChunkedBytes(int length) => length > OwnArrayBytes ? 0 : length;

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> value)
    {
        if (value.Length > OwnArrayBytes)
        {
            return value.ToArray();
        }

        _expected -= value.Length;
        if (_chunk is null || _chunk.Length - _used < value.Length)
        {
            var size = (int)Math.Clamp(_expected + value.Length, value.Length, ChunkBytes);
            _chunk = GC.AllocateUninitializedArray<byte>(size); // every byte handed out is written first
            _used = 0;
        }

        var copy = _chunk.AsMemory(_used, value.Length);
        value.CopyTo(copy.Span);
        _used += value.Length;
        return copy;
    }
}
