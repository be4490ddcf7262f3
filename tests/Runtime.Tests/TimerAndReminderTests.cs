using System.Globalization;
using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>Grain timers (not durable, turn-based) and reminders (durable, across restarts).</summary>
public sealed class TimerAndReminderTests
{
    private static void FastReminders(ISiloBuilder silo) => silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task Timer_AloneDoesNotKeepAnIdleGrainAlive_AndStopsWithIt()
    {
        // Two seconds of idleness: time for a timer to tick a few times even in a busy test run's first seconds.
        await using var cluster = await Silos.StartAsync(Silos.FastCollection(TimeSpan.FromSeconds(2)));
        var key = Silos.NewKey();
        var probe = Probe.For(key);

        await cluster.Client.GetGrain<ILifecycleGrain>(key).StartTimer(TimeSpan.FromMilliseconds(50), keepAlive: false, interleave: false);

        await Eventually.True(() => probe.Count("deactivated:Idle") == 1, "the ticking grain to be collected");
        Assert.True(probe.Count("tick") > 3);
        var ticks = probe.Count("tick");
        await Task.Delay(300);
        Assert.Equal(ticks, probe.Count("tick"));
    }

    [Fact]
    public async Task KeepAliveTimer_KeepsTheGrainActive()
    {
        await using var cluster = await Silos.StartAsync(Silos.FastCollection(TimeSpan.FromMilliseconds(500)));
        var key = Silos.NewKey();
        var probe = Probe.For(key);

        await cluster.Client.GetGrain<ILifecycleGrain>(key).StartTimer(TimeSpan.FromMilliseconds(50), keepAlive: true, interleave: false);
        await Task.Delay(2000);

        Assert.Equal(0, probe.Count("deactivating:Idle"));
        Assert.True(probe.Count("tick") > 10);
    }

    [Fact]
    public async Task TimerTick_WaitsForARunningCall()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(key);
        await grain.StartTimer(TimeSpan.FromMilliseconds(20), keepAlive: false, interleave: false);
        await Eventually.True(() => probe.Count("tick") > 0, "a first tick");

        var held = grain.Hold("gate");
        await Eventually.True(() => probe.Current == 1, "the held call to run");
        var ticks = probe.Count("tick");
        await Task.Delay(300);
        Assert.InRange(probe.Count("tick"), ticks, ticks + 1); // at most a tick already admitted; none during the call

        probe.Open("gate");
        await held;
        await Eventually.True(() => probe.Count("tick") > ticks + 1, "ticks to resume");
        Assert.Equal(1, probe.Max);
    }

    [Fact]
    public async Task InterleavingTimerTick_RunsDuringACall()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(key);

        var held = grain.Hold("gate");
        await Eventually.True(() => probe.Current == 1, "the held call to run");
        await grain.StartTimerInterleaving();
        await Eventually.True(() => probe.Count("tick") > 3, "ticks during the held call");

        probe.Open("gate");
        await held;
    }

    [Fact]
    public async Task Reminder_RegisteredBeforeARestart_FiresAfterIt()
    {
        await using var cluster = await Silos.StartAsync(FastReminders);
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        await cluster.Client.GetGrain<ILifecycleGrain>(key).StartReminder(TimeSpan.FromMilliseconds(300));
        await Eventually.True(() => probe.Count($"reminder:tick:{cluster.Silo.Address.Generation}") > 0, "a tick before the restart");

        await Task.Delay(5);
        await cluster.RestartAsync();
        var generation = cluster.Silo.Address.Generation.ToString(CultureInfo.InvariantCulture);

        await Eventually.True(() => probe.Count($"reminder:tick:{generation}") >= 2, "ticks from the restarted silo");
        Assert.Equal(2, probe.Count("activated")); // the restarted silo activated the grain for the reminder
    }

    [Fact]
    public async Task UnregisteredReminder_StopsFiring_AndIsGoneAfterARestart()
    {
        await using var cluster = await Silos.StartAsync(FastReminders);
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(key);
        await grain.StartReminder(TimeSpan.FromMilliseconds(200));
        await Eventually.True(() => probe.Events.Any(e => e.StartsWith("reminder:", StringComparison.Ordinal)), "a tick");

        await grain.StopReminder();
        Assert.Equal(0, await grain.ReminderCount());
        var ticks = probe.Events.Count(e => e.StartsWith("reminder:", StringComparison.Ordinal));
        await cluster.RestartAsync();
        await Task.Delay(800);

        Assert.InRange(probe.Events.Count(e => e.StartsWith("reminder:", StringComparison.Ordinal)), ticks, ticks + 1);
    }

    [Fact]
    public async Task Reminder_ShorterThanTheMinimumPeriod_IsRefused()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<ILifecycleGrain>(Silos.NewKey());

        var failure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.StartReminder(TimeSpan.FromSeconds(10)));
        Assert.Contains("MinimumReminderPeriod (00:01:00)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await grain.ReminderCount());
    }

    [Fact]
    public async Task ReminderTicks_DoNotCarryTheRegisteringCallsContext()
    {
        await using var cluster = await Silos.StartAsync(FastReminders);
        var key = Silos.NewKey();
        var probe = Probe.For(key);

        RequestContext.Set("trace", "registering-call");
        try
        {
            await cluster.Client.GetGrain<ILifecycleGrain>(key).StartReminder(TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            RequestContext.Clear();
        }

        await Eventually.True(() => probe.Events.Any(e => e.StartsWith("tick-context:", StringComparison.Ordinal)), "a tick");
        Assert.All(probe.Events.Where(e => e.StartsWith("tick-context:", StringComparison.Ordinal)), e => Assert.Equal("tick-context:none", e));
    }

    [Fact]
    public async Task TimerCallbacks_CallOtherGrains_AsGrains_EvenWhileTheSiloDrains()
    {
        var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var blocker = Silos.NewKey();
        var probe = Probe.For(key);
        var silo = cluster.Silo;
        await cluster.Client.GetGrain<ILifecycleGrain>(key).StartCallingTimer(TimeSpan.FromMilliseconds(50), Silos.NewKey());
        await Eventually.True(() => probe.Count("timer-call-ok") > 0, "a timer call");

        var held = cluster.Client.GetGrain<ISchedulingGrain>(blocker).Hold("gate"); // keeps the drain waiting
        await Eventually.True(() => Probe.For(blocker).Current == 1, "the held call to run");
        var stopping = cluster.DisposeAsync().AsTask();
        await Eventually.True(() => silo.Status == SiloStatus.ShuttingDown, "shutdown to begin");
        var before = probe.Count("timer-call-ok");
        await Eventually.True(() => probe.Count("timer-call-ok") > before + 2, "timer calls while the silo drains");

        Probe.For(blocker).Open("gate");
        await held;
        await stopping;
        Assert.DoesNotContain(probe.Events, e => e.StartsWith("timer-call-failed", StringComparison.Ordinal));
    }
}
