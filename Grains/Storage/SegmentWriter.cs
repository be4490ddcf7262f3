using System.Buffers.Binary;

namespace Optimus.Grains.Storage;

/// <summary>
/// Builds a segment from a staging log: the last write of each key wins, entries are sorted by (hash, key), and the
/// file is written beside its final name, flushed, and renamed into place, so that a crash leaves either no segment
/// or a whole one. Returns the distinct-key count and the checksum (see <see cref="EntryChecksum"/>).
/// </summary>
internal static class SegmentWriter
{
    public static ShardStats Build(StagingLog? log, string segmentPath)
    {
        var temporary = segmentPath + ".tmp";
        var staging = log is null ? null : MappedFile.Open(log.FilePath);
        try
        {
            var entries = LatestEntries(log, staging);
            var stats = Write(staging, entries, temporary);
            File.Move(temporary, segmentPath, overwrite: true); // atomic: a crash leaves the old name or the new file
            DirectorySync.Flush(Path.GetDirectoryName(segmentPath)!);
            return stats;
        }
        finally
        {
            staging?.Dispose();
        }
    }

    private static Item[] LatestEntries(StagingLog? log, MappedFile? staging)
    {
        if (log is null || staging is null)
        {
            return [];
        }

        var latest = log.LatestEntries(staging);
        var items = new Item[latest.Count];
        var i = 0;
        foreach (var entry in latest.Values)
        {
            items[i++] = new Item(SegmentFormat.KeyHash(staging.Span(entry.KeyOffset, entry.KeyLength)), entry);
        }

        Array.Sort(items, (a, b) => a.Hash != b.Hash
            ? a.Hash.CompareTo(b.Hash)
            : staging.Span(a.Entry.KeyOffset, a.Entry.KeyLength).SequenceCompareTo(staging.Span(b.Entry.KeyOffset, b.Entry.KeyLength)));
        return items;
    }

    private static ShardStats Write(MappedFile? staging, Item[] items, string path)
    {
        ulong checksum = 0;
        var offsets = new long[items.Length];
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
        {
            file.Write(SegmentFormat.Magic);
            Span<byte> prefix = stackalloc byte[Varint.MaxBytes];
            for (var i = 0; i < items.Length; i++)
            {
                var entry = items[i].Entry;
                var key = staging!.Span(entry.KeyOffset, entry.KeyLength);
                var value = staging.Span(entry.ValueOffset, entry.ValueLength);
                offsets[i] = file.Position;
                file.Write(prefix[..Varint.Write(prefix, (uint)key.Length)]);
                file.Write(key);
                file.Write(prefix[..Varint.Write(prefix, (uint)value.Length)]);
                file.Write(value);
                checksum += EntryChecksum.Of(key, value);
            }

            Span<byte> zeros = stackalloc byte[8];
            zeros.Clear();
            file.Write(zeros[..(int)((8 - (file.Position % 8)) % 8)]);
            var indexOffset = file.Position;
            Span<byte> slot = stackalloc byte[SegmentFormat.IndexEntryBytes];
            for (var i = 0; i < items.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(slot, items[i].Hash);
                BinaryPrimitives.WriteInt64LittleEndian(slot[8..], offsets[i]);
                file.Write(slot);
            }

            Span<byte> footer = stackalloc byte[SegmentFormat.FooterBytes];
            SegmentFormat.WriteFooter(footer, items.Length, checksum, indexOffset);
            file.Write(footer);
            file.Flush(flushToDisk: true);
        }

        return new ShardStats(items.Length, checksum);
    }

    private readonly record struct Item(ulong Hash, StagedEntry Entry);
}
