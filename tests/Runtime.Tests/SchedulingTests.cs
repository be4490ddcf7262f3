using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>One turn at a time per activation, and the rules for when requests may interleave.</summary>
public sealed class SchedulingTests
{
    [Fact]
    public async Task ConcurrentCalls_ToNonReentrantGrain_NeverOverlap()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(key);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => grain.Work(3)));

        Assert.Equal(1, Probe.For(key).Max);
        Assert.Equal(Enumerable.Range(1, 50), results.Order()); // no lost update: every turn saw the previous one
    }

    [Fact]
    public async Task Awaits_ResumeOnTheActivation()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(Silos.NewKey());

        Assert.True(await grain.ResumedOnActivation());
    }

    [Fact]
    public async Task NonReentrantGrain_HoldsSecondCall_UntilFirstFinishes()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(key);

        var first = grain.Hold("gate");
        await Eventually.True(() => probe.Current == 1, "the first call to enter");
        var second = grain.Hold("gate");
        await Task.Delay(200);
        Assert.Equal(1, probe.Current);
        Assert.False(second.IsCompleted);

        probe.Open("gate");
        await Task.WhenAll(first, second);
        Assert.Equal(1, probe.Max);
    }

    [Fact]
    public async Task ReentrantGrain_InterleavesCalls()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<IReentrantSchedulingGrain>(key);

        var calls = Enumerable.Range(0, 5).Select(_ => grain.Hold("gate")).ToArray();
        await Eventually.True(() => probe.Current == 5, "five reentrant calls inside at once");
        probe.Open("gate");
        await Task.WhenAll(calls);
    }

    [Fact]
    public async Task ReadOnlyCalls_InterleaveWithEachOther()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(key);

        var calls = Enumerable.Range(0, 4).Select(_ => grain.HoldReadOnly("gate")).ToArray();
        await Eventually.True(() => probe.Current == 4, "four read-only calls inside at once");
        probe.Open("gate");
        await Task.WhenAll(calls);
    }

    [Fact]
    public async Task ReadOnlyCall_WaitsForRunningWrite_AndWriteWaitsForRunningReads()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(key);

        var write = grain.Hold("write");
        await Eventually.True(() => probe.Current == 1, "the write to enter");
        var read = grain.HoldReadOnly("read");
        await Task.Delay(200);
        Assert.Equal(1, probe.Current);

        probe.Open("write");
        await write;
        await Eventually.True(() => probe.Current == 1, "the read to enter after the write");
        var secondWrite = grain.Hold("second-write");
        await Task.Delay(200);
        Assert.Equal(1, probe.Current);

        probe.Open("read");
        probe.Open("second-write");
        await Task.WhenAll(read, secondWrite);
        Assert.Equal(1, probe.Max);
    }

    [Fact]
    public async Task WaitingWrite_IsNotOvertakenByLaterReads()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(key);

        var firstRead = grain.HoldReadOnly("first-read");
        await Eventually.True(() => probe.Current == 1, "the first read to enter");
        var write = grain.Hold("write");
        await Task.Delay(100);
        var laterRead = grain.HoldReadOnly("later-read");
        await Task.Delay(200);
        Assert.Equal(1, probe.Current); // the later read queues behind the waiting write

        probe.Open("first-read");
        probe.Open("write");
        probe.Open("later-read");
        await Task.WhenAll(firstRead, write, laterRead);
    }

    [Fact]
    public async Task AlwaysInterleaveCall_RunsWhileANonReentrantCallWaits()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(key);

        var held = grain.Hold("gate");
        await Eventually.True(() => probe.Current == 1, "the held call to enter");
        var interleaving = grain.HoldInterleaving("gate");
        await Eventually.True(() => probe.Current == 2, "the always-interleave call to enter beside it");

        probe.Open("gate");
        await Task.WhenAll(held, interleaving);
    }

    [Fact]
    public async Task AlwaysInterleaveCall_QueuedBehindABlockedCall_StillRuns()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ISlowStartGrain>(key);

        // All three queue while the grain activates: then the first Hold runs, the second blocks, and the
        // always-interleave call behind it must not wait for either.
        var first = grain.Hold("gate");
        var second = grain.Hold("gate");
        var interleaving = grain.HoldInterleaving("gate");
        await Task.Delay(100);
        probe.Open("activate");

        await Eventually.True(() => probe.Current == 2, "the first call and the always-interleave call to run together");
        probe.Open("gate");
        await Task.WhenAll(first, second, interleaving);
    }
}
