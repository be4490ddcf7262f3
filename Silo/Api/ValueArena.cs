namespace Optimus.Silo.Api;

/// <summary>
/// Copies a load request's values out of its pooled body into memory the entries own. Small values share chunks kept
/// under the large object heap's threshold, so that a request's values make no large objects (each of which counts
/// towards a full collection) and no object each; a value of more than a quarter of a chunk gets an array of its own,
/// a large object only from 85,000 bytes.
/// </summary>
internal sealed class ValueArena
{
    private const int ChunkBytes = 64 * 1024;
    private const int OwnArrayBytes = ChunkBytes / 4;
    private byte[]? _chunk;
    private int _used;

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> value)
    {
        if (value.Length > OwnArrayBytes)
        {
            return value.ToArray();
        }

        if (_chunk is null || ChunkBytes - _used < value.Length)
        {
            _chunk = GC.AllocateUninitializedArray<byte>(ChunkBytes); // every byte handed out is written first
            _used = 0;
        }

        var copy = _chunk.AsMemory(_used, value.Length);
        value.CopyTo(copy.Span);
        _used += value.Length;
        return copy;
    }
}
