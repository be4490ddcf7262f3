using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Optimus.Grains.Storage;
using Xunit;

namespace Optimus.Grains.Tests;

/// <summary>Segments: last write wins, lookups, the order-independent checksum, and verification when opened.</summary>
public sealed class SegmentTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<ShardStats> BuildAsync(string name, params ImmutableArray<Entry>[] batches)
    {
        using var log = StagingLog.Open(_temp.File(name + ".staging"));
        for (var i = 0; i < batches.Length; i++)
        {
            await log.AppendAsync($"b{i}", batches[i]);
        }

        return await SegmentWriter.BuildAsync(log, _temp.File(name + ".segment"));
    }

    private static string Text(ReadOnlyMemory<byte>? value) => value is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : "(missing)";

    // A segment written by hand as SegmentFormat describes it, in version 1, 2 or 3, its records from dataOffset on (the
    // bytes between the header and there stay a hole in the file: a segment past 4 GiB costs no disk). Returns the
    // checksum it records and its index's layout.
    private static (ulong Checksum, IndexLayout Layout) WriteByHand(string path, int version, long dataOffset, params (string Key, string Value)[] entries)
    {
        var records = entries.Select(e => (Key: Encoding.UTF8.GetBytes(e.Key), Value: Encoding.UTF8.GetBytes(e.Value)))
            .OrderBy(r => SegmentFormat.KeyHash(r.Key)).ToArray();
        using var file = new FileStream(path, FileMode.Create);
        file.Write(SegmentFormat.Magic(version));
        file.Position = dataOffset;
        var offsets = new List<long>();
        ulong checksum = 0;
        Span<byte> prefix = stackalloc byte[Varint.MaxBytes];
        foreach (var (key, value) in records)
        {
            offsets.Add(file.Position);
            file.Write(prefix[..Varint.Write(prefix, (uint)key.Length)]);
            file.Write(key);
            file.Write(prefix[..Varint.Write(prefix, (uint)value.Length)]);
            file.Write(value);
            checksum += EntryChecksum.Of(key, value);
        }

        file.Write(new byte[(8 - (file.Position % 8)) % 8]);
        var indexOffset = file.Position;
        var layout = IndexLayout.Of(version, indexOffset, records.Length);
        var slot = new byte[layout.EntryBytes];
        for (var i = 0; i < records.Length; i++)
        {
            layout.Write(slot, SegmentFormat.KeyHash(records[i].Key), offsets[i]);
            file.Write(slot);
        }

        var footer = new byte[SegmentFormat.FooterBytes];
        SegmentFormat.WriteFooter(footer, records.Length, checksum, indexOffset);
        file.Write(footer);
        return (checksum, layout);
    }

    // Two keys whose hashes differ but share their top 16 bits, all the index keeps of them in a segment of fewer than
    // 16 entries (its directory has one bucket); found by search, a few hundred keys in, as the birthday bound has it.
    private static (string First, string Second) KeysSharingTheTop16BitsOfTheirHash()
    {
        var seen = new Dictionary<ushort, string>();
        for (var i = 0; ; i++)
        {
            var key = $"k{i}";
            var top = (ushort)(SegmentFormat.KeyHash(Encoding.UTF8.GetBytes(key)) >> 48);
            if (!seen.TryAdd(top, key))
            {
                return (seen[top], key);
            }
        }
    }

    [Fact]
    public async Task LastWriteOfAKey_Wins_AndEveryKeyIsFound()
    {
        var stats = await BuildAsync("s",
            StagingLogTests.Entries(("a", "1"), ("b", "2"), ("a", "3")),
            StagingLogTests.Entries(("c", "{\"x\":[1,2]}"), ("b", "\"bee\"")));

        using var segment = Segment.Open(_temp.File("s.segment"));

        Assert.Equal(3, stats.Entries);
        Assert.Equal(3, segment.Count);
        Assert.Equal("3", Text(segment.Get("a")));
        Assert.Equal("\"bee\"", Text(segment.Get("b")));
        Assert.Equal("{\"x\":[1,2]}", Text(segment.Get("c")));
        Assert.Null(segment.Get("d"));
        Assert.Equal(stats.Checksum, segment.Checksum);
    }

    [Fact]
    public async Task ASegmentDisposedWhileAReadHoldsIt_StaysReadable_UntilThatReadReleasesIt()
    {
        await BuildAsync("s", StagingLogTests.Entries(("a", "1")));
        var segment = Segment.Open(_temp.File("s.segment"));

        Assert.True(segment.TryAcquire());
        segment.Dispose();
        segment.Dispose(); // the opener's reference is given back once
        Assert.Equal("1", Text(segment.Get("a")));
        Assert.True(segment.TryAcquire()); // a second read that came in meanwhile

        segment.Release();
        Assert.Equal("1", Text(segment.Get("a")));
        segment.Release();
        Assert.False(segment.TryAcquire()); // unmapped: no read gets in any more
    }

    [Fact]
    public async Task Checksum_IsTheSumOfTheWinningEntries_AsDocumented()
    {
        var stats = await BuildAsync("s", StagingLogTests.Entries(("a", "1"), ("b", "2"), ("a", "3")));

        var expected = unchecked(EntryChecksum.Of("a", "3"u8) + EntryChecksum.Of("b", "2"u8));
        Assert.Equal(expected, stats.Checksum);
        Assert.Equal(16, EntryChecksum.Format(stats.Checksum).Length);
    }

    [Fact]
    public async Task SameEntries_InAnyOrderAndBatching_GiveTheSameChecksumAndContent()
    {
        var random = new Random(12345);
        var entries = Enumerable.Range(0, 2000).Select(i => ($"user:{i:D8}", $"{{\"score\":{random.Next()}}}")).ToArray();

        var one = await BuildAsync("one", StagingLogTests.Entries(entries));
        var shuffled = entries.OrderBy(_ => random.Next()).ToArray();
        var batches = shuffled.Chunk(137).Select(chunk => StagingLogTests.Entries(chunk)).ToArray();
        var two = await BuildAsync("two", batches);

        Assert.Equal(one, two);
        Assert.Equal(File.ReadAllBytes(_temp.File("one.segment")), File.ReadAllBytes(_temp.File("two.segment")));
    }

    [Fact]
    public async Task ManyEntries_UnicodeKeys_AndLargeValues_AreFound()
    {
        var large = "\"" + new string('x', 1 << 20) + "\"";
        var entries = Enumerable.Range(0, 50_000).Select(i => ($"clé/ü/{i}", $"{i}")).Append(("large", large)).ToArray();
        await BuildAsync("s", StagingLogTests.Entries(entries));

        using var segment = Segment.Open(_temp.File("s.segment"));

        Assert.Equal(50_001, segment.Count);
        for (var i = 0; i < 50_000; i++)
        {
            Assert.Equal($"{i}", Text(segment.Get($"clé/ü/{i}")));
            Assert.Null(segment.Get($"clé/ü/{i + 50_000}"));
        }

        Assert.Equal(large, Text(segment.Get("large")));
    }

    [Fact]
    public async Task SegmentsOfEverySmallSize_FindEachKeyTheyHold_AndNoOther()
    {
        for (var count = 1; count <= 40; count++)
        {
            var name = $"s{count}";
            await BuildAsync(name, StagingLogTests.Entries([.. Enumerable.Range(0, count).Select(i => ($"k{i}", $"{i}"))]));
            using var segment = Segment.Open(_temp.File(name + ".segment"));

            for (var i = 0; i < count; i++)
            {
                Assert.Equal($"{i}", Text(segment.Get($"k{i}")));
            }

            Assert.All(Enumerable.Range(count, 100), i => Assert.Null(segment.Get($"k{i}")));
        }
    }

    [Fact]
    public async Task TheIndex_CostsFiveBytesAnEntry_InASegmentOfUpTo16MiB()
    {
        var entries = Enumerable.Range(0, 1000).Select(i => ($"user:{i:D8}", $"\"{new string('v', 98)}\"")).ToArray();
        await BuildAsync("s", StagingLogTests.Entries(entries));

        var records = entries.Sum(e => 1 + e.Item1.Length + 1 + e.Item2.Length);
        var padded = (SegmentFormat.HeaderBytes + records + 7) / 8 * 8;
        Assert.Equal(padded + (1000 * 5) + SegmentFormat.FooterBytes, new FileInfo(_temp.File("s.segment")).Length);
    }

    [Fact]
    public async Task AnIndexEntryOfFormat3_IsThe16BitsOfTheHashAfterTheDirectorysAndA3ByteOffset_AsDocumented()
    {
        var entries = Enumerable.Range(0, 1000).Select(i => ($"user:{i:D8}", $"{i}")).ToArray();
        await BuildAsync("s", StagingLogTests.Entries(entries));
        var bytes = File.ReadAllBytes(_temp.File("s.segment"));
        var indexOffset = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - SegmentFormat.FooterBytes + 16));
        const int DirectoryBits = 6; // 1,000 entries at 8 a bucket, rounded down to a power of two: 64 buckets
        var hashes = entries.Select(e => SegmentFormat.KeyHash(Encoding.UTF8.GetBytes(e.Item1))).Order().ToArray();

        Assert.Equal("OPTSEG3\0"u8.ToArray(), bytes[..8]);
        Assert.Equal(indexOffset + (1000 * 5) + SegmentFormat.FooterBytes, bytes.Length);
        for (var i = 0; i < hashes.Length; i++)
        {
            var entry = bytes.AsSpan(indexOffset + (i * 5), 5);
            Assert.Equal((ushort)(hashes[i] >> (48 - DirectoryBits)), BinaryPrimitives.ReadUInt16LittleEndian(entry));
            var offset = entry[2] | (entry[3] << 8) | (entry[4] << 16);
            Assert.Equal(hashes[i], SegmentFormat.KeyHash(bytes.AsSpan(offset + 1, bytes[offset]))); // a one-byte varint, then the key
        }
    }

    [Fact]
    public async Task KeysWhoseHashesShareTheBitsTheIndexKeeps_AreToldApartByTheirKeys()
    {
        var (first, second) = KeysSharingTheTop16BitsOfTheirHash();
        await BuildAsync("one", StagingLogTests.Entries((first, "1"), ("other", "3")));
        await BuildAsync("both", StagingLogTests.Entries((second, "2"), (first, "1"), ("other", "3")));

        using var one = Segment.Open(_temp.File("one.segment"));
        using var both = Segment.Open(_temp.File("both.segment"));

        Assert.Equal("1", Text(one.Get(first)));
        Assert.Null(one.Get(second));
        Assert.Equal("1", Text(both.Get(first)));
        Assert.Equal("2", Text(both.Get(second)));
        Assert.Equal("3", Text(both.Get("other")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ASegmentOfAnEarlierVersion_IsStillRead(int version)
    {
        var entries = Enumerable.Range(0, 300).Select(i => ($"user:{i:D8}", $"{i}")).ToArray();
        var (checksum, _) = WriteByHand(_temp.File("old.segment"), version, SegmentFormat.HeaderBytes, entries);

        using var segment = Segment.Open(_temp.File("old.segment"));

        Assert.Equal(300, segment.Count);
        Assert.Equal(checksum, segment.Checksum);
        Assert.All(entries, e => Assert.Equal(e.Item2, Text(segment.Get(e.Item1))));
        Assert.Null(segment.Get("user:00000300"));
    }

    [Theory]
    [InlineData(3, (1L << 24) - 100, 4)] // the records straddle 16 MiB
    [InlineData(3, (long)uint.MaxValue - 100, 8)] // and 4 GiB
    [InlineData(2, (long)uint.MaxValue - 100, 8)]
    public void ASegmentWhoseDataPassesAnOffsetsReach_IndexesItsRecordsWithWiderOffsets(int version, long dataOffset, int offsetBytes)
    {
        var entries = Enumerable.Range(0, 40).Select(i => ($"k{i}", $"{i}")).ToArray();
        var path = _temp.File("wide.segment");
        var (_, layout) = WriteByHand(path, version, dataOffset, entries);

        using var segment = Segment.Open(path);

        Assert.Equal(offsetBytes, layout.OffsetBytes);
        Assert.All(entries, e => Assert.Equal(e.Item2, Text(segment.Get(e.Item1))));
        Assert.Null(segment.Get("k40"));
    }

    [Fact]
    public async Task AShardWithoutBatches_BecomesAnEmptySegment()
    {
        var stats = await SegmentWriter.BuildAsync(null, _temp.File("empty.segment"));

        using var segment = Segment.Open(_temp.File("empty.segment"));
        Assert.Equal(new ShardStats(0, 0), stats);
        Assert.Equal(0, segment.Count);
        Assert.Null(segment.Get("anything"));
    }

    [Theory]
    [InlineData("data")]
    [InlineData("index")]
    [InlineData("footer")]
    [InlineData("truncated")]
    public async Task DamagedSegments_AreRefusedWhenOpened(string damage)
    {
        await BuildAsync("s", StagingLogTests.Entries(("a", "1"), ("b", "2"), ("c", "3")));
        var path = _temp.File("s.segment");
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "data": bytes[SegmentFormat.HeaderBytes + 2] ^= 0x01; break; // a key's byte
            case "index": bytes[^(SegmentFormat.FooterBytes + 5)] ^= 0x01; break; // the last index entry's hash
            case "footer": bytes[^(SegmentFormat.FooterBytes - 1)] ^= 0x01; break; // the count
            default: bytes = bytes[..^5]; break;
        }

        File.WriteAllBytes(path, bytes);

        Assert.Throws<InvalidDataException>(() => Segment.Open(path));
    }
}
