using System.Collections.Immutable;
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

    [Fact]
    public void Batches_SurviveReopening_WithTheirIds()
    {
        var path = _temp.File("shard.staging");
        using (var log = StagingLog.Open(path))
        {
            log.Append("b1", Entries(("a", "1"), ("b", "2")));
            log.Append("b2", Entries(("c", "3")));
        }

        using var reopened = StagingLog.Open(path);

        Assert.True(reopened.Contains("b1"));
        Assert.True(reopened.Contains("b2"));
        Assert.False(reopened.Contains("b3"));
        Assert.Equal(2, reopened.BatchCount);
        Assert.Equal(3, reopened.EntryCount);
        Assert.Equal("3", Encoding.UTF8.GetString(reopened.Read("c")!));
    }

    [Fact]
    public void TornTail_IsCutOff_AndTheLogGoesOn()
    {
        var path = _temp.File("shard.staging");
        using (var log = StagingLog.Open(path))
        {
            log.Append("b1", Entries(("a", "1")));
            log.Append("b2", Entries(("b", "2")));
        }

        var whole = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(whole - 3); // the last write never finished
        }

        using (var log = StagingLog.Open(path))
        {
            Assert.True(log.Contains("b1"));
            Assert.False(log.Contains("b2"));
            Assert.Null(log.Read("b"));
            log.Append("b2", Entries(("b", "two")));
        }

        using var again = StagingLog.Open(path);
        Assert.Equal("two", Encoding.UTF8.GetString(again.Read("b")!));
        Assert.Equal(2, again.EntryCount);
    }

    [Fact]
    public void CorruptionBeforeTheEnd_IsRefused()
    {
        var path = _temp.File("shard.staging");
        using (var log = StagingLog.Open(path))
        {
            log.Append("b1", Entries(("a", "1")));
            log.Append("b2", Entries(("b", "2")));
        }

        var bytes = File.ReadAllBytes(path);
        bytes[14] ^= 0xFF; // inside the first record's payload
        File.WriteAllBytes(path, bytes);

        Assert.Throws<InvalidDataException>(() => StagingLog.Open(path));
    }

    [Fact]
    public void DraftReads_SeeTheLastWrite_IncludingBatchesAfterTheFirstRead()
    {
        using var log = StagingLog.Open(_temp.File("shard.staging"));
        log.Append("b1", Entries(("k", "\"first\"")));
        Assert.Equal("\"first\"", Encoding.UTF8.GetString(log.Read("k")!));

        log.Append("b2", Entries(("k", "\"second\""), ("other", "1")));

        Assert.Equal("\"second\"", Encoding.UTF8.GetString(log.Read("k")!));
        Assert.Equal("1", Encoding.UTF8.GetString(log.Read("other")!));
        Assert.Null(log.Read("missing"));
    }
}
