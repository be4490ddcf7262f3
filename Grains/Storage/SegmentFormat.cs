using System.Buffers.Binary;
using Optimus.Runtime;

namespace Optimus.Grains.Storage;

/// <summary>
/// The segment file, version 2 — the immutable, indexed form of one shard once its version is saved:
/// <code>
/// header  "OPTSEG2\0"                                   8 bytes
/// data    per entry: varint key length, key (UTF-8), varint value length, value (JSON)
/// pad     zero bytes up to a multiple of 8
/// index   per entry, sorted by (hash, key): u32 top half of xxHash64(key), offset of its record in the file —
///         u32 when the index starts within the first 4 GiB, u64 otherwise
/// footer  u64 entry count, u64 checksum (sum of entry checksums), u64 index offset, u64 hash of these three,
///         "OPTSEGND"                                     40 bytes
/// </code>
/// All integers little-endian. A lookup hashes the key, searches the index (the hashes are uniform, so a hash's value
/// tells where it sits) and compares keys; a key whose hash shares its top half with an entry's costs one comparison
/// more (for an absent key in a segment of a million entries, one lookup in 4,000). An entry costs its key and value
/// plus 8 bytes of index and two varints (2 bytes for short keys and values under 128 bytes). Version 1, written until
/// 2026-12-02, is read as well: the same but for its header "OPTSEG1\0" and its index entries of a u64 hash and a u64
/// offset.
/// </summary>
internal static class SegmentFormat
{
    public const int HeaderBytes = 8;
    public const int FooterBytes = 40;
    public const int HashBytes = 4;

    public static ReadOnlySpan<byte> Magic => "OPTSEG2\0"u8;

    public static ReadOnlySpan<byte> MagicVersion1 => "OPTSEG1\0"u8;

    public static ReadOnlySpan<byte> EndMagic => "OPTSEGND"u8;

    /// <summary>The hash the index is sorted by; its top half is what the index keeps.</summary>
    public static ulong KeyHash(ReadOnlySpan<byte> key) => StableHash.Hash64(key);

    /// <summary>How wide a record's offset is in the index of a segment whose index starts at <paramref name="indexOffset"/>.</summary>
    public static int OffsetBytes(long indexOffset) => indexOffset <= uint.MaxValue ? 4 : 8;

    public static void WriteIndexEntry(Span<byte> entry, ulong hash, long offset)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)(hash >> 32));
        if (entry.Length == HashBytes + 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(entry[HashBytes..], (uint)offset);
        }
        else
        {
            BinaryPrimitives.WriteInt64LittleEndian(entry[HashBytes..], offset);
        }
    }

    public static void WriteFooter(Span<byte> footer, long count, ulong checksum, long indexOffset)
    {
        BinaryPrimitives.WriteInt64LittleEndian(footer, count);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[8..], checksum);
        BinaryPrimitives.WriteInt64LittleEndian(footer[16..], indexOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[24..], StableHash.Hash64(footer[..24]));
        EndMagic.CopyTo(footer[32..]);
    }
}
