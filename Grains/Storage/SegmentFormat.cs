using System.Buffers.Binary;
using System.Numerics;
using Optimus.Runtime;

namespace Optimus.Grains.Storage;

/// <summary>
/// The segment file, version 3 — the immutable, indexed form of one shard once its version is saved:
/// <code>
/// header  "OPTSEG3\0"                                   8 bytes
/// data    per entry: varint key length, key (UTF-8), varint value length, value (JSON)
/// pad     zero bytes up to a multiple of 8
/// index   per entry, sorted by (hash, key): u16, the 16 bits of xxHash64(key) that follow its top B bits, B being
///         the directory's bits for the entry count (<see cref="BucketBits"/>); the offset of its record in the file —
///         u24 when the index starts at or before byte 2^24 (16 MiB), u32 at or before 2^32, u64 otherwise
/// footer  u64 entry count, u64 checksum (sum of entry checksums), u64 index offset, u64 hash of these three,
///         "OPTSEGND"                                     40 bytes
/// </code>
/// All integers little-endian. A lookup hashes the key, finds in the directory built when the segment is opened
/// where the entries whose hashes share the key's top B bits start (8 to 16 of them on average, together in the
/// index, since it is sorted by hash), compares the next 16 bits, and then keys: a key whose 16 bits match another
/// entry's of its bucket costs one comparison more (for an absent key, one lookup in 4,000 to 8,000).
/// An entry costs its key and value, 5 bytes of index in a segment of up to 16 MiB of data (6 up to 4 GiB) and two
/// varints (2 bytes for short keys and values under 128 bytes). Earlier versions are read as well: version 2, written
/// until 2026-12-07, has the header "OPTSEG2\0" and index entries of the top half of the hash (u32) and a u32
/// offset (u64 past 4 GiB); version 1, until 2026-12-02, "OPTSEG1\0" and a u64 hash and a u64 offset.
/// </summary>
internal static class SegmentFormat
{
    public const int HeaderBytes = 8;
    public const int FooterBytes = 40;

    /// <summary>
    /// How many entries a bucket of the directory has at least on average (at most twice as many, the bucket count
    /// being a power of two): the directory costs at most half a byte of memory per entry. Part of format 3, since it
    /// sets which bits of the hash the index entries keep.
    /// </summary>
    public const int EntriesPerBucket = 8;

    /// <summary>The version segments are written in.</summary>
    public const int CurrentVersion = 3;

    /// <summary>The header of a segment of <paramref name="version"/> (1 to <see cref="CurrentVersion"/>).</summary>
    public static ReadOnlySpan<byte> Magic(int version) => version switch
    {
        1 => "OPTSEG1\0"u8,
        2 => "OPTSEG2\0"u8,
        3 => "OPTSEG3\0"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Segments have versions 1 to 3."),
    };

    /// <summary>The version a segment's header names, or 0 when it is no segment's header.</summary>
    public static int VersionOf(ReadOnlySpan<byte> header)
    {
        for (var version = 1; version <= CurrentVersion; version++)
        {
            if (header.SequenceEqual(Magic(version)))
            {
                return version;
            }
        }

        return 0;
    }

    public static ReadOnlySpan<byte> EndMagic => "OPTSEGND"u8;

    /// <summary>The hash the index is sorted by.</summary>
    public static ulong KeyHash(ReadOnlySpan<byte> key) => StableHash.Hash64(key);

    /// <summary>The directory of a segment of <paramref name="count"/> entries has 2^bits buckets, by the top bits of the hash.</summary>
    public static int BucketBits(long count) => count < 2 * EntriesPerBucket ? 0 : BitOperations.Log2((ulong)(count / EntriesPerBucket));

    public static void WriteFooter(Span<byte> footer, long count, ulong checksum, long indexOffset)
    {
        BinaryPrimitives.WriteInt64LittleEndian(footer, count);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[8..], checksum);
        BinaryPrimitives.WriteInt64LittleEndian(footer[16..], indexOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[24..], StableHash.Hash64(footer[..24]));
        EndMagic.CopyTo(footer[32..]);
    }
}

/// <summary>
/// How one segment's index entries are laid out: how many bits of the hash each keeps, after how many top bits (those
/// the directory already tells), and how wide the record's offset is — by the format's version and the segment's size.
/// </summary>
internal readonly record struct IndexLayout(int HashBytes, int OffsetBytes, int HashShift)
{
    public int EntryBytes => HashBytes + OffsetBytes;

    /// <summary>The layout of a segment of <paramref name="version"/> whose index starts at <paramref name="indexOffset"/>.</summary>
    public static IndexLayout Of(int version, long indexOffset, long count) => version switch
    {
        1 => new(8, 8, 0),
        2 => new(4, indexOffset <= uint.MaxValue ? 4 : 8, 0),
        3 => new(2, indexOffset <= 1 << 24 ? 3 : indexOffset <= uint.MaxValue ? 4 : 8, SegmentFormat.BucketBits(count)),
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Segments have versions 1 to 3."),
    };

    /// <summary>The part of a key's hash its index entry keeps.</summary>
    public ulong Stored(ulong hash) => (hash << HashShift) >> (64 - (8 * HashBytes));

    /// <summary>The top bits of a hash that the directory and the index entry tell together: the index is sorted by them.</summary>
    public ulong Known(ulong hash)
    {
        var bits = HashShift + (8 * HashBytes);
        return bits >= 64 ? hash : hash & ~(ulong.MaxValue >> bits);
    }

    public void Write(Span<byte> entry, ulong hash, long offset)
    {
        var stored = Stored(hash);
        switch (HashBytes)
        {
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)stored); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)stored); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(entry, stored); break;
        }

        var at = entry[HashBytes..];
        switch (OffsetBytes)
        {
            case 3: at[0] = (byte)offset; at[1] = (byte)(offset >> 8); at[2] = (byte)(offset >> 16); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(at, (uint)offset); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(at, offset); break;
        }
    }

    public ulong ReadHash(ReadOnlySpan<byte> entry) => HashBytes switch
    {
        2 => BinaryPrimitives.ReadUInt16LittleEndian(entry),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(entry),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(entry),
    };

    public long ReadOffset(ReadOnlySpan<byte> entry)
    {
        var at = entry[HashBytes..];
        return OffsetBytes switch
        {
            3 => at[0] | (at[1] << 8) | (at[2] << 16),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(at),
            _ => BinaryPrimitives.ReadInt64LittleEndian(at),
        };
    }
}
