using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Optimus.Runtime;

namespace Optimus.Grains.Storage;

/// <summary>
/// A segment opened for reading: memory-mapped, verified when opened (the footer's own hash, the layout against the
/// file's size, then every entry against the footer's count and checksum), then read without copying until the
/// value is returned. Lookups are a hash, an interpolation search of the index and a key comparison. Whoever opened it
/// holds one reference, given back by <see cref="Dispose"/>; readers on other threads take their own
/// (<see cref="TryAcquire"/>), and the file is unmapped when the last reference is given back.
/// </summary>
internal sealed class Segment : IDisposable
{
    private const int StackKeyLimit = 256;
    private const int InterpolationProbes = 4;
    private readonly MappedFile _file;
    private readonly long _indexOffset;
    private int _references = 1; // the opener's
    private int _disposed;

    private Segment(MappedFile file, long count, ulong checksum, long indexOffset)
    {
        _file = file;
        Count = count;
        Checksum = checksum;
        _indexOffset = indexOffset;
    }

    public long Count { get; }

    public ulong Checksum { get; }

    /// <summary>Opens and verifies a segment; <see cref="InvalidDataException"/> names what does not match.</summary>
    public static Segment Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            var segment = ReadFooter(path, file);
            segment.Verify(path);
            return segment;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The value of <paramref name="key"/> in an array of its own, or null when the segment does not hold it.</summary>
    public ReadOnlyMemory<byte>? Get(string key)
    {
        var length = Encoding.UTF8.GetByteCount(key);
        byte[]? rented = null;
        var bytes = length <= StackKeyLimit ? stackalloc byte[StackKeyLimit] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length));
        try
        {
            Encoding.UTF8.GetBytes(key, bytes);
            if (!TryFind(bytes[..length], out var value))
            {
                return null;
            }

            return value.ToArray();
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Finds a key given as UTF-8; the value is a view of the mapped file, valid while the segment is open. The index is
    /// sorted by a uniform 64-bit hash, so the first probes guess the position from the hash (interpolation: two or three
    /// probes, usually on one page, where bisection takes log2(count) probes on as many pages); should the guesses not
    /// converge, the rest is bisection, so no input costs more than four probes beyond a binary search.
    /// </summary>
    public bool TryFind(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        var hash = SegmentFormat.KeyHash(key);
        long low = 0, high = Count - 1;
        ulong below = 0, above = ulong.MaxValue; // hashes bounding [low, high]: below <= hash <= above
        for (var probe = 0; low <= high; probe++)
        {
            var middle = probe < InterpolationProbes ? Interpolate(hash, low, high, below, above) : low + ((high - low) / 2);
            var found = HashAt(middle);
            if (found < hash)
            {
                low = middle + 1;
                below = found;
            }
            else if (found > hash)
            {
                high = middle - 1;
                above = found;
            }
            else
            {
                return FindAmongEqualHashes(middle, hash, key, out value);
            }
        }

        value = default;
        return false;
    }

    // Where in [low, high] the hash would sit if hashes spread evenly between the bounds.
    private static long Interpolate(ulong hash, long low, long high, ulong below, ulong above)
    {
        var fraction = (double)(hash - below) / ((double)(above - below) + 1);
        return Math.Clamp(low + (long)(fraction * (high - low + 1)), low, high);
    }

    // Equal hashes sit together: walk back to the first, then compare keys forward.
    private bool FindAmongEqualHashes(long index, ulong hash, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        while (index > 0 && HashAt(index - 1) == hash)
        {
            index--;
        }

        for (var i = index; i < Count && HashAt(i) == hash; i++)
        {
            RecordAt(RecordOffsetAt(i), out var candidate, out var candidateValue);
            if (candidate.SequenceEqual(key))
            {
                value = candidateValue;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>A reference for one read, to give back with <see cref="Release"/>; false once the file is unmapped.</summary>
    public bool TryAcquire()
    {
        var references = Volatile.Read(ref _references);
        while (references > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, references + 1, references);
            if (seen == references)
            {
                return true;
            }

            references = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _file.Dispose();
        }
    }

    /// <summary>Gives the opener's reference back: the file is unmapped now, or when the last read in it ends.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
        }
    }

    private static Segment ReadFooter(string path, MappedFile file)
    {
        if (file.Length < SegmentFormat.HeaderBytes + SegmentFormat.FooterBytes || !file.Span(0, SegmentFormat.HeaderBytes).SequenceEqual(SegmentFormat.Magic))
        {
            throw new InvalidDataException($"'{path}' is not a segment: its header is missing.");
        }

        var footer = file.Span(file.Length - SegmentFormat.FooterBytes, SegmentFormat.FooterBytes);
        if (!footer[32..].SequenceEqual(SegmentFormat.EndMagic) || StableHash.Hash64(footer[..24]) != BinaryPrimitives.ReadUInt64LittleEndian(footer[24..]))
        {
            throw new InvalidDataException($"Segment '{path}' has a damaged footer.");
        }

        var count = BinaryPrimitives.ReadInt64LittleEndian(footer);
        var checksum = BinaryPrimitives.ReadUInt64LittleEndian(footer[8..]);
        var indexOffset = BinaryPrimitives.ReadInt64LittleEndian(footer[16..]);
        if (count < 0 || indexOffset < SegmentFormat.HeaderBytes || indexOffset + (count * SegmentFormat.IndexEntryBytes) + SegmentFormat.FooterBytes != file.Length)
        {
            throw new InvalidDataException($"Segment '{path}' says it holds {count} entries, which does not fit its size of {file.Length} bytes.");
        }

        return new Segment(file, count, checksum, indexOffset);
    }

    // Every record must lie inside the data region, its hash must match the index, the index must be sorted, and the
    // entries must add up to the footer's count and checksum.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call, a loop over every entry: compiled optimized at once
    private void Verify(string path)
    {
        ulong checksum = 0;
        ulong previous = 0;
        for (long i = 0; i < Count; i++)
        {
            var offset = RecordOffsetAt(i);
            if (offset < SegmentFormat.HeaderBytes || offset >= _indexOffset)
            {
                throw new InvalidDataException($"Segment '{path}': index entry {i} points outside the data.");
            }

            RecordAt(offset, out var key, out var value);
            var hash = HashAt(i);
            if (SegmentFormat.KeyHash(key) != hash || hash < previous)
            {
                throw new InvalidDataException($"Segment '{path}': entry {i} does not match its index entry.");
            }

            previous = hash;
            checksum += EntryChecksum.Of(key, value);
        }

        if (checksum != Checksum)
        {
            throw new InvalidDataException(
                $"Segment '{path}': its entries add up to checksum {EntryChecksum.Format(checksum)}, not the {EntryChecksum.Format(Checksum)} its footer records.");
        }
    }

    private ulong HashAt(long index) => BinaryPrimitives.ReadUInt64LittleEndian(_file.Span(_indexOffset + (index * SegmentFormat.IndexEntryBytes), 8));

    private long RecordOffsetAt(long index) => BinaryPrimitives.ReadInt64LittleEndian(_file.Span(_indexOffset + (index * SegmentFormat.IndexEntryBytes) + 8, 8));

    private void RecordAt(long offset, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        var limit = _indexOffset - offset;
        var header = _file.SpanAt(offset, (int)Math.Min(limit, Varint.MaxBytes));
        var read = Varint.TryRead(header, out var keyLength);
        if (read == 0 || read + keyLength > limit)
        {
            throw new InvalidDataException($"A record at byte {offset} runs past the data.");
        }

        key = _file.Span(offset + read, (int)keyLength);
        var valueStart = offset + read + keyLength;
        var valueRead = Varint.TryRead(_file.SpanAt(valueStart, (int)Math.Min(_indexOffset - valueStart, Varint.MaxBytes)), out var valueLength);
        if (valueRead == 0 || valueStart + valueRead + valueLength > _indexOffset)
        {
            throw new InvalidDataException($"A record at byte {offset} runs past the data.");
        }

        value = _file.Span(valueStart + valueRead, (int)valueLength);
    }
}
