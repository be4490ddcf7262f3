using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Optimus.Grains.Storage;
using Xunit;

namespace Optimus.Grains.Tests;

/// <summary>The staging log: durable batches, remembered batch ids, and recovery from a torn tail.</summary>
public sealed class StagingLogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    internal static ImmutableArray<Entry> Entries(params (string Key, string Value)[] entries) =>
        [.. entries.Select(e => new Entry(e.Key, Encoding.UTF8.GetBytes(e.Value)))];

    private static string? Text(byte[]? value) => value is null ? null : Encoding.UTF8.GetString(value);

    [Fact]
    public async Task Batches_SurviveReopening_AndTheirIdsAreRemembered()
    {
        var path = _temp.File("shard.staging");
        using (var log = StagingLog.Open(path))
        {
            Assert.Equal(AppendOutcome.Appended, await log.AppendAsync("b1", Entries(("a", "1"), ("b", "2"))));
            Assert.Equal(AppendOutcome.Appended, await log.AppendAsync("b2", Entries(("c", "3"))));
        }

        using var reopened = StagingLog.Open(path);

        Assert.Equal(AppendOutcome.Duplicate, await reopened.AppendAsync("b1", Entries(("a", "1"), ("b", "2"))));
        Assert.Equal(AppendOutcome.Conflict, await reopened.AppendAsync("b2", Entries(("c", "three"))));
        Assert.Equal("3", Text(reopened.Read("c")));
        Assert.Equal("1", Text(reopened.Read("a")));
    }

    [Fact]
    public async Task TheEntriesOfALog_AreListedInOneListOfTheirSize_AfterReopeningAndAppending()
    {
        var path = _temp.File("shard.staging");
        using (var log = StagingLog.Open(path))
        {
            await log.AppendAsync("b1", Entries(("a", "1"), ("b", "2")));
        }

        using var reopened = StagingLog.Open(path, durable: false); // a cluster's cache of its store's batches
        await reopened.AppendAsync("b1", Entries(("a", "1"), ("b", "2"))); // a duplicate adds nothing
        await reopened.AppendAsync("b2", Entries(("a", "3")));
        using (var encoded = StagingRecord.Encode("b3", Entries(("c", "4"), ("d", "5"))))
        using (var copy = StagingRecord.FromPayload("b3", encoded.Payload.Span))
        {
            reopened.AppendCached(copy); // as a cluster's shard appends a batch read back from its store
        }

        using var map = MappedFile.Open(path);
        var entries = reopened.Entries(map);

        Assert.Equal(5, entries.Count); // "a" twice: the segment keeps the last
        Assert.Equal(5, entries.Capacity); // never grown: a million entries would have left 24 MB of smaller lists behind
        Assert.Equal(24, Unsafe.SizeOf<StagedEntry>()); // a million entries are 24 MB, in one list
    }

    [Fact]
    public async Task RefusedBatches_WriteNothing()
    {
        var path = _temp.File("shard.staging");
        using var log = StagingLog.Open(path);
        await log.AppendAsync("b1", Entries(("a", "1")));
        var length = new FileInfo(path).Length;

        await log.AppendAsync("b1", Entries(("a", "1")));
        await log.AppendAsync("b1", Entries(("a", "other")));

        Assert.Equal(length, new FileInfo(path).Length);
    }

    [Fact]
    public async Task ADurableLog_RefusesABatchItWouldNotFlush()
    {
        var path = _temp.File("shard.staging");
        using var log = StagingLog.Open(path);
        using (var record = StagingRecord.Encode("b1", Entries(("a", "1"))))
        {
            Assert.Throws<InvalidOperationException>(() => log.AppendCached(record));
        }

        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Equal(AppendOutcome.Appended, await log.AppendAsync("b1", Entries(("a", "1")))); // nothing was kept of the refused one
    }

    [Fact]
    public async Task TornTail_IsCutOff_AndTheLogGoesOn()
    {
        var path = _temp.File("shard.staging");
        using (var log = StagingLog.Open(path))
        {
            await log.AppendAsync("b1", Entries(("a", "1")));
            await log.AppendAsync("b2", Entries(("b", "2")));
        }

        var whole = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(whole - 3); // the last write never finished
        }

        using (var log = StagingLog.Open(path))
        {
            Assert.Null(log.Read("b"));
            Assert.Equal(AppendOutcome.Appended, await log.AppendAsync("b2", Entries(("b", "two")))); // b2 was never acknowledged
        }

        using var again = StagingLog.Open(path);
        Assert.Equal("two", Text(again.Read("b")));
        Assert.Equal("1", Text(again.Read("a")));
    }

    [Fact]
    public async Task ZerosLeftByAPowerLoss_AreATornTail()
    {
        var path = _temp.File("shard.staging");
        using (var log = StagingLog.Open(path))
        {
            await log.AppendAsync("b1", Entries(("a", "1")));
        }

        using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write(new byte[4096]); // the file grew, its new blocks never got their data
        }

        using var reopened = StagingLog.Open(path);
        Assert.Equal("1", Text(reopened.Read("a")));
        Assert.Equal(AppendOutcome.Appended, await reopened.AppendAsync("b2", Entries(("b", "2"))));
        Assert.Equal("2", Text(reopened.Read("b")));
    }

    [Fact]
    public async Task CorruptionBeforeTheEnd_IsRefused()
    {
        var path = _temp.File("shard.staging");
        using (var log = StagingLog.Open(path))
        {
            await log.AppendAsync("b1", Entries(("a", "1")));
            await log.AppendAsync("b2", Entries(("b", "2")));
        }

        var bytes = File.ReadAllBytes(path);
        bytes[14] ^= 0xFF; // inside the first record's payload
        File.WriteAllBytes(path, bytes);

        Assert.Throws<InvalidDataException>(() => StagingLog.Open(path));
    }

    [Fact]
    public async Task DraftReads_SeeTheLastWrite_IncludingBatchesAfterTheFirstRead()
    {
        using var log = StagingLog.Open(_temp.File("shard.staging"));
        await log.AppendAsync("b1", Entries(("k", "\"first\"")));
        Assert.Equal("\"first\"", Text(log.Read("k")));

        await log.AppendAsync("b2", Entries(("k", "\"second\""), ("other", "1")));

        Assert.Equal("\"second\"", Text(log.Read("k")));
        Assert.Equal("1", Text(log.Read("other")));
        Assert.Null(log.Read("missing"));
    }
}
