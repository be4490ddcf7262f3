using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Optimus.Grains.Storage;

/// <summary>
/// Builds a segment from a staging log: the last write of each key wins, entries are sorted by (hash, key), and the
/// file is written beside its final name, flushed, and renamed into place, so that a crash leaves either no segment
/// or a whole one. Returns the distinct-key count and the checksum (see <see cref="EntryChecksum"/>).
/// </summary>
internal static class SegmentWriter
{
    private const int BufferBytes = 64 * 1024; // under the large-object heap's 85,000 bytes: a buffer per build is garbage afterwards

    // How many entries ahead of the one being copied its cache lines in the staging log are asked for. Entries are
    // copied in index (hash) order, which is random in the log, so every copy missed the cache; asked for in advance,
    // the misses overlap (a shard of 62,500 entries took 52 ms of CPU to build, 41-46 with this; of 625,000, 486 and
    // 355-396).
    private const int PrefetchAhead = 16;

    public static async Task<ShardStats> BuildAsync(StagingLog? log, string segmentPath)
    {
        var temporary = segmentPath + ".tmp";
        ShardStats stats;
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: BufferBytes))
        {
            stats = Write(log, file);
            await DiskFlush.FileAsync(file); // off the thread pool, as the directory's below: see DiskFlush
        }

        File.Move(temporary, segmentPath, overwrite: true); // atomic: a crash leaves the old name or the new file
        await DiskFlush.DirectoryAsync(Path.GetDirectoryName(segmentPath)!);
        return stats;
    }

    private static ShardStats Write(StagingLog? log, FileStream file)
    {
        using var staging = log is null ? null : MappedFile.Open(log.FilePath);
        var (hashes, entries) = log is null || staging is null ? ([], new LatestOrder([], [], 0)) : LatestEntries(log, staging);
        return Write(staging, hashes, entries, file);
    }

    // The last write of each key, in index order. Sorting plain hashes (with each entry's position in the log beside
    // them) needs no comparer and no key strings; only a run of equal hashes — a key written more than once, or two
    // keys whose hashes collide — compares keys, and keeps the write latest in the log.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call, a loop over every entry: compiled optimized at once
    private static (ulong[] Hashes, LatestOrder Entries) LatestEntries(StagingLog log, MappedFile staging)
    {
        var written = log.Entries(staging);
        var all = CollectionsMarshal.AsSpan(written);
        var hashes = new ulong[all.Length];
        var positions = new int[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            hashes[i] = SegmentFormat.KeyHash(Key(staging, all[i]));
            positions[i] = i;
        }

        Array.Sort(hashes, positions);
        var byKeyThenPosition = Comparer<int>.Create((a, b) =>
        {
            var order = Key(staging, written[a]).SequenceCompareTo(Key(staging, written[b]));
            return order != 0 ? order : a.CompareTo(b);
        });
        var kept = 0;
        for (var start = 0; start < hashes.Length;)
        {
            var end = start + 1;
            while (end < hashes.Length && hashes[end] == hashes[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(positions, start, end - start, byKeyThenPosition);
            }

            for (var i = start; i < end; i++)
            {
                if (i + 1 == end || !Key(staging, all[positions[i]]).SequenceEqual(Key(staging, all[positions[i + 1]])))
                {
                    hashes[kept] = hashes[i];
                    positions[kept++] = positions[i];
                }
            }

            start = end;
        }

        return (hashes, new LatestOrder(written, positions, kept)); // not cut to length: that would copy both
    }

    private static ReadOnlySpan<byte> Key(MappedFile staging, StagedEntry entry) => staging.Span(entry.KeyOffset, entry.KeyLength);

    // The cache lines of an entry's key and value (adjacent in the log), as many as a segment's lookup asks for.
    private static void Prefetch(MappedFile staging, StagedEntry entry) =>
        staging.Prefetch(entry.KeyOffset, Math.Min(entry.ValueOffset + entry.ValueLength - entry.KeyOffset, MappedFile.MaxRecordPrefetchBytes));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call, a loop over every entry: compiled optimized at once
    private static ShardStats Write(MappedFile? staging, ulong[] hashes, LatestOrder entries, FileStream file)
    {
        ulong checksum = 0;
        var offsets = new long[entries.Length];
        file.Write(SegmentFormat.Magic(SegmentFormat.CurrentVersion));
        long position = SegmentFormat.HeaderBytes;
        Span<byte> prefix = stackalloc byte[Varint.MaxBytes];
        for (var i = 0; i < entries.Length; i++)
        {
            if (i + PrefetchAhead < entries.Length)
            {
                Prefetch(staging!, entries[i + PrefetchAhead]);
            }

            var entry = entries[i];
            var key = Key(staging!, entry);
            var value = staging!.Span(entry.ValueOffset, entry.ValueLength);
            offsets[i] = position;
            var keyPrefix = Varint.Write(prefix, (uint)key.Length);
            file.Write(prefix[..keyPrefix]);
            file.Write(key);
            var valuePrefix = Varint.Write(prefix, (uint)value.Length);
            file.Write(prefix[..valuePrefix]);
            file.Write(value);
            position += keyPrefix + key.Length + valuePrefix + value.Length;
            checksum += EntryChecksum.Of(key, value);
        }

        Span<byte> zeros = stackalloc byte[8];
        zeros.Clear();
        var padding = (int)((8 - (position % 8)) % 8);
        file.Write(zeros[..padding]);
        var indexOffset = position + padding;
        var layout = IndexLayout.Of(SegmentFormat.CurrentVersion, indexOffset, entries.Length);
        Span<byte> slot = stackalloc byte[layout.EntryBytes];
        for (var i = 0; i < entries.Length; i++)
        {
            layout.Write(slot, hashes[i], offsets[i]);
            file.Write(slot);
        }

        Span<byte> footer = stackalloc byte[SegmentFormat.FooterBytes];
        SegmentFormat.WriteFooter(footer, entries.Length, checksum, indexOffset);
        file.Write(footer);

        return new ShardStats(entries.Length, checksum);
    }

    // The first Length of Positions: the entries kept, in index order, as places in the log's entries (copied out,
    // they were another 24 MB for a million entries).
    private readonly record struct LatestOrder(List<StagedEntry> Written, int[] Positions, int Length)
    {
        public StagedEntry this[int index] => CollectionsMarshal.AsSpan(Written)[Positions[index]];
    }
}
