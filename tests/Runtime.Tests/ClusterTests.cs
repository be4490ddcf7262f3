using Microsoft.Extensions.DependencyInjection;
using Optimus.Runtime.Membership;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Placement;
using Optimus.Runtime.Testing;
using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>
/// Silos in a cluster, over TCP on loopback with a shared membership table: grains spread over them and are reachable
/// through any of them; a silo that stops hands its grains over without failing a call; a silo that dies is found out,
/// and its grains come back elsewhere with their state.
/// </summary>
public sealed class ClusterTests
{
    private static TestCluster NewCluster(int silos) => new(silo => silo.AddGrains(typeof(Silos).Assembly).AddSqliteGrainStorage().UseSqliteReminders())
    {
        Clustered = true,
        InitialSilos = silos,
    };

    [Fact]
    public async Task Grains_SpreadOverTheSilos_AndAreReachedThroughAnyOfThem()
    {
        await using var cluster = NewCluster(3);
        await cluster.StartAsync();
        var keys = Enumerable.Range(0, 30).Select(_ => Silos.NewKey()).ToList();

        var homes = new List<string>();
        foreach (var key in keys)
        {
            var answers = new HashSet<string>();
            foreach (var silo in cluster.Silos)
            {
                answers.Add(await silo.Client.GetGrain<IPlacedGrain>(key).WhereAmI());
            }

            Assert.Single(answers); // one activation, whichever silo the call came in through
            homes.Add(answers.Single());
        }

        Assert.Equal(3, homes.Distinct().Count());
        Assert.All(keys, key => Assert.Single(cluster.GetActivationIds(cluster.Client.GetGrain<IPlacedGrain>(key))));
    }

    [Fact]
    public async Task State_AndCallsBetweenGrains_CrossSilos()
    {
        await using var cluster = NewCluster(2);
        await cluster.StartAsync();
        var (first, second) = (cluster.Silos[0], cluster.Silos[1]);
        var grain = first.Client.GetGrain<IPlacedGrain>(Silos.NewKey());

        Assert.Equal(1, await grain.Add());
        Assert.Equal(2, await second.Client.GetGrain<IPlacedGrain>(grain.GetPrimaryKey()).Add());

        // A grain asks grains that live on other silos, and a call chain comes back to its origin across the network.
        var others = Enumerable.Range(0, 10).Select(_ => first.Client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();
        var whereabouts = await Task.WhenAll(others.Select(o => grain.AskWhere(o)));
        Assert.Equal(2, whereabouts.Distinct().Count());
        var a = first.Client.GetGrain<IChainGrain>(Silos.NewKey());
        var b = first.Client.GetGrain<IChainGrain>(Silos.NewKey());
        Assert.Equal($"{b.GetPrimaryKey()}→pong from {a.GetPrimaryKey()}", await a.CallOther(b, allowReentrancy: true));
    }

    [Fact]
    public async Task GracefulStop_HandsGrainsOver_WithoutFailingACall()
    {
        await using var cluster = NewCluster(3);
        await cluster.StartAsync();
        var entry = cluster.Silos[0];
        var leaving = cluster.Silos[2];
        var grains = Enumerable.Range(0, 40).Select(_ => entry.Client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();
        await Task.WhenAll(grains.Select(g => g.Add()));
        Assert.Contains(grains, g => cluster.FindActivation(g) == leaving);

        using var stop = new CancellationTokenSource();
        var counts = grains.ToDictionary(g => g.GetPrimaryKey(), _ => 1);
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var grain in grains)
                {
                    counts[grain.GetPrimaryKey()] = await grain.Add(); // any failure fails the test
                }
            }
        });

        await leaving.StopAsync();
        await cluster.WaitForStableAsync();
        await stop.CancelAsync();
        await load;

        foreach (var grain in grains)
        {
            Assert.Equal(counts[grain.GetPrimaryKey()], await grain.Count()); // nothing acknowledged was lost
            Assert.NotEqual(leaving, cluster.FindActivation(grain));
        }
    }

    [Fact]
    public async Task KilledSilo_IsDeclaredDead_AndItsGrainsComeBackElsewhereWithTheirState()
    {
        await using var cluster = NewCluster(3);
        await cluster.StartAsync();
        var entry = cluster.Silos[0];
        var victim = cluster.Silos[1];
        var grains = Enumerable.Range(0, 30).Select(_ => entry.Client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();
        await Task.WhenAll(grains.Select(g => g.Add()));
        var onVictim = grains.Where(g => cluster.FindActivation(g) == victim).ToList();
        Assert.NotEmpty(onVictim);

        await victim.KillAsync();
        await cluster.WaitForStableAsync();

        Assert.All(cluster.Silos, s => Assert.Equal(MembershipStatus.Dead, s.View.StatusOf(victim.Address)));
        foreach (var grain in grains)
        {
            Assert.Equal(2, await grain.Add());
        }

        Assert.All(onVictim, g => Assert.NotNull(cluster.FindActivation(g)));
    }

    [Fact]
    public async Task ASiloThatReadsItselfDead_HaltsAtOnce_AndItsGrainsMoveOn()
    {
        await using var cluster = NewCluster(2);
        await cluster.StartAsync();
        var (survivor, doomed) = (cluster.Silos[0], cluster.Silos[1]);
        var grains = Enumerable.Range(0, 20).Select(_ => survivor.Client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();
        await Task.WhenAll(grains.Select(g => g.Add()));

        // A peer's votes (a false suspicion that won, say) mark it dead in the table, behind its back.
        var table = doomed.Services.GetRequiredService<IMembershipTable>();
        var data = await table.ReadAllAsync(default);
        var row = data.Find(doomed.Address)!;
        Assert.True(await table.UpdateRowAsync(row.Entry with { Status = MembershipStatus.Dead }, row.ETag, data.Version, default));

        await Eventually.True(() => doomed.Silo.Status == SiloStatus.Stopped, "the silo found dead halts");
        await Eventually.True(() => survivor.View.Active.Length == 1, "its peer sees it gone");
        foreach (var grain in grains)
        {
            Assert.Equal(2, await grain.Add());
        }
    }

    [Fact]
    public async Task NewSilo_TakesItsShareOfTheGrains()
    {
        await using var cluster = NewCluster(1);
        await cluster.StartAsync();
        var grains = Enumerable.Range(0, 30).Select(_ => cluster.Client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();
        await Task.WhenAll(grains.Select(g => g.Add()));

        var joined = await cluster.StartSiloAsync();
        await cluster.WaitForStableAsync();

        foreach (var grain in grains)
        {
            Assert.Equal(2, await grain.Add());
        }

        Assert.Contains(grains, g => cluster.FindActivation(g) == joined);
        Assert.All(grains, g => Assert.Single(cluster.GetActivationIds(g)));
    }

    [Fact]
    public async Task DivergentViews_ActivateAGrainTwice_AndOnlyOneStateWriteWins()
    {
        await using var cluster = NewCluster(1);
        await cluster.StartAsync();
        var stale = cluster.Silos[0];
        stale.Services.GetRequiredService<MembershipService>().Halt(); // its view stays "I am alone"
        var current = await cluster.StartSiloAsync();
        await Eventually.True(() => current.View.Active.Length == 2, "the new silo sees both");

        // A grain the new silo owns by its view, and the stale silo by its own.
        var key = Enumerable.Range(0, 1000).Select(_ => Silos.NewKey())
            .First(k => current.Services.GetRequiredService<GrainPlacement>().Ring.Owner(GrainId.Parse(current.Client.GetGrain<ICounterGrain>(k).ToString()!)) == current.Address);
        Assert.Equal(0, (await stale.Client.GetGrain<ICounterGrain>(key).Get()).Value);
        Assert.Equal(0, (await current.Client.GetGrain<ICounterGrain>(key).Get()).Value);
        Assert.Equal(2, cluster.GetActivationIds(current.Client.GetGrain<ICounterGrain>(key)).Count); // one on each silo

        var writes = await Task.WhenAll(
            Outcome(stale.Client.GetGrain<ICounterGrain>(key).Increment("stale")),
            Outcome(current.Client.GetGrain<ICounterGrain>(key).Increment("current")));

        Assert.Single(writes, w => w is int);
        Assert.Single(writes, w => w is InconsistentStateException);
        var state = await current.Client.GetGrain<ICounterGrain>(key).Get(); // the loser's activation is gone; this reads what was stored
        Assert.Equal(1, state.Value);
        Assert.Single(state.History);
    }

    private static async Task<object> Outcome(Task<int> call)
    {
        try
        {
            return await call;
        }
        catch (InconsistentStateException exception)
        {
            return exception;
        }
    }
}
