using Optimus.Runtime.Reminders;
using Xunit;

namespace Optimus.Runtime.Tests.Conformance;

/// <summary>The contract of <see cref="IReminderTable"/>, run against every provider.</summary>
public abstract class ReminderTableConformance : IAsyncLifetime
{
    private IReminderTable? _table;

    protected IReminderTable Table => _table ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync() => _table = await CreateTableAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IReminderTable> CreateTableAsync();

    private static GrainId NewGrain() => new("kit", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Entry(GrainId grain, string name = "r") =>
        new(grain, name, new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567), TimeSpan.FromTicks(600_000_001));

    [Fact]
    public async Task Upsert_ThenRead_GivesTheSameReminder_WithItsEtag()
    {
        var entry = Entry(NewGrain());
        var etag = await Table.UpsertRowAsync(entry, default);

        var row = await Table.ReadRowAsync(entry.GrainId, entry.Name, default);

        Assert.Equal(entry with { ETag = etag }, row);
    }

    [Fact]
    public async Task Upsert_OfAnExistingReminder_ReplacesIt_WithANewEtag()
    {
        var entry = Entry(NewGrain());
        var first = await Table.UpsertRowAsync(entry, default);
        var moved = entry with { Period = TimeSpan.FromMinutes(7) };

        var second = await Table.UpsertRowAsync(moved, default);

        Assert.NotEqual(first, second);
        Assert.Equal(moved with { ETag = second }, await Table.ReadRowAsync(entry.GrainId, entry.Name, default));
        Assert.Single(await Table.ReadRowsAsync(entry.GrainId, default));
    }

    [Fact]
    public async Task ReadRows_ReturnsEveryReminderOfOneGrain_AndNoOther()
    {
        var grain = NewGrain();
        await Table.UpsertRowAsync(Entry(grain, "a"), default);
        await Table.UpsertRowAsync(Entry(grain, "b"), default);
        await Table.UpsertRowAsync(Entry(NewGrain(), "a"), default);

        var rows = await Table.ReadRowsAsync(grain, default);

        Assert.Equal(["a", "b"], rows.Select(r => r.Name).Order());
        Assert.All(rows, r => Assert.Equal(grain, r.GrainId));
    }

    [Fact]
    public async Task Read_OfAMissingReminder_IsNull()
    {
        Assert.Null(await Table.ReadRowAsync(NewGrain(), "none", default));
        Assert.Empty(await Table.ReadRowsAsync(NewGrain(), default));
    }

    [Fact]
    public async Task Remove_WithTheCurrentEtag_Removes()
    {
        var entry = Entry(NewGrain());
        var etag = await Table.UpsertRowAsync(entry, default);

        Assert.True(await Table.RemoveRowAsync(entry.GrainId, entry.Name, etag, default));
        Assert.Null(await Table.ReadRowAsync(entry.GrainId, entry.Name, default));
        Assert.False(await Table.RemoveRowAsync(entry.GrainId, entry.Name, etag, default));
    }

    [Fact]
    public async Task Remove_WithAStaleEtag_KeepsTheReminder()
    {
        var entry = Entry(NewGrain());
        var stale = await Table.UpsertRowAsync(entry, default);
        var current = await Table.UpsertRowAsync(entry, default);

        Assert.False(await Table.RemoveRowAsync(entry.GrainId, entry.Name, stale, default));
        Assert.Equal(current, (await Table.ReadRowAsync(entry.GrainId, entry.Name, default))!.ETag);
    }

    [Fact]
    public async Task AnEtagOfARemovedReminder_NeverMatchesItsSuccessor()
    {
        var entry = Entry(NewGrain());
        var old = await Table.UpsertRowAsync(entry, default);
        await Table.RemoveRowAsync(entry.GrainId, entry.Name, old, default);
        await Table.UpsertRowAsync(entry, default);

        Assert.False(await Table.RemoveRowAsync(entry.GrainId, entry.Name, old, default));
    }

    [Fact]
    public async Task ReadRange_ReturnsExactlyTheGrainsWhoseHashLiesInIt_WrappingAroundTheRing()
    {
        var grains = Enumerable.Range(0, 40).Select(_ => NewGrain()).ToArray();
        foreach (var grain in grains)
        {
            await Table.UpsertRowAsync(Entry(grain), default);
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        uint[][] ranges =
        [
            [hashes[5], hashes[25]],            // an ordinary range (begin, end]
            [hashes[30], hashes[10]],           // wraps past uint.MaxValue
            [hashes[12], hashes[12]],           // begin == end: the whole ring
            [hashes[0] - 1, hashes[0]],         // exactly one grain
        ];

        var all = await Table.ReadRangeAsync(0, 0, default);
        foreach (var range in ranges)
        {
            var rows = await Table.ReadRangeAsync(range[0], range[1], default);
            var expected = all.Where(r => ReminderRange.Contains(range[0], range[1], r.GrainHash)).Select(r => r.GrainId.ToString()).Order();
            Assert.Equal(expected, rows.Select(r => r.GrainId.ToString()).Order());
        }

        var ours = grains.Select(g => g.ToString()).ToHashSet(); // (h5, h25] holds the grains ranked 6 to 25
        Assert.Equal(20, (await Table.ReadRangeAsync(hashes[5], hashes[25], default)).Count(r => ours.Contains(r.GrainId.ToString())));
    }
}
