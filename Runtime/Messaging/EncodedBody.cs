using System.Buffers;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// A message body as it came off the wire, kept as bytes until the receiver knows the method's types. A large body — a
/// batch forwarded to a shard on another silo, a 1,000-key answer of about 140 kB — sits in a pooled buffer that
/// decoding it gives back (<see cref="Release"/>): otherwise each would be an array of its own on the large-object
/// heap, which only a full collection frees. A body relayed as it came is never decoded where it was read; its buffer
/// is left to the collector, as an array would be.
/// </summary>
internal sealed class EncodedBody
{
    /// <summary>Bodies from this size on are pooled; below it an array costs less than the pool's bookkeeping.</summary>
    public const int PooledFromBytes = 64 * 1024;

    private readonly int _length;
    private readonly bool _pooled;
    private byte[]? _buffer;

    private EncodedBody(byte[] buffer, int length, bool pooled)
    {
        _buffer = buffer;
        _length = length;
        _pooled = pooled;
    }

    /// <summary>The body's bytes; a body already decoded has none.</summary>
    public ReadOnlySpan<byte> Bytes => (_buffer ?? throw new ObjectDisposedException(nameof(EncodedBody), "The body was decoded and its buffer given back.")).AsSpan(0, _length);

    public static EncodedBody CopyOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < PooledFromBytes)
        {
            return new EncodedBody(bytes.ToArray(), bytes.Length, pooled: false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(buffer);
        return new EncodedBody(buffer, bytes.Length, pooled: true);
    }

    /// <summary>Gives the buffer back once the body is decoded: nothing decoded from it refers to it.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer && _pooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
