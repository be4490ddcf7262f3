using System.Text;
using Xunit;

namespace Optimus.Runtime.Tests.Conformance;

/// <summary>
/// The contract of <see cref="IGrainStorage"/>, run against every provider: each provider's test class derives from
/// this one and says only how to create the storage.
/// </summary>
public abstract class GrainStorageConformance : IAsyncLifetime
{
    private IGrainStorage? _storage;

    protected IGrainStorage Storage => _storage ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync() => _storage = await CreateStorageAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IGrainStorage> CreateStorageAsync();

    private static GrainId NewGrain() => new("kit", Guid.NewGuid().ToString("N"));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(GrainStateRecord? record) => Encoding.UTF8.GetString(record!.Data!.Value.Span);

    [Fact]
    public async Task Read_OfWhatWasNeverWritten_IsNull()
    {
        Assert.Null(await Storage.ReadAsync("state", NewGrain(), default));
    }

    [Fact]
    public async Task Write_WithNullEtag_Creates()
    {
        var grain = NewGrain();
        var etag = await Storage.WriteAsync("state", grain, Bytes("one"), null, default);

        var record = await Storage.ReadAsync("state", grain, default);
        Assert.Equal("one", Text(record));
        Assert.Equal(etag, record!.ETag);
    }

    [Fact]
    public async Task Write_WithNullEtag_WhenARecordExists_IsRefused_AndChangesNothing()
    {
        var grain = NewGrain();
        var etag = await Storage.WriteAsync("state", grain, Bytes("one"), null, default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", grain, Bytes("two"), null, default));

        var record = await Storage.ReadAsync("state", grain, default);
        Assert.Equal("one", Text(record));
        Assert.Equal(etag, record!.ETag);
    }

    [Fact]
    public async Task Write_WithTheCurrentEtag_Replaces_AndReturnsANewEtag()
    {
        var grain = NewGrain();
        var first = await Storage.WriteAsync("state", grain, Bytes("one"), null, default);

        var second = await Storage.WriteAsync("state", grain, Bytes("two"), first, default);

        Assert.NotEqual(first, second);
        var record = await Storage.ReadAsync("state", grain, default);
        Assert.Equal("two", Text(record));
        Assert.Equal(second, record!.ETag);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Write_WithAStaleOrForeignEtag_IsRefused_AndChangesNothing(bool stale)
    {
        var grain = NewGrain();
        var first = await Storage.WriteAsync("state", grain, Bytes("one"), null, default);
        var second = await Storage.WriteAsync("state", grain, Bytes("two"), first, default);

        var wrong = stale ? first : "not-an-etag";
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", grain, Bytes("three"), wrong, default));

        var record = await Storage.ReadAsync("state", grain, default);
        Assert.Equal("two", Text(record));
        Assert.Equal(second, record!.ETag);
    }

    [Fact]
    public async Task Write_WithAnEtag_WhenNothingIsStored_IsRefused()
    {
        var grain = NewGrain();
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", grain, Bytes("one"), "1", default));
        Assert.Null(await Storage.ReadAsync("state", grain, default));
    }

    [Fact]
    public async Task Clear_LeavesATombstone_WithANewEtag()
    {
        var grain = NewGrain();
        var written = await Storage.WriteAsync("state", grain, Bytes("one"), null, default);

        var cleared = await Storage.ClearAsync("state", grain, written, default);

        Assert.NotNull(cleared);
        Assert.NotEqual(written, cleared);
        var record = await Storage.ReadAsync("state", grain, default);
        Assert.Null(record!.Data);
        Assert.Equal(cleared, record.ETag);
    }

    [Fact]
    public async Task Clear_WithAStaleEtag_IsRefused_AndChangesNothing()
    {
        var grain = NewGrain();
        var first = await Storage.WriteAsync("state", grain, Bytes("one"), null, default);
        await Storage.WriteAsync("state", grain, Bytes("two"), first, default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync("state", grain, first, default));
        Assert.Equal("two", Text(await Storage.ReadAsync("state", grain, default)));
    }

    [Fact]
    public async Task Clear_OfNothing_WithNullEtag_DoesNothing()
    {
        var grain = NewGrain();
        Assert.Null(await Storage.ClearAsync("state", grain, null, default));
        Assert.Null(await Storage.ReadAsync("state", grain, default));
    }

    [Fact]
    public async Task AfterAClear_OnlyTheTombstonesEtag_MayWrite()
    {
        var grain = NewGrain();
        var written = await Storage.WriteAsync("state", grain, Bytes("one"), null, default);
        var tombstone = await Storage.ClearAsync("state", grain, written, default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", grain, Bytes("x"), null, default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", grain, Bytes("x"), written, default));
        var again = await Storage.WriteAsync("state", grain, Bytes("two"), tombstone, default);

        Assert.Equal("two", Text(await Storage.ReadAsync("state", grain, default)));
        Assert.Equal(3, new[] { written, tombstone, again }.Distinct().Count());
    }

    [Fact]
    public async Task States_AreKeptApart_ByStateNameAndGrain()
    {
        var grain = NewGrain();
        var other = NewGrain();
        await Storage.WriteAsync("a", grain, Bytes("a of grain"), null, default);
        await Storage.WriteAsync("b", grain, Bytes("b of grain"), null, default);
        await Storage.WriteAsync("a", other, Bytes("a of other"), null, default);

        Assert.Equal("a of grain", Text(await Storage.ReadAsync("a", grain, default)));
        Assert.Equal("b of grain", Text(await Storage.ReadAsync("b", grain, default)));
        Assert.Equal("a of other", Text(await Storage.ReadAsync("a", other, default)));
        Assert.Null(await Storage.ReadAsync("b", other, default));
    }

    [Fact]
    public async Task ConcurrentWrites_WithTheSameEtag_ExactlyOneWins()
    {
        var grain = NewGrain();
        var etag = await Storage.WriteAsync("state", grain, Bytes("start"), null, default);

        var attempts = Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                await Storage.WriteAsync("state", grain, Bytes($"writer {i}"), etag, default);
                return i;
            }
            catch (InconsistentStateException)
            {
                return -1;
            }
        });
        var winners = (await Task.WhenAll(attempts)).Where(i => i >= 0).ToArray();

        var winner = Assert.Single(winners);
        Assert.Equal($"writer {winner}", Text(await Storage.ReadAsync("state", grain, default)));
    }

    [Fact]
    public async Task EmptyAndLargeValues_RoundTrip()
    {
        var grain = NewGrain();
        var etag = await Storage.WriteAsync("empty", grain, Array.Empty<byte>(), null, default);
        var empty = await Storage.ReadAsync("empty", grain, default);
        Assert.Equal(0, empty!.Data!.Value.Length);
        Assert.Equal(etag, empty.ETag);

        var large = new byte[1 << 20];
        new Random(7).NextBytes(large);
        await Storage.WriteAsync("large", grain, large, null, default);
        Assert.Equal(large, (await Storage.ReadAsync("large", grain, default))!.Data!.Value.ToArray());
    }

    [Fact]
    public async Task GrainKeys_WithSlashesAndUnicode_AreDistinct()
    {
        var one = new GrainId("kit", "v1/users/3 ü");
        var two = new GrainId("kit", "v1/users/3");
        await Storage.WriteAsync("state", one, Bytes("one"), null, default);
        await Storage.WriteAsync("state", two, Bytes("two"), null, default);

        Assert.Equal("one", Text(await Storage.ReadAsync("state", one, default)));
        Assert.Equal("two", Text(await Storage.ReadAsync("state", two, default)));
    }
}
