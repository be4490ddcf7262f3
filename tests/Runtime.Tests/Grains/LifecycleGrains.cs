using Optimus.Runtime.Tests.Support;

namespace Optimus.Runtime.Tests.Grains;

/// <summary>Reminders, timers, collection and deactivation, reported to the probe of the grain's key.</summary>
public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<long> Touch();

    Task StartReminder(TimeSpan period);

    Task StopReminder();

    Task<int> ReminderCount();

    Task StartTimer(TimeSpan period, bool keepAlive, bool interleave);

    [AlwaysInterleave]
    Task StartTimerInterleaving();

    Task Hold(string gate);

    Task LeaveWhenIdle();

    Task SetDeactivationGate(string? gate);

    Task Note(string tag);

    /// <summary>A timer whose ticks call another grain and record whether the call worked.</summary>
    Task StartCallingTimer(TimeSpan period, string targetKey);
}

public sealed class LifecycleGrain(ILocalSilo silo) : Grain, ILifecycleGrain, IRemindable
{
    private string? _deactivationGate;

    private Probe Probe => Probe.For(GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Probe.Record("activated");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Record($"deactivating:{reason.Code}");
        if (_deactivationGate is { } gate)
        {
            await Probe.Gate(gate);
        }

        Probe.Record($"deactivated:{reason.Code}");
    }

    public Task<long> Touch() => Task.FromResult(Activation.Id);

    public Task StartReminder(TimeSpan period) => RegisterOrUpdateReminder("tick", period, period);

    public async Task StopReminder()
    {
        if (await GetReminder("tick") is { } reminder)
        {
            await UnregisterReminder(reminder);
        }
    }

    public async Task<int> ReminderCount() => (await GetReminders()).Count;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Probe.Record($"reminder:{reminderName}:{silo.Address.Generation}");
        Probe.Record($"tick-at:{status.CurrentTickTime:O}");
        Probe.Record($"tick-context:{RequestContext.Get("trace") ?? "none"}");
        return Task.CompletedTask;
    }

    public Task StartTimer(TimeSpan period, bool keepAlive, bool interleave)
    {
        RegisterGrainTimer(
            async cancellation =>
            {
                Probe.Enter();
                Probe.Record("tick");
                await Task.Delay(1, cancellation);
                Probe.Exit();
            },
            new GrainTimerCreationOptions(period, period) { KeepAlive = keepAlive, Interleave = interleave });
        return Task.CompletedTask;
    }

    public Task StartTimerInterleaving() => StartTimer(TimeSpan.FromMilliseconds(20), keepAlive: false, interleave: true);

    public async Task Hold(string gate)
    {
        Probe.Enter();
        await Probe.Gate(gate);
        Probe.Exit();
    }

    public Task LeaveWhenIdle()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task SetDeactivationGate(string? gate)
    {
        _deactivationGate = gate;
        return Task.CompletedTask;
    }

    public Task Note(string tag)
    {
        Probe.Record(tag);
        return Task.CompletedTask;
    }

    public Task StartCallingTimer(TimeSpan period, string targetKey)
    {
        RegisterGrainTimer(
            async _ =>
            {
                try
                {
                    await GrainFactory.GetGrain<IBehaviourGrain>(targetKey).Count();
                    Probe.Record("timer-call-ok");
                }
                catch (Exception exception)
                {
                    Probe.Record($"timer-call-failed:{exception.GetType().Name}");
                }
            },
            period,
            period);
        return Task.CompletedTask;
    }
}

/// <summary>Fails its first activation, then works.</summary>
public interface IFlakyActivationGrain : IGrainWithStringKey
{
    Task<string> Hello();
}

public sealed class FlakyActivationGrain : Grain, IFlakyActivationGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var probe = Probe.For(GetPrimaryKeyString());
        probe.Record("attempt");
        return probe.Count("attempt") == 1 ? throw new InvalidOperationException("first activation fails") : Task.CompletedTask;
    }

    public Task<string> Hello() => Task.FromResult("hello");
}

public interface IWorkerGrain : IGrainWithStringKey
{
    Task<long> Hold(string gate);
}

[StatelessWorker(4)]
public sealed class WorkerGrain : Grain, IWorkerGrain
{
    public async Task<long> Hold(string gate)
    {
        var probe = Probe.For(GetPrimaryKeyString());
        probe.Enter();
        await probe.Gate(gate);
        probe.Exit();
        return Activation.Id;
    }
}
