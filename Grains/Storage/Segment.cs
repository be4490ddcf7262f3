using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Optimus.Runtime;

namespace Optimus.Grains.Storage;

/// <summary>
/// A segment opened for reading: memory-mapped, verified when opened (the footer's own hash, the layout against the
/// file's size, then every entry against the footer's count and checksum), then read without copying until the
/// value is returned. Lookups are a hash, a look in a small directory of the index built while verifying (which of its
/// entries start each range of hashes: a handful of them, on a cache line or two) and a key comparison. Whoever opened it
/// holds one reference, given back by <see cref="Dispose"/>; readers on other threads take their own
/// (<see cref="TryAcquire"/>), and the file is unmapped when the last reference is given back.
/// </summary>
internal sealed class Segment : IDisposable
{
    private const int StackKeyLimit = 256;
    private readonly MappedFile _file;
    private readonly long _indexOffset;
    private readonly IndexLayout _layout;
    private readonly int _bucketBits; // the directory has 2^bits buckets, by the top bits of the hash
    private readonly int[] _buckets; // where each bucket's entries start in the index; one more at the end: Count
    private readonly long _recordBytes; // how much of a record a lookup asks for ahead: the segment's average, up to a limit
    private int _references = 1; // the opener's
    private int _disposed;

    private Segment(MappedFile file, IndexLayout layout, long count, ulong checksum, long indexOffset)
    {
        _file = file;
        _layout = layout;
        Count = count;
        Checksum = checksum;
        _indexOffset = indexOffset;
        _bucketBits = SegmentFormat.BucketBits(count);
        _buckets = new int[(1 << _bucketBits) + 1];
        _recordBytes = count == 0 ? 0 : Math.Clamp((indexOffset - SegmentFormat.HeaderBytes) / count, 1, MappedFile.MaxRecordPrefetchBytes);
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
    [SkipLocalsInit] // the key's bytes are written before they are read
    public ReadOnlyMemory<byte>? Get(string key)
    {
        var length = Encoding.UTF8.GetByteCount(key);
        byte[]? rented = null;
        var bytes = length <= StackKeyLimit ? stackalloc byte[StackKeyLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var utf8 = bytes[..Encoding.UTF8.GetBytes(key, bytes)];
            return Get(utf8, StableHash.Hash64(utf8));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>As <see cref="Get(string)"/>, for a caller that has the key's UTF-8 bytes and their hash (<see cref="StableHash.Hash64(ReadOnlySpan{byte})"/>).</summary>
    public ReadOnlyMemory<byte>? Get(ReadOnlySpan<byte> key, ulong hash) => TryLocate(key, hash, out var value) ? Value(value).ToArray() : (ReadOnlyMemory<byte>?)null;

    /// <summary>A value found by <see cref="TryLocate"/>: a view of the mapped file, valid while the segment is open.</summary>
    public ReadOnlySpan<byte> Value(ValueAt value) => _file.Span(value.Offset, value.Length);

    /// <summary>
    /// Finds the key of UTF-8 bytes <paramref name="key"/>, whose hash (<see cref="StableHash.Hash64(ReadOnlySpan{byte})"/>)
    /// the caller has: where its value lies in the file, to read with <see cref="Value"/>.
    /// </summary>
    public bool TryLocate(ReadOnlySpan<byte> key, ulong hash, out ValueAt value)
    {
        var stored = _layout.Stored(hash);
        for (var i = FirstWithHash(hash, out var end); i >= 0 && i < end && HashAt(i) == stored; i++)
        {
            var found = RecordAt(RecordOffsetAt(i), out var candidate);
            if (candidate.SequenceEqual(key))
            {
                value = found;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Asks for the cache line a lookup of <paramref name="hash"/> reads first — its bucket's start in the index —
    /// without waiting for it. A batch of lookups that first asks for what each will read waits for its cache misses
    /// together, not one after the other (on the 2-core test machine a miss costs about 200 ns; 100 lookups from 16
    /// segments of a million entries took 450-550 ns each so, 800-1000 ns each without).
    /// </summary>
    public void PrefetchIndex(ulong hash)
    {
        var bucket = BucketOf(hash);
        if (_buckets[bucket] < _buckets[bucket + 1])
        {
            _file.Prefetch(_indexOffset + (_buckets[bucket] * (long)_layout.EntryBytes), 1);
        }
    }

    /// <summary>
    /// Asks for the record with <paramref name="hash"/>, reading the index (best asked for first): the cache lines of as
    /// many of its bytes as the segment's records have on average, up to <see cref="MappedFile.MaxRecordPrefetchBytes"/>.
    /// A record of a short key and a 100-byte value spans two or three lines; asked for its first only, a 100-key read
    /// missed the cache again on the others when it copied the value (330-340 ns a key from 16 segments of a million
    /// entries; 250 with all of them).
    /// </summary>
    public void PrefetchRecord(ulong hash)
    {
        if (FirstWithHash(hash, out _) is var first and >= 0)
        {
            var offset = RecordOffsetAt(first);
            _file.Prefetch(offset, Math.Min(_recordBytes, _indexOffset - offset));
        }
    }

    // The index position of the first entry of this hash's bucket whose index entry keeps the same bits of it (they sit
    // together, the bucket being sorted by them), or -1; and where the bucket ends.
    private long FirstWithHash(ulong hash, out long end)
    {
        var stored = _layout.Stored(hash);
        var bucket = BucketOf(hash);
        end = _buckets[bucket + 1];
        for (long i = _buckets[bucket]; i < end; i++)
        {
            var found = HashAt(i);
            if (found >= stored)
            {
                return found == stored ? i : -1;
            }
        }

        return -1;
    }

    // The index is sorted by hash, so a bucket — the entries whose hashes share their top bits — is one run of it.
    private int BucketOf(ulong hash) => _bucketBits == 0 ? 0 : (int)(hash >> (64 - _bucketBits));

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
        if (file.Length < SegmentFormat.HeaderBytes + SegmentFormat.FooterBytes)
        {
            throw new InvalidDataException($"'{path}' is not a segment: its header is missing.");
        }

        var header = file.Span(0, SegmentFormat.HeaderBytes);
        var version = SegmentFormat.VersionOf(header);
        if (version == 0)
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
        var layout = IndexLayout.Of(version, indexOffset, count);
        if (count is < 0 or > int.MaxValue || indexOffset < SegmentFormat.HeaderBytes || indexOffset + (count * layout.EntryBytes) + SegmentFormat.FooterBytes != file.Length)
        {
            throw new InvalidDataException($"Segment '{path}' says it holds {count} entries, which does not fit its size of {file.Length} bytes.");
        }

        return new Segment(file, layout, count, checksum, indexOffset);
    }

    // Every record must lie inside the data region, its hash must match the index, the index must be sorted (by the bits
    // of the hash it tells), and the entries must add up to the footer's count and checksum. The directory of buckets is
    // filled on the way.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call, a loop over every entry: compiled optimized at once
    private void Verify(string path)
    {
        ulong checksum = 0;
        ulong previous = 0;
        var nextBucket = 0;
        for (long i = 0; i < Count; i++)
        {
            var offset = RecordOffsetAt(i);
            if (offset < SegmentFormat.HeaderBytes || offset >= _indexOffset)
            {
                throw new InvalidDataException($"Segment '{path}': index entry {i} points outside the data.");
            }

            var value = Value(RecordAt(offset, out var key));
            var hash = SegmentFormat.KeyHash(key);
            var known = _layout.Known(hash);
            if (_layout.Stored(hash) != HashAt(i) || known < previous)
            {
                throw new InvalidDataException($"Segment '{path}': entry {i} does not match its index entry.");
            }

            previous = known;
            checksum += EntryChecksum.Of(key, value);
            for (var bucket = BucketOf(hash); nextBucket <= bucket; nextBucket++)
            {
                _buckets[nextBucket] = (int)i;
            }
        }

        _buckets.AsSpan(nextBucket).Fill((int)Count);

        if (checksum != Checksum)
        {
            throw new InvalidDataException(
                $"Segment '{path}': its entries add up to checksum {EntryChecksum.Format(checksum)}, not the {EntryChecksum.Format(Checksum)} its footer records.");
        }
    }

    // The bits of its key's hash an index entry keeps (see IndexLayout.Stored).
    private ulong HashAt(long index) => _layout.ReadHash(IndexEntry(index));

    private long RecordOffsetAt(long index) => _layout.ReadOffset(IndexEntry(index));

    private ReadOnlySpan<byte> IndexEntry(long index) => _file.Span(_indexOffset + (index * _layout.EntryBytes), _layout.EntryBytes);

    // The record at offset: its key, and where its value lies.
    private ValueAt RecordAt(long offset, out ReadOnlySpan<byte> key)
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

        return new ValueAt(valueStart + valueRead, (int)valueLength);
    }

    /// <summary>Where a value lies in the segment's file.</summary>
    public readonly record struct ValueAt(long Offset, int Length);
}
