using Microsoft.Extensions.DependencyInjection;
using Optimus.Runtime.Testing;
using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>The runtime's one clock is the injected <see cref="TimeProvider"/>: timeouts, reminders and collection follow it.</summary>
public sealed class InjectedTimeTests
{
    private static Task<TestCluster> StartWithClockAsync(ManualTimeProvider time) =>
        Silos.StartAsync(configureHost: host => host.Services.AddSingleton<TimeProvider>(time));

    [Fact]
    public async Task Timeout_FollowsTheInjectedClock()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartWithClockAsync(time);
        var key = Silos.NewKey();
        var call = cluster.Client.GetGrain<ISchedulingGrain>(key).Hold("gate");

        await Task.Delay(300);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(100);
        Assert.False(call.IsCompleted); // 29 s of the injected clock: still within the 30 s default

        time.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<RequestTimeoutException>(() => call);
        Probe.For(key).Open("gate");
    }

    [Fact]
    public async Task Reminder_TicksAreAnchored_AndMissedTicksAreSkipped()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartWithClockAsync(time);
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var start = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        await cluster.Client.GetGrain<ILifecycleGrain>(key).StartReminder(TimeSpan.FromMinutes(1));

        time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.True(() => probe.Count($"tick-at:{start:O}") == 1, "the first tick, at the start");

        // The silo is down for 2.5 periods: the ticks of start + 1 and start + 2 are skipped, not replayed, and the
        // restarted silo fires at start + 3, still anchored to the start.
        await cluster.StopAsync();
        time.Advance(TimeSpan.FromMinutes(2.5));
        await cluster.StartAsync();
        await Eventually.True(() => time.HasTimerDueAt(start.AddMinutes(3)), "the restarted silo to arm the tick of start + 3 periods");

        time.Advance(TimeSpan.FromMinutes(0.5));
        await Eventually.True(() => probe.Count($"tick-at:{start.AddMinutes(3):O}") == 1, "the tick anchored at start + 3 periods");
        Assert.Equal(2, probe.Events.Count(e => e.StartsWith("tick-at:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task IdleCollection_FollowsTheInjectedClock()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartWithClockAsync(time);
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        await cluster.Client.GetGrain<ILifecycleGrain>(key).Touch();

        time.Advance(TimeSpan.FromMinutes(14));
        await Task.Delay(200);
        Assert.Equal(0, probe.Count("deactivated:Idle"));

        time.Advance(TimeSpan.FromMinutes(2.5)); // past the 15-minute age and the next collection quantum
        await Eventually.True(() => probe.Count("deactivated:Idle") == 1, "collection at the default age");
    }

    [Fact]
    public async Task ExpiredQueuedRequest_IsDropped_NotRun()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartWithClockAsync(time);
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(key);
        var held = grain.Hold("gate");
        await Eventually.True(() => probe.Current == 1, "the first call to run");
        var queued = grain.Work(0);

        time.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<RequestTimeoutException>(() => queued);
        probe.Open("gate");
        await Assert.ThrowsAsync<RequestTimeoutException>(() => held); // it timed out as well, but it ran
        await Task.Delay(200);

        Assert.Equal(1, await grain.Work(0)); // the expired Work never ran: this is the first
    }
}
