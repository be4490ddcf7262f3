using System.Buffers;

namespace Optimus.Runtime.Serialization;

/// <summary>
/// A reusable buffer for writing one message, value or frame at a time. It keeps an array of its own up to
/// <see cref="KeptBytes"/>, below the large-object heap; past that it writes into arrays rented from the shared pool
/// and gives them back on <see cref="Reset"/>. A large write — a 1,000-key answer of about 140 kB — so neither leaves
/// the doubled arrays of its growth for a full collection to free, nor stays with the thread or connection that made
/// it, as an <see cref="ArrayBufferWriter{T}"/> kept for reuse would.
/// </summary>
internal sealed class PooledBufferWriter(int initialBytes) : IBufferWriter<byte>
{
    /// <summary>The most this writer keeps between writes: an array of this size stays off the large-object heap.</summary>
    public const int KeptBytes = 64 * 1024;

    private byte[] _kept = new byte[Math.Clamp(initialBytes, 1, KeptBytes)];
    private byte[]? _rented;
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => Buffer.AsSpan(0, _written);

    private byte[] Buffer => _rented ?? _kept;

    /// <summary>Starts again, empty, giving back a rented array: nothing written before may be read after this.</summary>
    public void Reset()
    {
        _written = 0;
        if (_rented is { } rented)
        {
            _rented = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > Buffer.Length - _written)
        {
            throw new InvalidOperationException($"Advanced {count} bytes, past the {Buffer.Length - _written} the buffer has left.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_written);

    private byte[] Reserve(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var buffer = Buffer;
        var needed = (long)_written + Math.Max(sizeHint, 1);
        if (needed <= buffer.Length)
        {
            return buffer;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"A write of {needed} bytes is larger than an array can be.");
        }

        var size = (int)Math.Min(Math.Max(needed, buffer.Length * 2L), Array.MaxLength);
        var grown = size <= KeptBytes ? new byte[size] : ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, _written).CopyTo(grown);
        if (_rented is { } previous)
        {
            ArrayPool<byte>.Shared.Return(previous);
        }

        if (size <= KeptBytes)
        {
            _kept = grown;
        }
        else
        {
            _rented = grown;
        }

        return grown;
    }
}
