using System.Collections.Concurrent;
using System.Collections.Immutable;
using Optimus.Runtime.Testing;
using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>
/// A client outside the cluster: it finds the gateways in the membership table, reaches grains on every silo, follows
/// silos that come and go, makes read-only calls again when their silo dies, and fails other calls clearly.
/// </summary>
public sealed class ClusterClientTests
{
    private static TestCluster NewCluster(int silos) => new(silo => silo.AddGrains(typeof(Silos).Assembly).AddSqliteGrainStorage().UseSqliteReminders())
    {
        Clustered = true,
        InitialSilos = silos,
    };

    // A silo without a cluster on the given silo port, taking clients there or not.
    private static TestCluster Alone(int port, bool acceptClients) => new(silo => silo.AddGrains(typeof(Silos).Assembly).AddSqliteGrainStorage().UseSqliteReminders()
        .Configure<SiloOptions>(o => (o.SiloPort, o.AcceptClientsWhenAlone) = (port, acceptClients)));

    private static void Quick(ClusterClientOptions options)
    {
        options.GatewayRefreshPeriod = TimeSpan.FromMilliseconds(100);
        options.RetryDelay = TimeSpan.FromMilliseconds(100);
        options.MaxAttempts = 8; // enough to outlast the test cluster's failure detection
    }

    [Fact]
    public async Task AClient_FindsEveryGateway_AndReachesGrainsOnEverySilo()
    {
        await using var cluster = NewCluster(3);
        await cluster.StartAsync();
        await using var client = await cluster.ConnectClientAsync(Quick);
        await Eventually.True(() => client.Gateways.Count == 3, "the client connects to every silo");

        var grains = Enumerable.Range(0, 30).Select(_ => client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();
        Assert.All(await Task.WhenAll(grains.Select(g => g.Add())), count => Assert.Equal(1, count));
        Assert.Equal(3, (await Task.WhenAll(grains.Select(g => g.WhereAmI()))).Distinct().Count());

        // The same grains through a silo, a grain reference as an argument, and an exception on the way back.
        Assert.Equal(2, await cluster.Silos[1].Client.GetGrain<IPlacedGrain>(grains[0].GetPrimaryKey()).Add());
        Assert.Equal(await grains[1].WhereAmI(), await grains[0].AskWhere(grains[1]));
        var failing = client.GetGrain<IBehaviourGrain>(Silos.NewKey());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Fail("invalid", "on purpose"));
        Assert.Equal("on purpose", error.Message);
    }

    [Fact]
    public async Task LargeMessages_CrossEveryConnection_Intact_InManyBlocks()
    {
        await using var cluster = NewCluster(2);
        await cluster.StartAsync();
        await using var client = await cluster.ConnectClientAsync(Quick);
        await Eventually.True(() => client.Gateways.Count == 2, "the client connects to both silos");

        // 40,000 numbers are about 230 kB of JSON each way: every frame spans several of the connections' 64 kB blocks,
        // twenty calls at once share flushes and reads, and the grains on the other silo take the silos' connection too.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var values = Enumerable.Range(i * 7, 40_000).ToList();
            var answer = await client.GetGrain<IBehaviourGrain>(Silos.NewKey()).Mutate(new Payload { Values = values });
            Assert.Equal([.. values, 99], answer.Values);
        }));
    }

    [Fact]
    public async Task AClient_FollowsSilosThatComeAndGo()
    {
        await using var cluster = NewCluster(1);
        await cluster.StartAsync();
        await using var client = await cluster.ConnectClientAsync(Quick);
        Assert.Single(client.Gateways);

        var joined = await cluster.StartSiloAsync();
        await Eventually.True(() => client.Gateways.Contains(joined.Address), "the client connects to the new silo");

        await cluster.Silos[0].KillAsync();
        await Eventually.True(() => client.Gateways.SequenceEqual([joined.Address]), "the client lets the dead silo go");
        Assert.Equal(1, await client.GetGrain<IPlacedGrain>(Silos.NewKey()).Add());
    }

    [Fact]
    public async Task ReadOnlyCalls_AreMadeAgain_WhenTheirSiloDies_AndNoAcknowledgedWriteIsLost()
    {
        await using var cluster = NewCluster(3);
        await cluster.StartAsync();
        await using var client = await cluster.ConnectClientAsync(Quick);
        var grains = Enumerable.Range(0, 30).Select(_ => client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();
        await Task.WhenAll(grains.Select(g => g.Add()));
        var victim = cluster.Silos[2];
        Assert.Contains(grains, g => cluster.FindActivation(g) == victim);

        using var stop = new CancellationTokenSource();
        var readFailures = new ConcurrentQueue<Exception>();
        var acknowledged = grains.ToDictionary(g => g.GetPrimaryKey(), _ => 1);
        var writeFailures = 0;
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.WhenAll(grains.Select(g => g.Count()));
                }
                catch (Exception exception)
                {
                    readFailures.Enqueue(exception);
                }
            }
        });
        var writing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var grain in grains)
                {
                    try
                    {
                        acknowledged[grain.GetPrimaryKey()] = await grain.Add();
                    }
                    catch (SiloUnavailableException)
                    {
                        writeFailures++; // not read-only: the caller decides, and this one does not know whether it happened
                    }
                }
            }
        });

        await Task.Delay(300);
        await victim.KillAsync();
        await cluster.WaitForStableAsync();
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(reading, writing);

        Assert.Empty(readFailures);
        foreach (var grain in grains)
        {
            var count = await grain.Count();
            Assert.InRange(count, acknowledged[grain.GetPrimaryKey()], acknowledged[grain.GetPrimaryKey()] + writeFailures);
        }
    }

    [Fact]
    public async Task CallsWaitingOnASiloThatDies_FailAtOnce_ThroughWhicheverGatewayTheyTook()
    {
        await using var cluster = NewCluster(3);
        await cluster.StartAsync();
        await using var client = await cluster.ConnectClientAsync(o =>
        {
            Quick(o);
            o.ResponseTimeout = TimeSpan.FromMinutes(5);
        });
        await Eventually.True(() => client.Gateways.Count == 3, "the client connects to every silo");
        var victim = cluster.Silos[2];
        var grains = Enumerable.Range(0, 40).Select(_ => client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();
        await Task.WhenAll(grains.Select(g => g.Count()));
        var onVictim = grains.Where(g => cluster.FindActivation(g) == victim).ToList();
        Assert.NotEmpty(onVictim);

        // Calls go round-robin over the gateways: some reach the victim through another silo, which relays them.
        var waiting = onVictim.SelectMany(g => Enumerable.Range(0, 3).Select(_ => g.Hold(TimeSpan.FromMinutes(5)))).ToList();
        await Task.Delay(200);
        await victim.KillAsync();

        foreach (var call in waiting)
        {
            // Not read-only and perhaps begun: the caller hears of it, long before the 5-minute timeout.
            await Assert.ThrowsAsync<SiloUnavailableException>(() => call.WaitAsync(TimeSpan.FromSeconds(60)));
        }
    }

    [Fact]
    public async Task AGatewaysGracefulStop_FailsNoClientCall()
    {
        await using var cluster = NewCluster(3);
        await cluster.StartAsync();
        await using var client = await cluster.ConnectClientAsync(Quick);
        await Eventually.True(() => client.Gateways.Count == 3, "the client connects to every silo");
        var grains = Enumerable.Range(0, 30).Select(_ => client.GetGrain<IPlacedGrain>(Silos.NewKey())).ToList();

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<Exception>();
        var calling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var grain in grains)
                {
                    try
                    {
                        await grain.Add();
                    }
                    catch (Exception exception)
                    {
                        failures.Enqueue(exception);
                    }
                }
            }
        });

        await Task.Delay(300);
        var leaving = cluster.Silos[1];
        await leaving.StopAsync();
        await cluster.WaitForStableAsync();
        await stop.CancelAsync();
        await calling;

        Assert.Empty(failures);
        Assert.DoesNotContain(leaving.Address, client.Gateways);
    }

    [Fact]
    public async Task AClientOfAnotherCluster_IsRefused_SayingWhy()
    {
        await using var cluster = NewCluster(1);
        await cluster.StartAsync();

        var refused = await Assert.ThrowsAsync<SiloUnavailableException>(() => cluster.ConnectClientAsync(o =>
        {
            o.ClusterId = "another";
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        }));

        Assert.Contains("cluster 'optimus', not 'another'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallsThroughAGateway_TakeThatGateway_AndAnyOtherOnceItIsGone()
    {
        await using var cluster = NewCluster(3);
        await cluster.StartAsync();
        await using var client = await cluster.ConnectClientAsync(Quick);
        await Eventually.True(() => client.Gateways.Count == 3, "the client connects to every silo");

        foreach (var silo in cluster.Silos)
        {
            var worker = client.Through(silo.Address).GetGrain<ILocalWorkerGrain>("w");
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => worker.WhereAmI()));
            Assert.All(answers, where => Assert.Equal(silo.Address.ToString(), where)); // a worker runs where the call lands
        }

        var spread = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.GetGrain<ILocalWorkerGrain>("w").WhereAmI()));
        Assert.Equal(3, spread.Distinct().Count()); // without a gateway named, calls go round the gateways

        var gone = cluster.Silos[2].Address;
        await cluster.Silos[2].KillAsync();
        await Eventually.True(() => !client.Gateways.Contains(gone), "the client lets the dead silo go");
        Assert.NotEqual(gone.ToString(), await client.Through(gone).GetGrain<ILocalWorkerGrain>("w").WhereAmI());
    }

    [Fact]
    public async Task AClientGivenItsSilosByAFunction_ConnectsToThem_AndFollowsTheList()
    {
        await using var cluster = NewCluster(2);
        await cluster.StartAsync();
        var listed = cluster.Silos.Select(s => s.Address).ToList();
        await using var client = await ClusterClient.ConnectAsync(
            _ => Task.FromResult(new MembershipSnapshot(1, listed.ToImmutableDictionary(a => a, _ => MembershipStatus.Active))), Quick);
        await Eventually.True(() => client.Gateways.Count == 2, "the client connects to both listed silos");
        Assert.Equal(1, await client.GetGrain<IPlacedGrain>(Silos.NewKey()).Add());

        listed = [cluster.Silos[1].Address];
        await Eventually.True(() => client.Gateways.SequenceEqual(listed), "the client lets go of the silo no longer listed");
        Assert.Equal(listed[0].ToString(), await client.GetGrain<ILocalWorkerGrain>("w").WhereAmI());
    }

    [Fact]
    public async Task ASiloAlone_TakesClients_OnlyWhenAsked()
    {
        var port = LoopbackPort.Free();
        await using var alone = Alone(port, acceptClients: true);
        await alone.StartAsync();
        await using (var client = await ClusterClient.ConnectAsync(_ => Task.FromResult(alone.Silo.Membership), Quick))
        {
            Assert.Equal(1, await client.GetGrain<IPlacedGrain>(Silos.NewKey()).Add());
            Assert.Equal(alone.Silo.Address.ToString(), await client.GetGrain<ILocalWorkerGrain>("w").WhereAmI());
        }

        await alone.StopAsync();
        await using var closed = Alone(port, acceptClients: false);
        await closed.StartAsync();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => ClusterClient.ConnectAsync(_ => Task.FromResult(closed.Silo.Membership), o =>
        {
            Quick(o);
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        }));
    }

    [Fact]
    public async Task ASecondSilo_OnASiloPortInUse_FailsToStart_NamingThePort()
    {
        var port = LoopbackPort.Free();
        await using var first = Alone(port, acceptClients: true);
        await first.StartAsync();
        await using var second = Alone(port, acceptClients: true);

        var refused = await Assert.ThrowsAnyAsync<Exception>(second.StartAsync);

        Assert.Contains($"The silo port {port} is in use", refused.ToString(), StringComparison.Ordinal);
        await using var client = await ClusterClient.ConnectAsync(_ => Task.FromResult(first.Silo.Membership), Quick);
        Assert.Equal(first.Silo.Address.ToString(), await client.GetGrain<ILocalWorkerGrain>("w").WhereAmI()); // the first kept its port to itself
    }
}
