using System.Buffers.Binary;
using Optimus.Runtime;

namespace Optimus.Grains.Storage;

/// <summary>
/// The segment file, version 1 — the immutable, indexed form of one shard once its version is saved:
/// <code>
/// header  "OPTSEG1\0"                                   8 bytes
/// data    per entry: varint key length, key (UTF-8), varint value length, value (JSON)
/// pad     zero bytes up to a multiple of 8
/// index   per entry, sorted by (hash, key): u64 xxHash64(key), u64 offset of its record in the file
/// footer  u64 entry count, u64 checksum (sum of entry checksums), u64 index offset, u64 hash of these three,
///         "OPTSEGND"                                     40 bytes
/// </code>
/// All integers little-endian. A lookup hashes the key, searches the index (the hashes are uniform, so a hash's value
/// tells where it sits) and compares keys. An entry costs its key and value plus 16 bytes of index and two varints
/// (2 bytes for short keys and values under 128 bytes).
/// </summary>
internal static class SegmentFormat
{
    public const int HeaderBytes = 8;
    public const int IndexEntryBytes = 16;
    public const int FooterBytes = 40;

    public static ReadOnlySpan<byte> Magic => "OPTSEG1\0"u8;

    public static ReadOnlySpan<byte> EndMagic => "OPTSEGND"u8;

    /// <summary>The hash the index is sorted by.</summary>
    public static ulong KeyHash(ReadOnlySpan<byte> key) => StableHash.Hash64(key);

    public static void WriteFooter(Span<byte> footer, long count, ulong checksum, long indexOffset)
    {
        BinaryPrimitives.WriteInt64LittleEndian(footer, count);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[8..], checksum);
        BinaryPrimitives.WriteInt64LittleEndian(footer[16..], indexOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[24..], StableHash.Hash64(footer[..24]));
        EndMagic.CopyTo(footer[32..]);
    }
}
