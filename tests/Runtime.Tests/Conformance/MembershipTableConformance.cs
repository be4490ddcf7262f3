using System.Collections.Immutable;
using Optimus.Runtime.Membership;
using Xunit;

namespace Optimus.Runtime.Tests.Conformance;

/// <summary>The contract of <see cref="IMembershipTable"/>, run against every provider.</summary>
public abstract class MembershipTableConformance : IAsyncLifetime
{
    private static int s_port = 20000;
    private IMembershipTable? _table;

    protected IMembershipTable Table => _table ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync() => _table = await CreateTableAsync("cluster-" + Guid.NewGuid().ToString("N")[..8]);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IMembershipTable> CreateTableAsync(string clusterId);

    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static MembershipEntry Entry(MembershipStatus status = MembershipStatus.Joining) => new(
        new SiloAddress("10.0.0.1", Interlocked.Increment(ref s_port), 1795300000000),
        status,
        "silo",
        Start,
        Start,
        []);

    [Fact]
    public async Task EmptyTable_IsVersionZero_WithNoRows()
    {
        var data = await Table.ReadAllAsync(default);
        Assert.Equal(0, data.Version);
        Assert.Empty(data.Rows);
    }

    [Fact]
    public async Task Insert_AtTheExpectedVersion_AddsTheRow_AndBumpsTheVersion()
    {
        var entry = Entry();
        Assert.True(await Table.InsertRowAsync(entry, 0, default));

        var data = await Table.ReadAllAsync(default);
        Assert.Equal(1, data.Version);
        Assert.Equal(entry, Assert.Single(data.Rows).Entry);
    }

    [Fact]
    public async Task Insert_AtAStaleVersion_OrOfAPresentSilo_ChangesNothing()
    {
        var entry = Entry();
        Assert.True(await Table.InsertRowAsync(entry, 0, default));

        Assert.False(await Table.InsertRowAsync(Entry(), 0, default));
        Assert.False(await Table.InsertRowAsync(entry, 1, default));

        var data = await Table.ReadAllAsync(default);
        Assert.Equal(1, data.Version);
        Assert.Single(data.Rows);
    }

    [Fact]
    public async Task Update_WithTheRowsEtag_AtTheExpectedVersion_ReplacesIt_WithANewEtag()
    {
        var entry = Entry();
        await Table.InsertRowAsync(entry, 0, default);
        var row = Assert.Single((await Table.ReadAllAsync(default)).Rows);
        var active = entry with
        {
            Status = MembershipStatus.Active,
            Suspicions = [new Suspicion(new SiloAddress("10.0.0.2", 11111, 7), Start.AddSeconds(3))],
        };

        Assert.True(await Table.UpdateRowAsync(active, row.ETag, 1, default));

        var data = await Table.ReadAllAsync(default);
        var updated = Assert.Single(data.Rows);
        Assert.Equal(2, data.Version);
        Assert.Equal(active, updated.Entry);
        Assert.NotEqual(row.ETag, updated.ETag);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Update_WithAStaleEtagOrVersion_ChangesNothing(bool staleEtag)
    {
        var entry = Entry();
        await Table.InsertRowAsync(entry, 0, default);
        var row = Assert.Single((await Table.ReadAllAsync(default)).Rows);
        await Table.UpdateRowAsync(entry with { SiloName = "renamed" }, row.ETag, 1, default);

        var result = staleEtag
            ? await Table.UpdateRowAsync(entry with { Status = MembershipStatus.Dead }, row.ETag, 2, default)
            : await Table.UpdateRowAsync(entry with { Status = MembershipStatus.Dead }, (await Table.ReadAllAsync(default)).Rows[0].ETag, 1, default);

        Assert.False(result);
        var data = await Table.ReadAllAsync(default);
        Assert.Equal(2, data.Version);
        Assert.Equal(MembershipStatus.Joining, data.Rows[0].Entry.Status);
        Assert.Equal("renamed", data.Rows[0].Entry.SiloName);
    }

    [Fact]
    public async Task ConcurrentJoins_AtOneVersion_ExactlyOneWins_AndRetriesBringEveryoneIn()
    {
        var entries = Enumerable.Range(0, 8).Select(_ => Entry()).ToList();

        var firstRound = await Task.WhenAll(entries.Select(e => Table.InsertRowAsync(e, 0, default)));
        Assert.Single(firstRound, won => won);

        await Task.WhenAll(entries.Select(async e =>
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var data = await Table.ReadAllAsync(default);
                if (data.Find(e.Silo) is not null || await Table.InsertRowAsync(e, data.Version, default))
                {
                    return;
                }
            }

            Assert.Fail($"{e.Silo} never joined");
        }));

        var final = await Table.ReadAllAsync(default);
        Assert.Equal(8, final.Rows.Length);
        Assert.Equal(8, final.Version);
    }

    [Fact]
    public async Task Heartbeat_IsBlind_ItChangesNeitherVersionNorEtag()
    {
        var entry = Entry();
        await Table.InsertRowAsync(entry, 0, default);
        var row = (await Table.ReadAllAsync(default)).Rows[0];

        await Table.UpdateIAmAliveAsync(entry.Silo, Start.AddMinutes(5), default);

        var data = await Table.ReadAllAsync(default);
        Assert.Equal(1, data.Version);
        Assert.Equal(row.ETag, data.Rows[0].ETag);
        Assert.Equal(Start.AddMinutes(5), data.Rows[0].Entry.IAmAliveAt);
    }

    [Fact]
    public async Task DeadRows_OlderThanTheCutoff_AreDeleted_OthersStay()
    {
        var dead = Entry(MembershipStatus.Dead);
        var alive = Entry(MembershipStatus.Active);
        await Table.InsertRowAsync(dead, 0, default);
        await Table.InsertRowAsync(alive, 1, default);

        await Table.DeleteDeadRowsAsync(Start.AddSeconds(1), default);

        var data = await Table.ReadAllAsync(default);
        Assert.Equal(alive.Silo, Assert.Single(data.Rows).Entry.Silo);
    }

    private async Task<MembershipStatus> VoteAsync(SiloAddress suspect, SiloAddress voter, DateTimeOffset at)
    {
        var data = await Table.ReadAllAsync(default);
        var row = data.Find(suspect)!;
        var voted = SuspicionRules.Vote(row.Entry, voter, at, data, TimeSpan.FromMinutes(2));
        Assert.True(await Table.UpdateRowAsync(voted, row.ETag, data.Version, default));
        return (await Table.ReadAllAsync(default)).Find(suspect)!.Entry.Status;
    }

    [Fact]
    public async Task AFalseSuspicion_OneVoteWhereTwoAreNeeded_LeavesTheSiloActive_AndExpiredVotesDoNotAddUp()
    {
        var silos = Enumerable.Range(0, 4).Select(_ => Entry(MembershipStatus.Active)).ToList(); // four active: two votes needed
        for (var i = 0; i < silos.Count; i++)
        {
            Assert.True(await Table.InsertRowAsync(silos[i], i, default));
        }

        var (suspect, first, second, third) = (silos[0].Silo, silos[1].Silo, silos[2].Silo, silos[3].Silo);
        Assert.Equal(MembershipStatus.Active, await VoteAsync(suspect, first, Start));
        Assert.Equal(MembershipStatus.Active, await VoteAsync(suspect, first, Start.AddSeconds(10))); // one voter, one vote
        Assert.Equal(MembershipStatus.Active, await VoteAsync(suspect, second, Start.AddMinutes(3))); // the first has expired
        Assert.Equal(MembershipStatus.Dead, await VoteAsync(suspect, third, Start.AddMinutes(3).AddSeconds(10)));
    }

    [Fact]
    public async Task ADeadSilo_ComesBackAsANewGeneration_BesideItsDeadRow()
    {
        var old = Entry(MembershipStatus.Active);
        await Table.InsertRowAsync(old, 0, default);
        var row = (await Table.ReadAllAsync(default)).Rows[0];
        Assert.True(await Table.UpdateRowAsync(old with { Status = MembershipStatus.Dead }, row.ETag, 1, default));

        var reborn = old with { Silo = old.Silo with { Generation = old.Silo.Generation + 60_000 }, Status = MembershipStatus.Joining };
        Assert.True(await Table.InsertRowAsync(reborn, 2, default));

        var data = await Table.ReadAllAsync(default);
        Assert.Equal(2, data.Rows.Length);
        Assert.Equal(MembershipStatus.Dead, data.Find(old.Silo)!.Entry.Status); // the old generation stays dead
        Assert.Equal(MembershipStatus.Joining, data.Find(reborn.Silo)!.Entry.Status);
    }
}
