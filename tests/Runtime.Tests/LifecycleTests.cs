using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>Activation, idle collection, DeactivateOnIdle, stateless workers and graceful shutdown.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task IdleGrain_IsCollected_AfterItsAge_AndReactivatesOnTheNextCall()
    {
        await using var cluster = await Silos.StartAsync(Silos.FastCollection(TimeSpan.FromSeconds(0.5)));
        var key = Silos.NewKey();
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(key);
        var first = await grain.Touch();

        await Eventually.True(() => Probe.For(key).Count("deactivated:Idle") == 1, "idle collection");

        Assert.NotEqual(first, await grain.Touch());
    }

    [Fact]
    public async Task BusyGrain_IsNotCollected()
    {
        await using var cluster = await Silos.StartAsync(Silos.FastCollection(TimeSpan.FromSeconds(0.3)));
        var key = Silos.NewKey();
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(key);

        var held = grain.Hold("gate");
        await Task.Delay(1000);
        Assert.Equal(0, Probe.For(key).Count("deactivating:Idle"));
        Probe.For(key).Open("gate");
        await held;
    }

    [Fact]
    public async Task DeactivateOnIdle_DropsTheActivation_AndCallsMeanwhileGoToTheNextOne()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(key);
        var first = await grain.Touch();
        await grain.SetDeactivationGate("let-go");

        await grain.LeaveWhenIdle();
        await Eventually.True(() => probe.Count("deactivating:ApplicationRequested") == 1, "deactivation to start");
        var during = Enumerable.Range(0, 20).Select(_ => grain.Touch()).ToArray();
        await Task.Delay(100);
        Assert.All(during, call => Assert.False(call.IsCompleted)); // held, not dropped, while OnDeactivateAsync runs

        probe.Open("let-go");
        var ids = await Task.WhenAll(during);
        Assert.All(ids, id => Assert.NotEqual(first, id));
        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task FailedActivation_FailsTheWaitingCalls_AndTheNextCallActivatesAgain()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<IFlakyActivationGrain>(Silos.NewKey());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Hello());
        Assert.Equal("first activation fails", failure.Message);

        Assert.Equal("hello", await grain.Hello());
    }

    [Fact]
    public async Task StatelessWorker_GetsSeveralActivations_UnderConcurrentLoad_UpToItsLimit()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var worker = cluster.Client.GetGrain<IWorkerGrain>(key);

        var calls = Enumerable.Range(0, 8).Select(_ => worker.Hold("gate")).ToArray();
        await Eventually.True(() => probe.Current == 4, "four workers busy at once");
        await Task.Delay(200);
        Assert.Equal(4, probe.Current); // the limit: the other four calls wait
        Assert.Equal(4, cluster.GetActivationIds(worker).Count);

        probe.Open("gate");
        var ids = await Task.WhenAll(calls);
        Assert.Equal(4, ids.Distinct().Count());
    }

    [Fact]
    public async Task StatelessWorker_ReusesAnIdleActivation()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        Probe.For(key).Open("open");
        var worker = cluster.Client.GetGrain<IWorkerGrain>(key);

        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await worker.Hold("open"));
        }

        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task GracefulStop_FinishesRunningCalls_RefusesNewClientCalls_AndDeactivatesEveryGrain()
    {
        var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var others = Enumerable.Range(0, 10).Select(_ => Silos.NewKey()).ToArray();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(key);
        foreach (var other in others)
        {
            await cluster.Client.GetGrain<ILifecycleGrain>(other).Touch();
        }

        var client = cluster.Client;
        var silo = cluster.Silo;
        var running = grain.Hold("gate");
        await Eventually.True(() => probe.Current == 1, "the call to be running");
        var stopping = cluster.DisposeAsync().AsTask();
        await Eventually.True(() => silo.Status == SiloStatus.ShuttingDown, "shutdown to begin");

        await Assert.ThrowsAsync<SiloUnavailableException>(() => client.GetGrain<ILifecycleGrain>(Silos.NewKey()).Touch());
        Assert.False(stopping.IsCompleted);

        probe.Open("gate");
        await running; // completed, not failed
        await stopping;
        Assert.Equal(1, probe.Count("deactivated:ShuttingDown"));
        Assert.All(others, other => Assert.Equal(1, Probe.For(other).Count("deactivated:ShuttingDown")));
    }

    [Fact]
    public async Task RequestsHeldDuringDeactivation_AreServedInOrder_BeforeLaterOnes()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(key);
        await grain.SetDeactivationGate("let-go");
        await grain.LeaveWhenIdle();
        await Eventually.True(() => probe.Count("deactivating:ApplicationRequested") == 1, "deactivation to start");

        var held = Enumerable.Range(0, 10).Select(i => grain.Note($"note:held-{i}")).ToList();
        probe.Open("let-go");
        var later = Enumerable.Range(0, 10).Select(i => grain.Note($"note:later-{i}")).ToList();
        await Task.WhenAll(held.Concat(later));

        var notes = probe.Events.Where(e => e.StartsWith("note:", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"note:held-{i}"), notes.Take(10));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"note:later-{i}"), notes.Skip(10));
    }

    [Fact]
    public async Task Shutdown_DoesNotWaitForever_ForAHangingOnDeactivate()
    {
        var cluster = await Silos.StartAsync(silo => silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = TimeSpan.FromMilliseconds(300)));
        var key = Silos.NewKey();
        var silo = cluster.Silo;
        await cluster.Client.GetGrain<ILifecycleGrain>(key).SetDeactivationGate("never");

        await cluster.DisposeAsync();

        Assert.Equal(SiloStatus.Stopped, silo.Status);
        Assert.Equal(1, Probe.For(key).Count("deactivating:ShuttingDown"));
        Assert.Equal(0, Probe.For(key).Count("deactivated:ShuttingDown"));
    }
}
